#!/usr/bin/env bash
# Makes the certificates the TLS tests use, with the openssl command, into OUT_DIR:
#   ca.crt            the test authority the clients trust ("Tycho test CA")
#   server.crt/.key   a server certificate for localhost and 127.0.0.1, issued by ca.crt
#   other_ca.crt/.key an authority nobody trusts, with a key that belongs to no server
# Keys are ECDSA P-256, PKCS#8 ("BEGIN PRIVATE KEY"), as tls_bind wants them.
#   make_certificates.sh OUT_DIR
set -euo pipefail
out=$1
mkdir -p "$out"
cd "$out"

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }
new_authority() { # NAME COMMON_NAME
  new_key "$1.key"
  openssl req -x509 -new -key "$1.key" -subj "/O=Tycho tests/CN=$2" -days 3650 -out "$1.crt"
}

new_authority ca "Tycho test CA"
new_authority other_ca "Untrusted test CA"

new_key server.key
openssl req -new -key server.key -subj "/O=Tycho tests/CN=localhost" -out server.csr
printf '%s\n' "basicConstraints = critical, CA:FALSE" \
  "extendedKeyUsage = serverAuth" \
  "subjectAltName = DNS:localhost, IP:127.0.0.1" >server.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -set_serial "0x$(openssl rand -hex 16)" \
  -days 3650 -extfile server.ext -out server.crt 2>/dev/null
rm -f server.csr server.ext

# Refuse to go on with certificates that do not verify as the tests expect.
openssl verify -CAfile ca.crt -verify_hostname localhost -verify_ip 127.0.0.1 server.crt >/dev/null
if openssl verify -CAfile other_ca.crt server.crt >/dev/null 2>&1; then
  echo "server.crt verifies against other_ca.crt, which must not issue it" >&2
  exit 1
fi
