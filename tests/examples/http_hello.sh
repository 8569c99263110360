#!/usr/bin/env bash
# examples/http_hello: curl sends two requests on one kept-alive connection; a request with
# "Connection: close" is answered and the connection closed; a malformed request, and one
# whose Content-Length is not a number, get 400 and a closed connection; a body sent after
# its head is waited for and skipped.
#   http_hello.sh TYCHO HTTP_HELLO.wasm
source "$(dirname "$0")/server.sh"
tycho=$1
wasm=$2

start_server "$tycho" run --log-level warn "$wasm" 0
url=http://127.0.0.1:$port/

# Two requests, one connection.
curl -sS -v --max-time 5 "$url" "$url" >"$dir/curl.out" 2>"$dir/curl.err" ||
  fail "curl exited with status $?: $(cat "$dir/curl.err")"
[[ $(cat "$dir/curl.out") == "Hello, world!Hello, world!" ]] ||
  fail "curl got '$(cat "$dir/curl.out")' for two requests"
grep -q "Re-using existing connection" "$dir/curl.err" ||
  fail "curl did not reuse the connection: $(cat "$dir/curl.err")"

# exchange REQUEST WANTED WHAT: sends REQUEST on a new connection and reads until the
# server closes it (at most 5 s); what came back must be WANTED.
exchange() {
  local request=$1 wanted=$2 what=$3 fd
  exec {fd}<>"/dev/tcp/127.0.0.1/$port" || fail "$what: cannot connect"
  printf '%s' "$request" >&"$fd"
  timeout 5 cat <&"$fd" >"$dir/answer" || fail "$what: the server did not close the connection"
  exec {fd}>&-
  cmp -s "$dir/answer" <(printf '%s' "$wanted") || fail "$what: got '$(cat "$dir/answer")'"
}
ok=$'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n'
closing=$ok$'Connection: close\r\n\r\nHello, world!'
bad=$'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'

exchange $'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' "$closing" "Connection: close"
exchange $'GET / HTTP/1.0\r\n\r\n' "$closing" "HTTP/1.0"
exchange $'GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\nConnection: close\r\n\r\n' \
  "$ok"$'\r\nHello, world!'"$closing" "two pipelined requests"
exchange $'hello there\r\n\r\n' "$bad" "a malformed request line"
exchange $'GET / HTTP/2.0\r\n\r\n' "$bad" "an unknown version"
exchange $'POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n' "$bad" "a negative Content-Length"

# A body written after its head (usually read apart): it is skipped, not taken for the
# start of the next request (which would get 400).
exec {fd}<>"/dev/tcp/127.0.0.1/$port" || fail "cannot connect for the late body"
printf 'POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n' >&"$fd"
printf 'helloGET / HTTP/1.1\r\nConnection: close\r\n\r\n' >&"$fd"
timeout 5 cat <&"$fd" >"$dir/answer" || fail "the late body: the server did not close the connection"
exec {fd}>&-
cmp -s "$dir/answer" <(printf '%s' "$ok"$'\r\nHello, world!'"$closing") ||
  fail "the late body: got '$(cat "$dir/answer")'"

stop_server
echo "ok: keep-alive, Connection: close, HTTP/1.0, pipelining, 400 for bad requests, late bodies"
