# Shared settings of the Kafka scripts (sourced, not run).
# Environment:
#   JSM_KAFKA_BROKERS          number of nodes (1 or 3; default 1)
#   JSM_KAFKA_PORT             client port of node 1; node i uses PORT+i-1 (default 9092)
#   JSM_KAFKA_CONTROLLER_PORT  controller port of node 1; node i uses it +i-1 (default 9192)
#   JSM_KAFKA_STATE_DIR        data, logs and pid files (default deploy/kafka/.run)
#   JSM_KAFKA_START_TIMEOUT    seconds to wait for the cluster to be ready (default 90)
#   KAFKA_HEAP_OPTS            JVM heap of each node (default -Xms256m -Xmx1g)
#   JAVA                       the java binary (default: java on PATH)

KAFKA_DEPLOY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_LIB_DIR="$KAFKA_DEPLOY_DIR/.cache/lib"
KAFKA_STATE_DIR="${JSM_KAFKA_STATE_DIR:-$KAFKA_DEPLOY_DIR/.run}"
KAFKA_PORT="${JSM_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${JSM_KAFKA_CONTROLLER_PORT:-9192}"
KAFKA_START_TIMEOUT="${JSM_KAFKA_START_TIMEOUT:-90}"
JAVA="${JAVA:-java}"

kafka_log() { echo "kafka: $*" >&2; }
kafka_die() { echo "kafka: error: $*" >&2; exit 1; }

# The bootstrap list "127.0.0.1:p1,..." of a cluster of $1 nodes.
kafka_bootstrap() {
  local n="$1" i list=""
  for ((i = 0; i < n; i++)); do list+="${list:+,}127.0.0.1:$((KAFKA_PORT + i))"; done
  echo "$list"
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
