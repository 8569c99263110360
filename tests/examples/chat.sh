#!/usr/bin/env bash
# examples/chat: alice and bob join room "a", carol room "b". A line of alice's reaches bob
# as "alice: ..." and not carol: when carol then joins "a", the first thing she reads is the
# room's "* joined a" (room a answers her in the order it handled its messages, so a line it
# had sent her would come first). After alice quits, and after carol's connection drops
# without /quit, the room forgets them (it monitors its members) and still works.
#   chat.sh TYCHO CHAT.wasm
source "$(dirname "$0")/server.sh"
tycho=$1
wasm=$2

start_server "$tycho" run --log-level warn "$wasm" 0

# Connects a client on a new descriptor, named by the variable $1, and checks the greeting.
connect() {
  local -n client=$1
  exec {client}<>"/dev/tcp/127.0.0.1/$port" || fail "$1 cannot connect"
  IFS= read -r -t 5 -u "$client" line || fail "$1 got no greeting"
  [[ $line =~ ^\*\ welcome,\ anon[0-9]+:\  ]] || fail "$1's greeting: '$line'"
}
# send NAME LINE...: NAME types the lines.
send() {
  local -n client=$1
  shift
  printf '%s\n' "$@" >&"$client" || fail "$1 cannot write"
}
# expect NAME LINE: the next line NAME reads is LINE.
expect() {
  local -n client=$1
  expect_line "$client" "$2" "$1"
}

connect alice
connect bob
connect carol
send alice "/nick alice" "/join a"
expect alice "* you are now alice"
expect alice "* joined a"
send bob "/nick bob" "/join a"
expect bob "* you are now bob"
expect bob "* joined a"
send carol "/nick carol" "/join b"
expect carol "* you are now carol"
expect carol "* joined b"

send alice "hello from a"
expect bob "alice: hello from a"
send carol "/join a"
expect carol "* joined a"
send bob "hi both"
expect alice "bob: hi both"
expect carol "bob: hi both"
send carol "/who"
expect carol "* here: alice, bob, carol"
send bob "/nick bobby"
expect bob "* you are now bobby"

# who_until NAME WANTED: NAME asks /who until the answer is WANTED. A room hears of a member
# whose session ended from its monitor, which may come after the question: any answer but
# WANTED must be STALE, the list from before, and after 5 s it must be WANTED.
who_until() {
  local name=$1 wanted=$2 stale=$3 _
  for _ in $(seq 100); do
    send "$name" "/who"
    local -n client=$name
    IFS= read -r -t 5 -u "$client" line || fail "$name got no answer to /who"
    [[ $line == "$wanted" ]] && return 0
    [[ $line == "$stale" ]] || fail "$name's /who: '$line', wanted '$wanted'"
    sleep 0.05
  done
  fail "$name's /who still says '$stale' after 5 s, not '$wanted'"
}

send alice "/quit"
expect alice "* bye"
IFS= read -r -t 5 -u "$alice" line && fail "alice's connection stays open after /quit: '$line'"
who_until bob "* here: bobby, carol" "* here: alice, bobby, carol"
send carol "after alice left"
expect bob "carol: after alice left"

# carol's connection drops without /quit: her session ends, and the room forgets her.
exec {carol}>&-
who_until bob "* here: bobby" "* here: bobby, carol"
send bob "/join"
expect bob "* commands: /nick NAME, /join ROOM, /who, /quit (names are letters, digits, - and _)"
send bob "/quit"
expect bob "* bye"

stop_server
echo "ok: rooms keep their lines to themselves, with nicks; quitting and dropped members are forgotten"
