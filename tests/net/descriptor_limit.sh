#!/usr/bin/env bash
# The runtime raises its soft limit on open descriptors to the hard one at start: under the
# usual soft limit of 1,024, a guest still holds COUNT listening sockets at once.
#   descriptor_limit.sh TYCHO MANY_LISTENERS.wasm COUNT
set -u
tycho=$1
guest=$2
count=$3
needed=$((count + 64))
hard=$(ulimit -Hn)
if [[ $hard != unlimited && $hard -lt $needed ]]; then
  echo "FAIL: this test needs a hard limit on open descriptors of at least $needed, but" \
       "ulimit -Hn is $hard; raise it, as root: ulimit -Hn $needed"
  exit 1
fi
ulimit -Sn 1024 || { echo "FAIL: cannot set the soft limit to 1024"; exit 1; }
output=$("$tycho" run "$guest" "$count" 2>&1)
status=$?
if [[ $status -ne 0 || $output != "holding $count listeners" ]]; then
  echo "FAIL: with ulimit -Sn 1024 (hard $hard), the guest exited with status $status:"
  echo "$output"
  exit 1
fi
echo "ok: $output, under a soft limit of 1024"
