#!/usr/bin/env bash
# Waits until the Azurite of the state dir answers HTTP on its port (deadline
# JSM_AZURITE_WAIT_SECONDS, default 60). Fails early if the process exited.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[[ -f "$AZURITE_PORT_FILE" ]] || azurite_die "no Azurite was started from $AZURITE_STATE_DIR"
port="$(cat "$AZURITE_PORT_FILE")"
deadline=$((SECONDS + ${JSM_AZURITE_WAIT_SECONDS:-60}))
while true; do
  # Any HTTP answer (even 400/403) means the blob service is listening.
  code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/devstoreaccount1?comp=list" || true)"
  if [[ "$code" =~ ^[1-5][0-9][0-9]$ ]]; then exit 0; fi
  [[ -n "$(azurite_running_pid)" ]] ||
    azurite_die "Azurite exited before answering on port $port: $(tail -5 "$AZURITE_LOG" 2>/dev/null)"
  ((SECONDS < deadline)) || azurite_die "Azurite did not answer on 127.0.0.1:$port within the deadline"
  sleep 0.2
done
