#!/usr/bin/env bash
# Runs a command and checks its exit status and its combined output.
#   expect.sh STATUS REGEX COMMAND [ARGS...]
# STATUS is the exact exit status wanted; REGEX (grep -E) must match the output.
set -u
want_status=$1
pattern=$2
shift 2
output=$("$@" 2>&1)
status=$?
if [ "$status" -ne "$want_status" ]; then
  echo "exit status $status, wanted $want_status; output:"
  echo "$output"
  exit 1
fi
if ! grep -Eq -- "$pattern" <<<"$output"; then
  echo "output does not match /$pattern/:"
  echo "$output"
  exit 1
fi
lines=$(printf '%s\n' "$output" | wc -l)
echo "ok ($lines line(s)): $output" | head -3
