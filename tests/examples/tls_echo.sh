#!/usr/bin/env bash
# examples/tls_echo with the test certificates (tests/net/make_certificates.sh): three
# `openssl s_client` connections at once, each verifying the server against the test
# authority and the name localhost, each send a line and get it back; then each closes
# (close_notify) and must exit with status 0.
#   tls_echo.sh TYCHO TLS_ECHO.wasm CERTIFICATE_DIR
source "$(dirname "$0")/server.sh"
tycho=$1
wasm=$2
certificates=$3

start_server "$tycho" run --log-level warn --dir "$certificates" "$wasm" \
  "$certificates/server.crt" "$certificates/server.key" 0

# Each client's stdin is a fifo held open until its line has come back: s_client (with
# -no_ign_eof) closes the connection when its stdin ends. The fifos are opened for writing
# once all clients run, so that no client holds another's open.
clients=()
for i in 0 1 2; do
  mkfifo "$dir/in.$i"
  timeout 10 openssl s_client -connect "127.0.0.1:$port" -servername localhost \
    -verify_hostname localhost -CAfile "$certificates/ca.crt" -verify_return_error \
    -quiet -no_ign_eof <"$dir/in.$i" >"$dir/out.$i" 2>"$dir/err.$i" &
  clients+=($!)
done
inputs=()
for i in 0 1 2; do
  exec {fd}>"$dir/in.$i"
  inputs+=("$fd")
done
for i in 0 1 2; do
  echo "line $i over TLS" >&"${inputs[i]}"
done
for i in 0 1 2; do
  for _ in $(seq 500); do
    grep -qx "line $i over TLS" "$dir/out.$i" && break
    alive "${clients[i]}" || break
    sleep 0.01
  done
  grep -qx "line $i over TLS" "$dir/out.$i" ||
    fail "client $i did not get its line back within 5 s: got '$(cat "$dir/out.$i")'; $(cat "$dir/err.$i")"
done
for i in 0 1 2; do
  fd=${inputs[i]}
  exec {fd}>&-
  wait "${clients[i]}" || fail "client $i exited with status $? (124: it did not end): $(cat "$dir/err.$i")"
done

stop_server
echo "ok: 3 concurrent s_client connections verified the server and got their lines back"
