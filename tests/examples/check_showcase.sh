#!/usr/bin/env bash
# The demo's showcase at a tenth of its sizes (--quick): its timings vary, so this checks
# what does not: each section's result, the supervisor's events, and one fault report per
# crash on purpose.
#   check_showcase.sh TYCHO SHOWCASE_WASM
set -u
tycho=$1 wasm=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$tycho" run "$wasm" --quick >"$dir/out" 2>"$dir/err"
status=$?
failed=0
expect() { # <file> <count> <regex>
  local count
  count=$(grep -cE -- "$3" "$1")
  if [[ $count -ne $2 ]]; then
    echo "FAIL: $count line(s) of $(basename "$1") match /$3/, wanted $2"
    failed=1
  fi
}
expect "$dir/out" 1 '^  10000 processes spawned, each answered, in [0-9.]+ s: [0-9]+ spawns/s'
expect "$dir/out" 1 '^  2000 processes alive at once after [0-9.]+ s'
expect "$dir/out" 1 '^  ring of 1000 built in [0-9.]+ s; token passed 100000 times in'
expect "$dir/out" 2 '^  17984 primes below 200000 with (1 process|8 processes): [0-9.]+ s$'
expect "$dir/out" 2 '^  supervisor: flaky_worker \(process [0-9]+\) failed$'
expect "$dir/out" 3 '^  supervisor: started flaky_worker'
expect "$dir/out" 1 '^  worker: start 3, doing its job$'
expect "$dir/out" 1 '^  the worker succeeded on start 3; the supervisor ended as its last child did$'
expect "$dir/err" 2 '^tycho: process [0-9]+ failed: unreachable$'
expect "$dir/err" 1 '^panic: worker: crashing on purpose \(start 1\)$'
expect "$dir/err" 1 '^panic: worker: crashing on purpose \(start 2\)$'
if [[ $status -ne 0 ]]; then
  echo "FAIL: exit status $status"
  failed=1
fi
if [[ $failed -ne 0 ]]; then
  echo "--- stdout:"; cat "$dir/out"
  echo "--- stderr:"; cat "$dir/err"
  exit 1
fi
cat "$dir/out"
