#!/usr/bin/env bash
# Makes throwaway TLS material for a local test or demo cluster with openssl:
# a self-signed CA and a broker certificate for 127.0.0.1 / localhost signed by it,
# packed with its key into a PKCS12 keystore (random password) that the broker reads.
# Usage: tls.sh DIR            writes DIR/ca.pem (give it to clients as ssl.ca.location),
#                              DIR/broker.p12 and DIR/keystore.password (mode 600)
#        tls.sh --ca-only DIR  writes only DIR/ca.pem: a CA that signed nothing (for tests of
#                              a client that trusts the wrong CA)
# Nothing here is fit for production: the keys are unencrypted on disk, valid for 2 days.
set -euo pipefail
ca_only=0
if [[ "${1:-}" == --ca-only ]]; then ca_only=1; shift; fi
dir="${1:?usage: tls.sh [--ca-only] DIR}"
command -v openssl >/dev/null || { echo "kafka: error: openssl is not installed" >&2; exit 1; }
mkdir -p "$dir"
chmod 700 "$dir"
days=2
log="$dir/openssl.log"

# The CA: a 2048-bit RSA key and a self-signed certificate (basicConstraints CA:TRUE).
openssl req -x509 -newkey rsa:2048 -nodes -days "$days" -subj "/CN=jsm throwaway test CA $(date +%s%N)" \
  -keyout "$dir/ca.key" -out "$dir/ca.pem" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" >"$log" 2>&1 ||
  { echo "kafka: error: openssl could not make the CA: $(tail -3 "$log")" >&2; exit 1; }
((ca_only)) && { rm -f "$dir/ca.key" "$log"; exit 0; }

# The broker: its key, a request, and a certificate signed by the CA whose subject
# alternative names cover every way a local client names it.
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$dir/broker.key" -out "$dir/broker.csr" \
  >>"$log" 2>&1 || { echo "kafka: error: openssl could not make the broker key: $(tail -3 "$log")" >&2; exit 1; }
printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "basicConstraints=CA:FALSE" \
  "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" >"$dir/broker.ext"
openssl x509 -req -in "$dir/broker.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days "$days" \
  -extfile "$dir/broker.ext" -out "$dir/broker.pem" >>"$log" 2>&1 ||
  { echo "kafka: error: openssl could not sign the broker certificate: $(tail -3 "$log")" >&2; exit 1; }

# The keystore Kafka reads (ssl.keystore.type=PKCS12): key, certificate and the CA chain.
head -c 18 /dev/urandom | base64 | tr '+/' '-_' >"$dir/keystore.password"
openssl pkcs12 -export -name broker -inkey "$dir/broker.key" -in "$dir/broker.pem" -certfile "$dir/ca.pem" \
  -passout "file:$dir/keystore.password" -out "$dir/broker.p12" >>"$log" 2>&1 ||
  { echo "kafka: error: openssl could not write the keystore: $(tail -3 "$log")" >&2; exit 1; }
chmod 600 "$dir"/*.key "$dir/keystore.password" "$dir/broker.p12"
chmod 644 "$dir/ca.pem"
rm -f "$dir/broker.csr" "$dir/broker.ext" "$dir/ca.srl" "$log"
