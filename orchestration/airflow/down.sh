#!/usr/bin/env bash
# `make airflow-down`: stops the standalone Airflow started by up.sh (its whole process group).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
AIRFLOW_HOME="${AIRFLOW_HOME:-$ROOT/.airflow}"
PIDFILE="$AIRFLOW_HOME/standalone.pid"
if [ ! -f "$PIDFILE" ]; then echo "Airflow is not running (no $PIDFILE)"; exit 0; fi
PID="$(cat "$PIDFILE")"
if kill -0 "$PID" 2>/dev/null; then
  kill -TERM -- "-$PID" 2>/dev/null || kill -TERM "$PID"
  for _ in $(seq 60); do kill -0 "$PID" 2>/dev/null || break; sleep 1; done
  kill -0 "$PID" 2>/dev/null && kill -KILL -- "-$PID" 2>/dev/null || true
fi
rm -f "$PIDFILE"
echo "Airflow stopped"
