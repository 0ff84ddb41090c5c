#!/usr/bin/env bash
# Stops the local cluster's nodes (SIGTERM, then SIGKILL after 30 s) and
# deletes their data, logs and pid files. Does nothing if none is running.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[[ -d "$KAFKA_STATE_DIR" ]] || exit 0
pids=()
for pid_file in "$KAFKA_STATE_DIR"/node-*/kafka.pid; do
  [[ -f "$pid_file" ]] || continue
  pid="$(cat "$pid_file")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    pids+=("$pid")
  fi
done
deadline=$(($(date +%s) + 30))
for pid in "${pids[@]}"; do
  while kill -0 "$pid" 2>/dev/null; do
    if (($(date +%s) >= deadline)); then
      kafka_log "node pid $pid did not stop within 30s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1
  done
done
rm -rf "$KAFKA_STATE_DIR"
((${#pids[@]} == 0)) || kafka_log "stopped ${#pids[@]} broker(s)"
