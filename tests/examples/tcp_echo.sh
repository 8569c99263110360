#!/usr/bin/env bash
# examples/tcp_echo: five clients connect first, then all send random bytes at once (from
# 1 byte to 1 MiB) and read as many back while they send; each must get exactly its own
# bytes. A server that served one connection at a time would never answer the second.
#   tcp_echo.sh TYCHO TCP_ECHO.wasm
source "$(dirname "$0")/server.sh"
tycho=$1
wasm=$2

start_server "$tycho" run --log-level warn "$wasm" 0

sizes=(1 100 4096 65536 1048576)
fds=()
for i in "${!sizes[@]}"; do
  head -c "${sizes[i]}" /dev/urandom >"$dir/sent.$i"
  exec {fd}<>"/dev/tcp/127.0.0.1/$port" || fail "client $i cannot connect"
  fds+=("$fd")
done
readers=()
for i in "${!sizes[@]}"; do
  cat "$dir/sent.$i" >&"${fds[i]}" &
  timeout 10 head -c "${sizes[i]}" <&"${fds[i]}" >"$dir/received.$i" &
  readers+=($!)
done
for i in "${!sizes[@]}"; do
  wait "${readers[i]}" || fail "client $i: reading ${sizes[i]} bytes back failed or timed out"
  cmp -s "$dir/sent.$i" "$dir/received.$i" ||
    fail "client $i: sent ${sizes[i]} bytes, got $(stat -c %s "$dir/received.$i") different ones back"
done
for fd in "${fds[@]}"; do exec {fd}>&-; done

# The server is still there for a new client after the others left.
exec {fd}<>"/dev/tcp/127.0.0.1/$port" || fail "cannot connect again"
printf 'one more line\n' >&"$fd"
expect_line "$fd" "one more line" "the last client"
exec {fd}>&-

stop_server
echo "ok: ${#sizes[@]} concurrent clients got their bytes back (up to 1 MiB), then one more"
