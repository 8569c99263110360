#!/usr/bin/env bash
# Runs a command and checks its exit status and its combined output.
#   expect.sh STATUS REGEX COMMAND [ARGS...]
# STATUS is the exact exit status wanted; REGEX (grep -E) must match a line of the output.
# A REGEX containing \n is a Perl regex matched against the whole output instead.
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
if [[ $pattern == *'\n'* ]]; then
  matcher=(grep -Pzq --)
else
  matcher=(grep -Eq --)
fi
if ! "${matcher[@]}" "$pattern" <<<"$output"; then
  echo "output does not match /$pattern/:"
  echo "$output"
  exit 1
fi
lines=$(printf '%s\n' "$output" | wc -l)
echo "ok ($lines line(s)): $output" | head -3
