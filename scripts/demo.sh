#!/usr/bin/env bash
# One command for the demo: installs what is missing, builds, and runs the showcase
# (examples/showcase: 100,000 spawns, 20,000 processes at once, a token ring, map-reduce,
# a supervisor restarting a crashing worker, with timings), then the supervised key-value
# service from docs/guide-c.md. Fault reports of the crashes on purpose go to stderr.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
tycho="$build/src/cli/tycho"
showcase="$build/examples/showcase.wasm"
kv_service="$build/examples/kv_service.wasm"

echo
echo "\$ tycho compile showcase.wasm    # native code ahead of time, into the cache"
"$tycho" compile "$showcase"
echo
echo "\$ tycho run showcase.wasm"
"$tycho" run "$showcase"
echo
echo "\$ tycho run kv_service.wasm     # docs/guide-c.md builds this one step by step"
"$tycho" run "$kv_service"
echo
echo "The sources are examples/showcase/showcase.cpp and examples/kv_service/kv_service.cpp."
echo "Build your own: sdk/bin/tycho-cc app.c -o app.wasm && $tycho run app.wasm"
