#!/usr/bin/env bash
# `make airflow-up`: a standalone Airflow (scheduler, DAG processor, triggerer, API server + UI) with the
# JSM DAGs and its own SQLite metadata DB under $AIRFLOW_HOME (default .airflow/ of the project).
# Prints the URL and the login once the API server answers. `make airflow-down` stops it.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
export AIRFLOW_HOME="${AIRFLOW_HOME:-$ROOT/.airflow}"
PORT="${AIRFLOW_PORT:-8080}"
VENV="${AIRFLOW_VENV:-$ROOT/.venv-airflow}"
mkdir -p "$AIRFLOW_HOME"
export PATH="$VENV/bin:$PATH"  # standalone starts its components as `airflow ...`
PIDFILE="$AIRFLOW_HOME/standalone.pid"
if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
  echo "Airflow already running (pid $(cat "$PIDFILE")) at http://127.0.0.1:$PORT"; exit 0
fi
export AIRFLOW__CORE__DAGS_FOLDER="$ROOT/orchestration/airflow/dags"
export AIRFLOW__CORE__LOAD_EXAMPLES=false
export AIRFLOW__API__PORT="$PORT"
export AIRFLOW__API__HOST="${AIRFLOW_HOST:-127.0.0.1}"
export AIRFLOW__SIMPLE_AUTH_MANAGER__USERS="${AIRFLOW_USER:-admin}:admin"
# Defaults of the DAGs' Variables for this checkout (a Variable set in the UI wins over nothing: these are env).
export AIRFLOW_VAR_JSM_BIN="${AIRFLOW_VAR_JSM_BIN:-$ROOT/build/jsm}"
export AIRFLOW_VAR_JSM_LAKEHOUSE="${AIRFLOW_VAR_JSM_LAKEHOUSE:-$ROOT/lakehouse}"
setsid "$VENV/bin/airflow" standalone >"$AIRFLOW_HOME/standalone.log" 2>&1 < /dev/null &
echo $! > "$PIDFILE"
deadline=$((SECONDS + ${AIRFLOW_UP_TIMEOUT:-240}))
until curl -fsS "http://127.0.0.1:$PORT/api/v2/monitor/health" >/dev/null 2>&1; do
  if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then echo "Airflow exited; see $AIRFLOW_HOME/standalone.log" >&2; exit 1; fi
  if [ $SECONDS -ge $deadline ]; then echo "Airflow not answering after ${AIRFLOW_UP_TIMEOUT:-240} s; see $AIRFLOW_HOME/standalone.log" >&2; exit 1; fi
  sleep 2
done
PWFILE="$AIRFLOW_HOME/simple_auth_manager_passwords.json.generated"
for _ in $(seq 30); do [ -s "$PWFILE" ] && break; sleep 1; done
echo "Airflow UI: http://127.0.0.1:$PORT  (AIRFLOW_HOME=$AIRFLOW_HOME, log: $AIRFLOW_HOME/standalone.log)"
echo "login: ${AIRFLOW_USER:-admin} / password: $(sed -n 's/.*"'"${AIRFLOW_USER:-admin}"'": *"\([^"]*\)".*/\1/p' "$PWFILE" 2>/dev/null || echo "see $PWFILE")"
