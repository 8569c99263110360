# Sourced by the example tests: runs an example server in the background, waits for its
# "listening on" line, and at the end stops it and checks that it reported nothing.
# Every wait is bounded; a failure prints what the server wrote.
#   source server.sh
#   start_server TYCHO run ... EXAMPLE.wasm ... 0   # sets $port; files go to $dir
#   ...talk to 127.0.0.1:$port...
#   stop_server
set -u
dir=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  rm -rf "$dir"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*"
  for file in "$dir"/server.out "$dir"/server.err; do
    [[ -s $file ]] && { echo "--- $(basename "$file"):"; cat "$file"; }
  done
  exit 1
}

# Whether process PID runs (a child that ended is a zombie until waited for).
alive() {
  local state
  state=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) && [[ $state != Z ]]
}

# Runs the command (with its output in $dir/server.out and .err) and waits at most 10 s for
# "listening on [http://]127.0.0.1:PORT[/]"; sets port.
start_server() {
  "$@" >"$dir/server.out" 2>"$dir/server.err" &
  server_pid=$!
  local _
  for _ in $(seq 1000); do
    port=$(sed -nE 's|^listening on (http://)?127\.0\.0\.1:([0-9]+)/?$|\2|p' "$dir/server.out")
    [[ -n $port ]] && return 0
    alive "$server_pid" || fail "the server ended before it listened"
    sleep 0.01
  done
  fail "no 'listening on' line within 10 s"
}

# The server must still be running (it serves until stopped) and its stderr must be empty:
# Tycho reports crashed processes there, and with --log-level warn also failed exits.
stop_server() {
  alive "$server_pid" || fail "the server ended by itself"
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null
  server_pid=
  [[ -s $dir/server.err ]] && fail "the server reported errors"
  return 0
}

# expect_line FD WANTED [WHAT]: the next line read from FD (within 5 s, a trailing \r
# removed) must be WANTED.
expect_line() {
  local fd=$1 wanted=$2 what=${3:-"fd $1"} line
  IFS= read -r -t 5 -u "$fd" line || fail "$what: no line within 5 s, wanted '$wanted'"
  line=${line%$'\r'}
  [[ $line == "$wanted" ]] || fail "$what: got '$line', wanted '$wanted'"
}
