#!/usr/bin/env bash
# Runs a command and checks its exit status, its standard output and its standard error,
# each stream on its own so that what one process prints is not interleaved with reports
# from others.
#   check_run.sh STATUS STDOUT_REGEX STDERR_REGEX COMMAND [ARGS...]
# Each REGEX is a Perl regex matched against the whole stream (use \A and \z to anchor).
set -u
want_status=$1
stdout_pattern=$2
stderr_pattern=$3
shift 3
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
"$@" >"$out" 2>"$err"
status=$?
# matches FILE REGEX: whether the whole of FILE (possibly empty) matches REGEX.
matches() {
  PATTERN=$2 perl -e 'local $/; my $text = <STDIN> // ""; exit($text =~ /$ENV{PATTERN}/ ? 0 : 1)' <"$1"
}
show() {
  echo "--- stdout:"; cat "$out"
  echo "--- stderr:"; cat "$err"
}
if [ "$status" -ne "$want_status" ]; then
  echo "exit status $status, wanted $want_status"
  show
  exit 1
fi
if ! matches "$out" "$stdout_pattern"; then
  echo "stdout does not match /$stdout_pattern/"
  show
  exit 1
fi
if ! matches "$err" "$stderr_pattern"; then
  echo "stderr does not match /$stderr_pattern/"
  show
  exit 1
fi
echo "exit status $status as wanted; output:"
show
