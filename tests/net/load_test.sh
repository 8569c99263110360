#!/usr/bin/env bash
# One load test: starts guests/load_server.c under `tycho run`, runs load_client.cpp against
# it with the given scenario, and checks that the server is still up afterwards.
#   load_test.sh TYCHO LOAD_SERVER.wasm LOAD_CLIENT DESCRIPTORS SCENARIO [ARGS...]
# DESCRIPTORS is what the server needs open at once; the runtime raises its soft limit to
# the hard one, so a hard limit below it fails the test, saying so.
set -u
tycho=$1
server_wasm=$2
client=$3
descriptors=$4
shift 4

hard=$(ulimit -Hn)
if [[ $hard != unlimited && $hard -lt $descriptors ]]; then
  echo "FAIL: the server needs $descriptors open descriptors, but the hard limit (ulimit -Hn)" \
       "is $hard; raise it, as root: ulimit -Hn $descriptors"
  exit 1
fi

dir=$(mktemp -d)
server=
cleanup() {
  [[ -n $server ]] && { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; }
  rm -rf "$dir"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  for file in "$dir"/*.out "$dir"/*.err; do
    [[ -s $file ]] && { echo "--- $(basename "$file"):"; tail -20 "$file"; }
  done
  exit 1
}

"$tycho" run "$server_wasm" >"$dir/server.out" 2>"$dir/server.err" &
server=$!
for _ in $(seq 2000); do
  grep -Eq '^listening on [0-9]+$' "$dir/server.out" && break
  kill -0 "$server" 2>/dev/null || fail "the server ended before listening"
  sleep 0.01
done
port=$(sed -nE 's/^listening on ([0-9]+)$/\1/p' "$dir/server.out")
[[ -n $port ]] || fail "the server printed no port within 20 s"

"$client" --port "$port" "$@" >"$dir/client.out" 2>"$dir/client.err"
status=$?
[[ $status -eq 0 ]] || fail "load_client $* exited with status $status"
kill -0 "$server" 2>/dev/null || fail "the server is no longer running"
[[ -s $dir/server.err ]] && fail "the server reported errors"
cat "$dir/client.out"
