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

# Optional SASL_PLAINTEXT listener (see lib.sh) with SASL/PLAIN: its users are
# listed in the listener's JAAS config. (SCRAM-SHA-256 is not offered: Kafka 4.4
# accepted the Java client's SCRAM logins but refused librdkafka 2.0.2's in our tests.)
# The same users serve the optional SASL_SSL listener (SASL/PLAIN over TLS).
plain_users=""
for port_var in JSM_KAFKA_SSL_PORT JSM_KAFKA_SASL_SSL_PORT; do
  [[ -z "${!port_var:-}" || "${!port_var}" =~ ^[0-9]+$ ]] || kafka_die "$port_var must be a port number"
done
if [[ -n "$KAFKA_SASL_PORT" || -n "$KAFKA_SASL_SSL_PORT" ]]; then
  [[ -z "$KAFKA_SASL_PORT" || "$KAFKA_SASL_PORT" =~ ^[0-9]+$ ]] || kafka_die "JSM_KAFKA_SASL_PORT must be a port number"
  [[ -n "$KAFKA_SASL_USERS" ]] || kafka_die "a SASL listener is asked for but JSM_KAFKA_SASL_USERS lists no user"
  IFS=',' read -r -a sasl_users <<<"$KAFKA_SASL_USERS"
  for entry in "${sasl_users[@]}"; do
    name="${entry%%:*}"
    password="${entry#*:}"
    [[ "$entry" == *:* && "$name" =~ ^[A-Za-z0-9_.-]+$ && "$password" =~ ^[A-Za-z0-9_.+-]+$ ]] ||
      kafka_die "JSM_KAFKA_SASL_USERS: each entry is name:password (letters, digits, _ . - and + only)"
    plain_users+=" user_$name=\"$password\""
  done
fi

# Optional TLS listeners (SSL, SASL_SSL): a throwaway CA and broker certificate
# (tls.sh), made now in the state dir; clients trust $KAFKA_TLS_DIR/ca.pem.
if [[ -n "$KAFKA_SSL_PORT" || -n "$KAFKA_SASL_SSL_PORT" ]]; then
  "$KAFKA_DEPLOY_DIR/tls.sh" "$KAFKA_TLS_DIR"
fi

for ((i = 1; i <= brokers; i++)); do
  node_dir="$KAFKA_STATE_DIR/node-$i"
  mkdir -p "$node_dir/data"
  sed -e "s|@NODE_ID@|$i|" -e "s|@VOTERS@|$voters|" \
      -e "s|@PORT@|$((KAFKA_PORT + i - 1))|g" -e "s|@CONTROLLER_PORT@|$((KAFKA_CONTROLLER_PORT + i - 1))|g" \
      -e "s|@DATA_DIR@|$node_dir/data|" -e "s|@REPLICATION@|$brokers|g" -e "s|@MIN_ISR@|$min_isr|g" \
      -e "s|@OFFSETS_PARTITIONS@|$((brokers > 1 ? 12 : 6))|" \
      "$KAFKA_DEPLOY_DIR/server.properties.in" >"$node_dir/server.properties"
  if [[ -n "$KAFKA_SASL_PORT" ]]; then
    port=$((KAFKA_PORT + i - 1))
    sasl_port=$((KAFKA_SASL_PORT + i - 1))
    # The inter-broker and controller listeners stay PLAINTEXT; clients choose.
    sed -i -e "s|^listeners=PLAINTEXT://127.0.0.1:$port,|listeners=PLAINTEXT://127.0.0.1:$port,SASL_PLAINTEXT://127.0.0.1:$sasl_port,|" \
        -e "s|^advertised.listeners=.*|&,SASL_PLAINTEXT://127.0.0.1:$sasl_port|" \
        -e "s|^listener.security.protocol.map=.*|&,SASL_PLAINTEXT:SASL_PLAINTEXT|" "$node_dir/server.properties"
    cat >>"$node_dir/server.properties" <<PROPERTIES

# SASL_PLAINTEXT listener for clients (JSM_KAFKA_SASL_PORT / JSM_KAFKA_SASL_USERS).
sasl.enabled.mechanisms=PLAIN
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required$plain_users;
PROPERTIES
    chmod 600 "$node_dir/server.properties"
  fi
  if [[ -n "$KAFKA_SSL_PORT" || -n "$KAFKA_SASL_SSL_PORT" ]]; then
    port=$((KAFKA_PORT + i - 1))
    [[ -z "$KAFKA_SSL_PORT" ]] || kafka_add_listener "$node_dir/server.properties" "$port" SSL $((KAFKA_SSL_PORT + i - 1))
    [[ -z "$KAFKA_SASL_SSL_PORT" ]] ||
      kafka_add_listener "$node_dir/server.properties" "$port" SASL_SSL $((KAFKA_SASL_SSL_PORT + i - 1))
    keystore_password="$(cat "$KAFKA_TLS_DIR/keystore.password")"
    cat >>"$node_dir/server.properties" <<PROPERTIES

# TLS listener(s) for clients (JSM_KAFKA_SSL_PORT / JSM_KAFKA_SASL_SSL_PORT): the
# throwaway broker certificate of tls.sh; clients are not asked for certificates.
ssl.keystore.type=PKCS12
ssl.keystore.location=$KAFKA_TLS_DIR/broker.p12
ssl.keystore.password=$keystore_password
ssl.key.password=$keystore_password
ssl.client.auth=none
PROPERTIES
    if [[ -n "$KAFKA_SASL_SSL_PORT" ]]; then
      cat >>"$node_dir/server.properties" <<PROPERTIES
sasl.enabled.mechanisms=PLAIN
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required$plain_users;
PROPERTIES
    fi
    chmod 600 "$node_dir/server.properties"
  fi
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
[[ -z "$KAFKA_SASL_PORT" ]] || kafka_log "SASL_PLAINTEXT (PLAIN) listener(s) from 127.0.0.1:$KAFKA_SASL_PORT"
[[ -z "$KAFKA_SSL_PORT" ]] || kafka_log "SSL listener(s) from 127.0.0.1:$KAFKA_SSL_PORT (CA: $KAFKA_TLS_DIR/ca.pem)"
[[ -z "$KAFKA_SASL_SSL_PORT" ]] ||
  kafka_log "SASL_SSL (PLAIN) listener(s) from 127.0.0.1:$KAFKA_SASL_SSL_PORT (CA: $KAFKA_TLS_DIR/ca.pem)"
kafka_log "$brokers broker(s) ready at $(kafka_bootstrap "$brokers") in $((elapsed_ms / 1000)).$(printf %03d $((elapsed_ms % 1000)))s (state in $KAFKA_STATE_DIR)"
