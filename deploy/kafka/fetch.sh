#!/usr/bin/env bash
# Copies the Apache Kafka broker jars (and a log4j2 binding) into .cache/lib with Maven.
# Idempotent: does nothing when the jars of the pom's version are there.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_DEPLOY_DIR/pom.xml")"
# The stamp names the pom's checksum, so any change to the pom fetches again.
stamp="$KAFKA_LIB_DIR/.complete-$(sha256sum "$KAFKA_DEPLOY_DIR/pom.xml" | cut -c1-16)"
if [[ -f "$KAFKA_LIB_DIR/kafka_2.13-$version.jar" && -f "$stamp" ]]; then
  exit 0
fi
command -v mvn >/dev/null || kafka_die "mvn is not installed (apt-get install maven)"
rm -rf "$KAFKA_LIB_DIR"
kafka_log "fetching Apache Kafka $version broker jars with Maven"
log="$(mktemp)"
if ! mvn -q -B --no-transfer-progress -f "$KAFKA_DEPLOY_DIR/pom.xml" dependency:copy-dependencies >"$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  kafka_die "Maven could not fetch the broker jars (is the Maven repository reachable?)"
fi
rm -f "$log"
touch "$stamp"
