#!/usr/bin/env bash
# Stops or starts nodes of the running local cluster (made by up.sh), keeping
# their data: for failure tests and for trying out a broker outage by hand.
# Usage: node.sh stop|kill|start ID|all
#   stop   SIGTERM (controlled shutdown: leadership moves first), waits until it exited
#   kill   SIGKILL (a crash), waits until it exited
#   start  starts the node(s) again and waits until the cluster lists every broker
set -euo pipefail
source "$(dirname "$0")/lib.sh"
action="${1:-}"
which="${2:-}"
[[ -f "$KAFKA_STATE_DIR/brokers" ]] || kafka_die "no cluster in $KAFKA_STATE_DIR (start one with up.sh)"
brokers="$(cat "$KAFKA_STATE_DIR/brokers")"
if [[ "$which" == all ]]; then
  nodes=$(seq 1 "$brokers")
elif [[ "$which" =~ ^[0-9]+$ ]] && ((which >= 1 && which <= brokers)); then
  nodes="$which"
else
  kafka_die "usage: node.sh stop|kill|start ID|all (ID from 1 to $brokers)"
fi
case "$action" in
  stop | kill)
    signal=TERM
    [[ "$action" == kill ]] && signal=KILL
    for i in $nodes; do kafka_stop_node "$i" "$signal" & done
    wait
    kafka_log "node(s) $(echo $nodes) stopped ($signal)"
    ;;
  start)
    for i in $nodes; do kafka_start_node "$i"; done
    "$KAFKA_DEPLOY_DIR/wait.sh" "$brokers"
    kafka_log "node(s) $(echo $nodes) started; $brokers broker(s) ready"
    ;;
  *) kafka_die "usage: node.sh stop|kill|start ID|all" ;;
esac
