# Shared settings of the Kafka scripts (sourced, not run).
# Environment:
#   JSM_KAFKA_BROKERS          number of nodes (1 or 3; default 1)
#   JSM_KAFKA_PORT             client port of node 1; node i uses PORT+i-1 (default 9092)
#   JSM_KAFKA_CONTROLLER_PORT  controller port of node 1; node i uses it +i-1 (default 9192)
#   JSM_KAFKA_STATE_DIR        data, logs and pid files (default deploy/kafka/.run)
#   JSM_KAFKA_START_TIMEOUT    seconds to wait for the cluster to be ready (default 90)
#   KAFKA_HEAP_OPTS            JVM heap of each node (default -Xms256m -Xmx1g)
#   JAVA                       the java binary (default: java on PATH)
#   JSM_KAFKA_SASL_PORT        if set: node i also listens for SASL_PLAINTEXT clients on
#                              this port +i-1 (SASL/PLAIN; see up.sh)
#   JSM_KAFKA_SASL_USERS       the SASL users of that listener, "name:password,..." (a test
#                              or demo cluster only: the passwords land in server.properties)
#   JSM_KAFKA_SSL_PORT         if set: node i also listens for SSL (TLS) clients on this
#                              port +i-1, with a throwaway CA and broker certificate made at
#                              start by tls.sh; clients trust $JSM_KAFKA_STATE_DIR/tls/ca.pem
#   JSM_KAFKA_SASL_SSL_PORT    if set: the same for SASL_SSL clients (SASL/PLAIN over TLS,
#                              the users of JSM_KAFKA_SASL_USERS)

KAFKA_DEPLOY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_LIB_DIR="$KAFKA_DEPLOY_DIR/.cache/lib"
KAFKA_STATE_DIR="${JSM_KAFKA_STATE_DIR:-$KAFKA_DEPLOY_DIR/.run}"
KAFKA_PORT="${JSM_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${JSM_KAFKA_CONTROLLER_PORT:-9192}"
KAFKA_START_TIMEOUT="${JSM_KAFKA_START_TIMEOUT:-90}"
JAVA="${JAVA:-java}"
KAFKA_SASL_PORT="${JSM_KAFKA_SASL_PORT:-}"
KAFKA_SASL_USERS="${JSM_KAFKA_SASL_USERS:-}"
KAFKA_SSL_PORT="${JSM_KAFKA_SSL_PORT:-}"
KAFKA_SASL_SSL_PORT="${JSM_KAFKA_SASL_SSL_PORT:-}"
KAFKA_TLS_DIR="$KAFKA_STATE_DIR/tls"

kafka_log() { echo "kafka: $*" >&2; }
kafka_die() { echo "kafka: error: $*" >&2; exit 1; }

# The bootstrap list "127.0.0.1:p1,..." of a cluster of $1 nodes.
kafka_bootstrap() {
  local n="$1" i list=""
  for ((i = 0; i < n; i++)); do list+="${list:+,}127.0.0.1:$((KAFKA_PORT + i))"; done
  echo "$list"
}

# Adds a client listener NAME (PLAINTEXT's neighbour, same name as its security
# protocol) on 127.0.0.1:PORT to the server.properties FILE of the node whose
# PLAINTEXT port is BASE.  Usage: kafka_add_listener FILE BASE NAME PORT
kafka_add_listener() {
  local file="$1" base="$2" name="$3" port="$4"
  sed -i -e "s|^listeners=PLAINTEXT://127.0.0.1:$base,|&$name://127.0.0.1:$port,|" \
      -e "s|^advertised.listeners=.*|&,$name://127.0.0.1:$port|" \
      -e "s|^listener.security.protocol.map=.*|&,$name:$name|" "$file"
}

# The kcat (or kafkacat) binary.
kafka_kcat() {
  if command -v kcat >/dev/null; then echo kcat
  elif command -v kafkacat >/dev/null; then echo kafkacat
  else return 1; fi
}

# The java classpath of the broker jars; fails if fetch.sh has not run.
kafka_classpath() {
  compgen -G "$KAFKA_LIB_DIR/kafka_2.13-*.jar" >/dev/null ||
    kafka_die "broker jars missing in $KAFKA_LIB_DIR: run deploy/kafka/fetch.sh (or make kafka-jars)"
  echo "$KAFKA_LIB_DIR/*"
}

# Starts node $1 of the cluster in $KAFKA_STATE_DIR (configured and formatted by
# up.sh) in the background, in a session of its own; writes its pid file.
kafka_start_node() {
  local i="$1" node_dir="$KAFKA_STATE_DIR/node-$1" classpath
  [[ -f "$node_dir/server.properties" ]] || kafka_die "node $i is not configured in $KAFKA_STATE_DIR (run up.sh first)"
  if [[ -f "$node_dir/kafka.pid" ]] && kill -0 "$(cat "$node_dir/kafka.pid")" 2>/dev/null; then
    kafka_die "node $i is already running (pid $(cat "$node_dir/kafka.pid"))"
  fi
  classpath="$(kafka_classpath)"
  # shellcheck disable=SC2086  # KAFKA_HEAP_OPTS is a list of JVM flags.
  setsid "$JAVA" ${KAFKA_HEAP_OPTS:--Xms256m -Xmx1g} -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
      -Djava.awt.headless=true -Dkafka.logs.dir="$node_dir" \
      -Dlog4j2.configurationFile="$KAFKA_DEPLOY_DIR/log4j2.properties" \
      -cp "$classpath" kafka.Kafka "$node_dir/server.properties" \
      >>"$node_dir/stdout.log" 2>&1 </dev/null &
  echo $! >"$node_dir/kafka.pid"
}

# Stops node $1 with signal $2 (TERM: controlled shutdown; KILL: a crash) and
# waits until it has exited (a TERM becomes a KILL after 30 s). Keeps its data.
kafka_stop_node() {
  local i="$1" signal="${2:-TERM}" pid_file="$KAFKA_STATE_DIR/node-$1/kafka.pid" pid deadline
  [[ -f "$pid_file" ]] || return 0
  pid="$(cat "$pid_file")"
  kill -0 "$pid" 2>/dev/null || { rm -f "$pid_file"; return 0; }
  kill -"$signal" "$pid" 2>/dev/null || true
  deadline=$(($(date +%s) + 30))
  while kill -0 "$pid" 2>/dev/null; do
    if (($(date +%s) >= deadline)); then
      kafka_log "node $i (pid $pid) did not stop within 30s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    sleep 0.1
  done
  rm -f "$pid_file"
}
