#!/usr/bin/env bash
# Runs the Erlang/OTP baseline of Tycho's process benchmarks (tycho_baseline.erl), each
# benchmark in a VM of its own. Result lines go to stdout, progress to stderr:
#
#   <metric> <median> <unit> runs=<n> min=<x> max=<y>
#
#   bench/erlang/run.sh                          # every benchmark
#   bench/erlang/run.sh ring_hop ping_pong       # some (benchmark or metric names,
#   bench/erlang/run.sh fan_in,fairness_p99_us   #  spaces or commas)
#   REPEAT=9 bench/erlang/run.sh spawn_exit      # measured runs (default 5)
#
# Sizes can be changed through environment variables (SPAWN_M, IDLE_K, ...): see
# README.md beside this file. Install Erlang with scripts/setup-bench.sh.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

for tool in erl erlc; do
  if ! command -v "$tool" >/dev/null; then
    echo "$tool not found: install Erlang/OTP with $(cd "$here/../.." && pwd)/scripts/setup-bench.sh" >&2
    exit 1
  fi
done

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
erlc -o "$out" "$here/tycho_baseline.erl"

# No erl_crash.dump in the working directory if a VM dies.
export ERL_CRASH_DUMP_SECONDS=0
# +P: room for the million processes of max_idle (the default limit is 262,144).
vm=(erl -noshell +P 2000000 -pa "$out" -run tycho_baseline main)

if [ $# -eq 0 ]; then
  names="$("${vm[@]}" list)"
else
  names="$("${vm[@]}" resolve "$@")" || exit 2
fi
[ -n "$names" ] || { echo "no benchmark selected" >&2; exit 2; }
mapfile -t selected <<<"$names"

start=$SECONDS
for bench in "${selected[@]}"; do
  t=$SECONDS
  "${vm[@]}" run "$bench"
  echo "  ($bench: $((SECONDS - t)) s)" >&2
done
echo "done: ${selected[*]} in $((SECONDS - start)) s (REPEAT=${REPEAT:-5})" >&2
