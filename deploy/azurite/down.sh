#!/usr/bin/env bash
# Stops the Azurite of the state dir (TERM, then KILL after 10 s) and waits until it is gone.
# Its data stays in the state dir, so up.sh starts it again with the same blobs.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pid="$(azurite_running_pid)"
if [[ -z "$pid" ]]; then
  rm -f "$AZURITE_PID_FILE"
  exit 0
fi
kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
for _ in $(seq 1 100); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
fi
rm -f "$AZURITE_PID_FILE"
echo "azurite: stopped (pid $pid)"
