#!/usr/bin/env bash
# Installs (first use) and starts azurite-blob on 127.0.0.1, keeping its data in the state
# dir across restarts, then waits until it answers. Prints the port and the connection string.
# Environment: see lib.sh. A running Azurite of the same state dir is an error.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

[[ -z "$(azurite_running_pid)" ]] ||
  azurite_die "Azurite is already running from $AZURITE_STATE_DIR (stop it with deploy/azurite/down.sh)"
azurite_install
port="${JSM_AZURITE_PORT:-10000}"
[[ "$port" == 0 ]] && port="$(azurite_free_port)"
mkdir -p "$AZURITE_STATE_DIR/data"
echo "$port" >"$AZURITE_PORT_FILE"
# setsid: its own process group, so down.sh stops node and nothing else.
setsid "$AZURITE_BIN" --blobHost 127.0.0.1 --blobPort "$port" --location "$AZURITE_STATE_DIR/data" \
  --skipApiVersionCheck --disableTelemetry --silent >"$AZURITE_LOG" 2>&1 </dev/null &
echo $! >"$AZURITE_PID_FILE"
"$AZURITE_DEPLOY_DIR/wait.sh"
echo "azurite: blob service on 127.0.0.1:$port (state $AZURITE_STATE_DIR)"
echo "AZURE_STORAGE_CONNECTION_STRING='DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$port/devstoreaccount1;'"
