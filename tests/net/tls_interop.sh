#!/usr/bin/env bash
# Tycho's TLS against OpenSSL's own tools, on loopback:
#  1. examples/tls_echo/tls_echo.c, told to serve three connections, serves `openssl
#     s_client`, which checks the server's certificate against the test authority and name,
#     once with TLS 1.3 and once with 1.2: the line sent comes back, s_client's close ends
#     the connection cleanly. Before them a plain TCP client connects and sends the first
#     two bytes of a TLS record, no more, until both s_client rounds are done: it delays
#     neither (tls_accept does not wait for a handshake). When it leaves, the server reports
#     its failed handshake at the connection's first read, and exits with 0.
#  2. guests/tls_client.c talks to `openssl s_server -www` (TLS 1.3, then 1.2 only): the page
#     s_server sends names the protocol the two agreed on, and ends with a close_notify.
#  3. guests/tls_client.c with `openssl s_server` typing "K" between the client's "ping" and
#     its own "pong": the server updates its keys and asks the client to update its own
#     (TLS 1.3 KeyUpdate); the client still reads "pong", and s_server reads the client's
#     KeyUpdate and then its "done".
#   tls_interop.sh TYCHO TLS_ECHO.wasm CLIENT.wasm CERTIFICATE_DIR
set -u
tycho=$1
echo_server=$2
client=$3
certificates=$4

dir=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  exec 7>&- 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  for file in "$dir"/*.out "$dir"/*.err; do
    [[ -f "$file" ]] && { echo "--- $(basename "$file"):"; cat "$file"; }
  done
  exit 1
}

# Whether process PID runs: a child that ended but is not yet waited for is a zombie
# (state Z), which `kill -0` still finds.
running() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) } # the state follows the command name in parentheses
  [[ ${stat%% *} != Z ]]
}

# Whether a complete line (one that ends in a newline) of FILE matches REGEX: a line still
# being written, "ACCEPT 127.0.0.1:" without its port say, does not count.
has_line() {
  local file=$1 regex=$2 lines
  lines=$(wc -l 2>/dev/null <"$file") || return 1
  head -n "$lines" "$file" | grep -Eq "$regex"
}
# Waits (at most 20 s) until FILE has a line matching REGEX; fails if process PID ends first.
wait_for_line() {
  local file=$1 regex=$2 pid=$3
  for _ in $(seq 2000); do
    if has_line "$file" "$regex"; then return 0; fi
    running "$pid" || { has_line "$file" "$regex" && return 0
      fail "the process ended before printing /$regex/ in $(basename "$file")"; }
    sleep 0.01
  done
  fail "no line /$regex/ in $(basename "$file") within 20 s"
}

# ---- 1. Tycho serves, s_client asks -----------------------------------------------------
"$tycho" run --dir "$certificates" "$echo_server" "$certificates/server.crt" \
  "$certificates/server.key" 0 3 >"$dir/echo_server.out" 2>"$dir/echo_server.err" &
server=$!
pids+=("$server")
wait_for_line "$dir/echo_server.out" '^listening on 127\.0\.0\.1:[0-9]+$' "$server"
port=$(sed -nE 's/^listening on 127\.0\.0\.1:([0-9]+)$/\1/p' "$dir/echo_server.out")

# The stalled client: connected (in the server's backlog) before s_client connects.
exec 9<>"/dev/tcp/127.0.0.1/$port" || fail "cannot connect to the echo server"
printf '\x16\x03' >&9

# s_client's stdin is a fifo, closed once the line is back: then s_client (-no_ign_eof)
# sends close_notify and exits.
for version in -tls1_3 -tls1_2; do
  line="hello from s_client $version"
  rm -f "$dir/s_client.in"
  mkfifo "$dir/s_client.in"
  timeout 20 openssl s_client "$version" -connect "127.0.0.1:$port" -servername localhost \
    -verify_hostname localhost -CAfile "$certificates/ca.crt" -verify_return_error -quiet \
    -no_ign_eof <"$dir/s_client.in" >"$dir/s_client.out" 2>"$dir/s_client.err" &
  s_client_pid=$!
  pids+=("$s_client_pid")
  exec 8>"$dir/s_client.in"
  echo "$line" >&8
  wait_for_line "$dir/s_client.out" "^$line\$" "$s_client_pid"
  exec 8>&-
  wait "$s_client_pid" || fail "s_client $version exited with status $?"
  [[ "$(cat "$dir/s_client.out")" == "$line" ]] ||
    fail "s_client $version got '$(cat "$dir/s_client.out")' back, not '$line'"
done
# The stalled client is still connected: the server has sent it nothing and not closed.
read -r -t 0.1 -u 9 && fail "the server sent the stalled client something"
(($? > 128)) || fail "the server closed the stalled client's connection"
exec 9>&-
wait "$server"
status=$?
[[ $status -eq 0 ]] || fail "the echo server exited with status $status"
grep -q '^served 3$' "$dir/echo_server.out" || fail "the echo server did not serve all three"
[[ "$(cat "$dir/echo_server.err")" =~ ^"read failed: tls_read: TLS handshake failed: "[^$'\n']+$ ]] ||
  fail "the echo server did not report exactly the stalled client's failed handshake"

# ---- s_server on a free port --------------------------------------------------------------
# Starts `openssl s_server OPTIONS...` on 127.0.0.1 with the test server certificate, its
# stdin the fifo on fd 7; sets s_server_pid and s_server_port.
start_s_server() {
  rm -f "$dir/s_server.in"
  mkfifo "$dir/s_server.in"
  openssl s_server -accept 127.0.0.1:0 -cert "$certificates/server.crt" \
    -key "$certificates/server.key" "$@" <"$dir/s_server.in" >"$dir/s_server.out" \
    2>"$dir/s_server.err" &
  s_server_pid=$!
  pids+=("$s_server_pid")
  exec 7>"$dir/s_server.in"
  wait_for_line "$dir/s_server.out" '^ACCEPT .*:[0-9]+$' "$s_server_pid"
  s_server_port=$(sed -nE 's/^ACCEPT .*:([0-9]+)$/\1/p' "$dir/s_server.out")
  [[ -n "$s_server_port" ]] || fail "no port in s_server's ACCEPT line"
}
stop_s_server() {
  exec 7>&-
  kill "$s_server_pid" 2>/dev/null
  wait "$s_server_pid" 2>/dev/null
}

# ---- 2. Tycho asks s_server -www ----------------------------------------------------------
for version in -tls1_3 -tls1_2; do
  start_s_server -www "$version"
  timeout 20 "$tycho" run "$client" "$s_server_port" www >"$dir/client.out" 2>"$dir/client.err" ||
    fail "the client exited with status $? against s_server -www $version"
  grep -q '^HTTP/1.0 200 ok' "$dir/client.out" || fail "no page from s_server -www $version"
  protocol=TLSv${version#-tls}
  protocol=${protocol/_/.}
  grep -q "^New, $protocol, " "$dir/client.out" ||
    fail "s_server -www $version does not report $protocol"
  grep -q '^end: clean$' "$dir/client.out" || fail "s_server -www $version did not end cleanly"
  stop_s_server
done

# ---- 3. A key update from s_server --------------------------------------------------------
start_s_server -msg
"$tycho" run "$client" "$s_server_port" keyupdate >"$dir/client.out" 2>"$dir/client.err" &
client_pid=$!
pids+=("$client_pid")
wait_for_line "$dir/s_server.out" '^ping' "$s_server_pid"
echo K >&7
wait_for_line "$dir/s_server.out" '>>> .*KeyUpdate' "$s_server_pid"
echo pong >&7
wait "$client_pid"
status=$?
[[ $status -eq 0 ]] || fail "the client exited with status $status in the key update"
grep -q '^end: sent$' "$dir/client.out" || fail "the client did not read pong after the update"
wait_for_line "$dir/s_server.out" '<<< .*KeyUpdate' "$s_server_pid"
wait_for_line "$dir/s_server.out" '^done' "$s_server_pid"
stop_s_server

echo "ok: s_client against Tycho (TLS 1.3 and 1.2), Tycho against s_server -www (TLS 1.3 and 1.2), a TLS 1.3 key update"
