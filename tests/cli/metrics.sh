#!/usr/bin/env bash
# tycho run --metrics end to end: runs guests/metrics.c with --metrics 127.0.0.1:0, learns
# the port from stderr, scrapes /metrics over bash's /dev/tcp while the guest waits, has
# promtool check the exposition, and checks the guest's metrics and the runtime's own
# against what the guest did (see the comment at the top of guests/metrics.c).
#   metrics.sh TYCHO GUEST.wasm
set -u
tycho=$1
guest=$2

if ! command -v promtool >/dev/null; then
  echo "promtool not found (Debian package prometheus; scripts/setup.sh installs it)"
  exit 1
fi

dir=$(mktemp -d)
pid=""
cleanup() {
  if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
  exec 7>&- 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  echo "--- stderr of tycho:"; cat "$dir/err"
  echo "--- stdout of tycho:"; cat "$dir/out"
  if [[ -f "$dir/body" ]]; then echo "--- last scrape:"; cat "$dir/body"; fi
  exit 1
}

mkfifo "$dir/in"
"$tycho" run --workers 2 --max-total-memory 1G --metrics 127.0.0.1:0 "$guest" \
  <"$dir/in" >"$dir/out" 2>"$dir/err" &
pid=$!
exec 7>"$dir/in" # the guest's stdin stays open until we write to it

# Waits (at most 20 s) until FILE has a line matching REGEX; fails if tycho ends first.
wait_for_line() {
  local file=$1 regex=$2
  for _ in $(seq 2000); do
    if grep -Eq "$regex" "$file"; then return 0; fi
    kill -0 "$pid" 2>/dev/null || fail "tycho ended before printing /$regex/ in $(basename "$file")"
    sleep 0.01
  done
  fail "no line /$regex/ in $(basename "$file") within 20 s"
}
wait_for_line "$dir/err" '^tycho: serving metrics at http://127\.0\.0\.1:[0-9]+/metrics$'
port=$(sed -nE 's|^tycho: serving metrics at http://127\.0\.0\.1:([0-9]+)/metrics$|\1|p' "$dir/err")
wait_for_line "$dir/out" '^ready$'

# GET /metrics: the body goes to $dir/body, the status line to $dir/status.
scrape() {
  exec 3<>"/dev/tcp/127.0.0.1/$port" || fail "cannot connect to port $port"
  printf 'GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
  tr -d '\r' <&3 >"$dir/response"
  exec 3<&-
  head -n 1 "$dir/response" >"$dir/status"
  sed '1,/^$/d' "$dir/response" >"$dir/body"
}

# value SERIES: the value of one sample (the name with its labels, exactly as exposed).
value() {
  awk -v series="$1" '$1 == series { print $2; found = 1; exit } END { if (!found) print "missing" }' \
    "$dir/body"
}
expect() { # expect SERIES VALUE
  local got
  got=$(value "$1")
  [[ "$got" == "$2" ]] || fail "$1 is $got, expected $2"
}
expect_at_least() { # expect_at_least SERIES MIN
  local got
  got=$(value "$1")
  [[ "$got" != missing ]] && awk -v a="$got" -v b="$2" 'BEGIN { exit !(a >= b) }' ||
    fail "$1 is $got, expected at least $2"
}

# A process that has left the environment may still be finishing for a moment: scrape until
# only the root is alive.
for _ in $(seq 1000); do
  scrape
  [[ "$(value tycho_processes_alive)" == 1 ]] && break
  sleep 0.01
done
grep -q '^HTTP/1\.[01] 200' "$dir/status" || fail "status: $(cat "$dir/status")"
promtool check metrics <"$dir/body" >"$dir/promtool" 2>&1 ||
  fail "promtool check metrics: $(cat "$dir/promtool")"

# What the guest recorded.
expect requests_total 7
expect echoes_total 3
expect temperature 22.25
expect queue_length 4
expect guest_tycho_fake_total 1
expect latency_count 3
expect latency_sum 3.5
expect 'latency_bucket{le="0.1"}' 0
expect 'latency_bucket{le="0.25"}' 2
expect 'latency_bucket{le="5"}' 3
expect 'latency_bucket{le="+Inf"}' 3
grep -q '^# TYPE requests_total counter$' "$dir/body" || fail "requests_total is not a counter"
grep -q '^# TYPE latency histogram$' "$dir/body" || fail "latency is not a histogram"

# The runtime's own.
expect tycho_processes_alive 1
expect tycho_processes_spawned_total 5
expect tycho_processes_failed_total 1
expect tycho_messages_sent_total 7
expect tycho_messages_received_total 7
expect_at_least tycho_reductions_total 1
expect tycho_scheduler_workers 2
for worker in 0 1; do
  expect_at_least "tycho_scheduler_run_queue_length{worker=\"$worker\"}" 0
  expect_at_least "tycho_scheduler_utilisation{worker=\"$worker\"}" 0
  expect_at_least "tycho_scheduler_busy_seconds_total{worker=\"$worker\"}" 0
done
expect_at_least 'tycho_stack_pool_stacks{state="in_use"}' 1 # the root's
expect_at_least tycho_stack_pool_reserved_bytes 1
expect_at_least 'tycho_memory_pool_cells{state="in_use"}' 1
expect_at_least tycho_memory_pool_reserved_bytes 1
expect tycho_memory_budget_limit_bytes 1073741824
expect_at_least tycho_memory_budget_used_bytes 8192 # the root's share at least
expect tycho_guest_metrics_series 6
expect 'tycho_guest_metrics_dropped_total{reason="series_limit"}' 0

# A second tycho asking for the same port: a precise error, before anything runs.
second=$("$tycho" run --metrics "127.0.0.1:$port" "$guest" </dev/null 2>&1)
status=$?
wanted="tycho: cannot serve metrics on 127.0.0.1:$port: Address already in use"
[[ $status -eq 1 && "$second" == "$wanted" ]] ||
  fail "a port in use: status $status, output '$second', wanted 1 and '$wanted'"

# Let the guest finish: tycho exits with its status.
echo go >&7
exec 7>&-
wait "$pid"
status=$?
pid=""
[[ $status -eq 0 ]] || fail "tycho exited with status $status"
grep -q '^done$' "$dir/out" || fail "the guest did not finish"
echo "ok: port $port, $(grep -c '^[a-z]' "$dir/body") samples checked by promtool"
