#!/usr/bin/env bash
# One command for the demo: installs what is missing, builds, runs a C program whose
# processes talk by messages, then calls C kernels compiled to WebAssembly.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
hello="$build/examples/hello.wasm"
echo "\$ tycho run $hello Ada Grace Barbara    # one process per name"
"$build/src/cli/tycho" run "$hello" Ada Grace Barbara
wasm="$build/examples/kernels.wasm"
echo "\$ tycho run --invoke fib $wasm 30"
"$build/src/cli/tycho" run --invoke fib "$wasm" 30
echo "\$ tycho run --invoke primes_below $wasm 1000000"
"$build/src/cli/tycho" run --invoke primes_below "$wasm" 1000000
echo "\$ tycho run --invoke collatz_steps $wasm 837799"
"$build/src/cli/tycho" run --invoke collatz_steps "$wasm" 837799
echo "\$ tycho run --invoke divide $wasm 1 0    # a trap is reported, not a crash"
"$build/src/cli/tycho" run --invoke divide "$wasm" 1 0 || echo "(exit status $?)"
