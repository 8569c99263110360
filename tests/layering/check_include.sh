#!/usr/bin/env bash
# check_include.sh builds|fails HEADER COMPILER "DIR;DIR;..."
# Compiles `#include "HEADER"` with those include directories and checks the outcome; a
# failure must be the header not being found, not some other error.
set -u
expected=$1 header=$2 compiler=$3 dirs=$4
flags=()
IFS=';' read -ra list <<<"$dirs"
for dir in "${list[@]}"; do [ -n "$dir" ] && flags+=("-I$dir"); done
output=$(printf '#include "%s"\n' "$header" |
  "$compiler" -std=c++20 -fsyntax-only -x c++ "${flags[@]}" - 2>&1)
status=$?
case $expected in
  builds)
    [ $status -eq 0 ] && { echo "ok: $header is reachable"; exit 0; }
    echo "expected $header to build; got:"; echo "$output"; exit 1 ;;
  fails)
    if [ $status -ne 0 ] && grep -q "'$header' file not found" <<<"$output"; then
      echo "ok: $header is out of reach"; exit 0
    fi
    echo "expected '$header' file not found; status $status:"; echo "$output"; exit 1 ;;
esac
echo "usage: check_include.sh builds|fails HEADER COMPILER DIRS" >&2
exit 2
