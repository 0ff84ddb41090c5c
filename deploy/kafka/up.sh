#!/usr/bin/env bash
# Formats storage for and starts a local KRaft cluster of 1 or 3 combined
# broker+controller nodes on loopback, then waits until every broker is ready.
# Usage: up.sh [BROKERS]   (see lib.sh for the environment variables)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
brokers="${1:-${JSM_KAFKA_BROKERS:-1}}"
[[ "$brokers" == 1 || "$brokers" == 3 ]] || kafka_die "BROKERS must be 1 or 3, not '$brokers'"

for pid_file in "$KAFKA_STATE_DIR"/node-*/kafka.pid; do
  [[ -f "$pid_file" ]] || continue
  if kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    kafka_die "a cluster is already running from $KAFKA_STATE_DIR (stop it with deploy/kafka/down.sh)"
  fi
done

"$KAFKA_DEPLOY_DIR/fetch.sh"
classpath="$(kafka_classpath)"
rm -rf "$KAFKA_STATE_DIR"
mkdir -p "$KAFKA_STATE_DIR"
echo "$brokers" >"$KAFKA_STATE_DIR/brokers"

voters=""
for ((i = 1; i <= brokers; i++)); do
  voters+="${voters:+,}$i@127.0.0.1:$((KAFKA_CONTROLLER_PORT + i - 1))"
done
min_isr=$((brokers > 1 ? 2 : 1))
# A cluster id is 16 random bytes, base64url without padding. One that starts with
# '-' would read as an option, so it is passed as --cluster-id=ID.
cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
started_ms=$(($(date +%s%N) / 1000000))

for ((i = 1; i <= brokers; i++)); do
  node_dir="$KAFKA_STATE_DIR/node-$i"
  mkdir -p "$node_dir/data"
  sed -e "s|@NODE_ID@|$i|" -e "s|@VOTERS@|$voters|" \
      -e "s|@PORT@|$((KAFKA_PORT + i - 1))|g" -e "s|@CONTROLLER_PORT@|$((KAFKA_CONTROLLER_PORT + i - 1))|g" \
      -e "s|@DATA_DIR@|$node_dir/data|" -e "s|@REPLICATION@|$brokers|g" -e "s|@MIN_ISR@|$min_isr|g" \
      -e "s|@OFFSETS_PARTITIONS@|$((brokers > 1 ? 12 : 6))|" \
      "$KAFKA_DEPLOY_DIR/server.properties.in" >"$node_dir/server.properties"
done

# Format every node's storage (kafka-storage format), in parallel.
format_pids=()
for ((i = 1; i <= brokers; i++)); do
  node_dir="$KAFKA_STATE_DIR/node-$i"
  "$JAVA" -Xmx256m -Dkafka.logs.dir="$node_dir" \
      -Dlog4j2.configurationFile="$KAFKA_DEPLOY_DIR/log4j2.properties" \
      -cp "$classpath" kafka.tools.StorageTool format --ignore-formatted \
      --cluster-id="$cluster_id" -c "$node_dir/server.properties" >"$node_dir/format.log" 2>&1 &
  format_pids+=($!)
done
for ((i = 1; i <= brokers; i++)); do
  wait "${format_pids[i - 1]}" || kafka_die "formatting node $i failed: $(tail -5 "$KAFKA_STATE_DIR/node-$i/format.log")"
done

for ((i = 1; i <= brokers; i++)); do kafka_start_node "$i"; done

"$KAFKA_DEPLOY_DIR/wait.sh" "$brokers"
elapsed_ms=$(($(date +%s%N) / 1000000 - started_ms))
kafka_log "$brokers broker(s) ready at $(kafka_bootstrap "$brokers") in $((elapsed_ms / 1000)).$(printf %03d $((elapsed_ms % 1000)))s (state in $KAFKA_STATE_DIR)"
