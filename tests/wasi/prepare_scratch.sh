#!/usr/bin/env bash
# Prepares a WASI test's scratch directory, emptied first:
#   prepare_scratch.sh DIR [SETUP]
# DIR/sandbox    what the test preopens (as /sandbox, or as "." when run inside it),
#                holding inside.txt ("inside")
# DIR/other      a second directory, preopened by the tests that need two
# DIR/outside    never preopened: secret.txt ("OUTSIDE-SECRET") must stay unreadable and
#                this directory unchanged (run_wasi.sh checks both)
# SETUP, when given, is a shell script run in DIR afterwards for what one test needs more
# (symlinks pointing out, a large input file, ...).
set -euo pipefail
dir=$1
rm -rf "$dir"
mkdir -p "$dir/sandbox" "$dir/other" "$dir/outside"
printf 'inside\n' >"$dir/sandbox/inside.txt"
printf 'OUTSIDE-SECRET\n' >"$dir/outside/secret.txt"
if [ $# -ge 2 ]; then
  setup=$(realpath "$2")
  cd "$dir"
  bash "$setup"
fi
