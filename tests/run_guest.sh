#!/bin/sh
# Runs a guest test: `tycho run ARGS...` must exit with status 0 and print "ok" as the last
# line of its standard output. Everything the guest printed is shown on failure.
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$@" >"$out"
status=$?
cat "$out"
if [ "$status" -ne 0 ]; then
    echo "run_guest: exit status $status (expected 0)" >&2
    exit 1
fi
if [ "$(tail -n 1 "$out")" != "ok" ]; then
    echo "run_guest: the last line of output is not 'ok'" >&2
    exit 1
fi
