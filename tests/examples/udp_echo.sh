#!/usr/bin/env bash
# examples/udp_echo: three clients on ports of their own send datagrams (text, binary, up to
# 60,000 bytes); each reads back exactly the datagram it sent, as one datagram.
#   udp_echo.sh TYCHO UDP_ECHO.wasm
source "$(dirname "$0")/server.sh"
tycho=$1
wasm=$2

start_server "$tycho" run --log-level warn "$wasm" 0

# dd moves one datagram per read or write (bash's own read and printf may split them).
datagram_in() { timeout 5 dd bs=65536 count=1 status=none; }

clients=()
for i in 0 1 2; do
  exec {fd}<>"/dev/udp/127.0.0.1/$port" || fail "client $i has no socket"
  clients+=("$fd")
done
sizes=(4 1000 60000)
for round in 0 1 2; do
  # All clients send before any reads, so the server has datagrams from several at once.
  for i in 0 1 2; do
    size=${sizes[(i + round) % 3]}
    head -c "$size" /dev/urandom >"$dir/sent.$i"
    dd bs=65536 count=1 status=none if="$dir/sent.$i" >&"${clients[i]}" ||
      fail "client $i cannot send $size bytes"
  done
  for i in 0 1 2; do
    datagram_in <&"${clients[i]}" >"$dir/received.$i" ||
      fail "client $i: no datagram back within 5 s (round $round)"
    cmp -s "$dir/sent.$i" "$dir/received.$i" ||
      fail "client $i: sent $(stat -c %s "$dir/sent.$i") bytes, got $(stat -c %s "$dir/received.$i") other ones (round $round)"
  done
done

stop_server
echo "ok: 3 clients x 3 rounds of datagrams (4 to 60,000 bytes) echoed to their senders"
