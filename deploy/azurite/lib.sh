# Shared settings of the Azurite scripts (sourced, not run).
# Environment:
#   JSM_AZURITE_PORT       blob service port on 127.0.0.1 (default 10000; 0 picks a free port)
#   JSM_AZURITE_STATE_DIR  Azurite's own data, pid and log folder (default deploy/azurite/.run)
AZURITE_DEPLOY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
AZURITE_STATE_DIR="${JSM_AZURITE_STATE_DIR:-$AZURITE_DEPLOY_DIR/.run}"
AZURITE_PID_FILE="$AZURITE_STATE_DIR/azurite.pid"
AZURITE_PORT_FILE="$AZURITE_STATE_DIR/azurite.port"
AZURITE_LOG="$AZURITE_STATE_DIR/azurite.log"
AZURITE_BIN="$AZURITE_DEPLOY_DIR/node_modules/.bin/azurite-blob"

azurite_die() {
  echo "azurite: error: $*" >&2
  exit 1
}

# Installs the pinned Azurite with `npm ci` when node_modules is missing or older than the lock file.
azurite_install() {
  command -v npm >/dev/null 2>&1 || azurite_die "npm is not installed (Node.js 20 and npm are needed for Azurite)"
  local stamp="$AZURITE_DEPLOY_DIR/node_modules/.jsm-installed"
  if [[ -x "$AZURITE_BIN" && -f "$stamp" && "$stamp" -nt "$AZURITE_DEPLOY_DIR/package-lock.json" ]]; then
    return 0
  fi
  # Tests start Azurite in parallel: one installs while the others wait for it.
  mkdir -p "$AZURITE_DEPLOY_DIR/.run"
  exec 9>"$AZURITE_DEPLOY_DIR/.run/install.lock"
  flock 9
  if [[ -x "$AZURITE_BIN" && -f "$stamp" && "$stamp" -nt "$AZURITE_DEPLOY_DIR/package-lock.json" ]]; then
    exec 9>&-
    return 0
  fi
  echo "azurite: installing the pinned Azurite (npm ci) into $AZURITE_DEPLOY_DIR/node_modules"
  (cd "$AZURITE_DEPLOY_DIR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) ||
    azurite_die "npm ci failed in $AZURITE_DEPLOY_DIR (is the npm registry reachable?)"
  touch "$stamp"
  exec 9>&-
}

# A loopback TCP port nothing listens on now.
azurite_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# The pid of the running Azurite of this state dir, or nothing.
azurite_running_pid() {
  [[ -f "$AZURITE_PID_FILE" ]] || return 0
  local pid
  pid="$(cat "$AZURITE_PID_FILE")"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then echo "$pid"; fi
}
