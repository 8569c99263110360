#!/usr/bin/env bash
# The SDK's compiler wrappers and CMake toolchain file, from the source tree and installed:
#   check_toolchain.sh <source dir> <build dir> <tycho executable> <work dir>
# Builds the guests in guests/ and the guide's first program with tycho-cc and tycho-c++,
# checks that a C++ `throw` is refused at compile time, builds project/ with the toolchain
# file, installs the project into <work dir>/prefix and builds and runs a guest with what
# was installed.
set -euo pipefail
source_dir=$1 build_dir=$2 tycho=$3 work=$4
sdk="$source_dir/sdk"
here="$source_dir/tests/sdk"
rm -rf "$work" && mkdir -p "$work"

expect_output() { # <expected regex> <command...>
  local expected=$1 out
  shift
  out=$("$@")
  if ! grep -Eq "$expected" <<<"$out"; then
    echo "FAIL: $* printed: $out (expected /$expected/)" >&2
    exit 1
  fi
}

"$sdk/bin/tycho-cc" "$here/guests/hello.c" -o "$work/hello.wasm"
expect_output '^c guest: process [0-9]+$' "$tycho" run --tier interp "$work/hello.wasm"
"$sdk/bin/tycho-c++" "$here/guests/containers.cpp" -o "$work/containers.wasm"
expect_output '^c\+\+ guest: process [0-9]+; by; longest processes$' \
  "$tycho" run --tier interp "$work/containers.wasm"

# The first program of docs/guide-c.md, as the guide shows it.
awk '/^\/\/ hello.c/ { copy = 1 } copy && /^```/ { exit } copy' "$source_dir/docs/guide-c.md" \
  >"$work/guide_hello.c"
"$sdk/bin/tycho-cc" -Werror -Wall -Wextra "$work/guide_hello.c" -o "$work/guide_hello.wasm"
lines=$("$tycho" run "$work/guide_hello.wasm" | grep -c '^hello from process [0-9]*$')
[[ $lines -eq 3 ]] || { echo "FAIL: the guide's hello.c printed $lines greetings, not 3" >&2; exit 1; }

if "$sdk/bin/tycho-c++" "$here/guests/throws.cpp" -o "$work/throws.wasm" 2>"$work/throws.err"; then
  echo "FAIL: a C++ throw compiled" >&2
  exit 1
fi
grep -q "exceptions" "$work/throws.err" || { cat "$work/throws.err" >&2; exit 1; }

cmake -S "$here/project" -B "$work/project" -G Ninja \
  -DCMAKE_TOOLCHAIN_FILE="$sdk/cmake/tycho-wasm32.cmake" >"$work/configure.log"
cmake --build "$work/project" >"$work/build.log"
expect_output '^c guest' "$tycho" run --tier interp "$work/project/hello.wasm"
expect_output '^c\+\+ guest' "$tycho" run --tier interp "$work/project/containers.wasm"

cmake --install "$build_dir" --prefix "$work/prefix" >"$work/install.log"
"$work/prefix/bin/tycho-c++" "$here/guests/containers.cpp" -o "$work/installed.wasm"
expect_output '^c\+\+ guest' "$work/prefix/bin/tycho" run --tier interp "$work/installed.wasm"
# The installed headers: the C++ layer (supervisors, servers, channels) over the C core.
"$work/prefix/bin/tycho-c++" "$here/units/supervision.cpp" -o "$work/supervision.wasm"
expect_output '^ok$' "$work/prefix/bin/tycho" run "$work/supervision.wasm"
# The installed tycho finds the installed native tier (../lib/tycho/).
TYCHO_NATIVE_TIER="" expect_output '^c\+\+ guest' \
  "$work/prefix/bin/tycho" run --tier jit --no-cache "$work/installed.wasm"
cmake -S "$here/project" -B "$work/installed-project" -G Ninja \
  -DCMAKE_TOOLCHAIN_FILE="$work/prefix/share/tycho/cmake/tycho-wasm32.cmake" >/dev/null
cmake --build "$work/installed-project" >/dev/null
expect_output '^c guest' "$work/prefix/bin/tycho" run --tier interp "$work/installed-project/hello.wasm"
echo ok
