#!/usr/bin/env bash
# Waits until the local cluster's metadata lists all of its brokers, polling
# with kcat until JSM_KAFKA_START_TIMEOUT seconds have passed. Fails at once if
# a node's JVM has exited, showing the end of its log.
# Usage: wait.sh [BROKERS]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
brokers="${1:-$(cat "$KAFKA_STATE_DIR/brokers" 2>/dev/null || echo 1)}"
kcat="$(kafka_kcat)" || kafka_die "kcat (Debian package kafkacat) is not installed"
bootstrap="$(kafka_bootstrap "$brokers")"
deadline=$(($(date +%s) + KAFKA_START_TIMEOUT))
while true; do
  for ((i = 1; i <= brokers; i++)); do
    node_dir="$KAFKA_STATE_DIR/node-$i"
    if [[ -f "$node_dir/kafka.pid" ]] && ! kill -0 "$(cat "$node_dir/kafka.pid")" 2>/dev/null; then
      kafka_die "node $i exited; end of $node_dir/server.log:
$(tail -20 "$node_dir/server.log" 2>/dev/null; tail -5 "$node_dir/stdout.log" 2>/dev/null)"
    fi
  done
  if listed="$("$kcat" -L -b "$bootstrap" -m 2 2>/dev/null | sed -n 's/^ *\([0-9]*\) brokers:$/\1/p')" &&
      [[ "$listed" == "$brokers" ]]; then
    exit 0
  fi
  (($(date +%s) < deadline)) || kafka_die "the cluster at $bootstrap was not ready within ${KAFKA_START_TIMEOUT}s"
  sleep 0.2
done
