#!/usr/bin/env bash
# Installs the Debian packages Tycho needs (only the missing ones) on Debian 12, plus any
# package named on the command line (scripts/setup-bench.sh adds Erlang that way), then the
# npm packages of the AssemblyScript guests.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

packages=(
  cmake ninja-build git
  clang-19 lld-19 llvm-19            # the project's compiler, and guests' wasm32 toolchain
  libclang-rt-19-dev-wasm32 wasi-libc # wasm32 runtime support and libc for C guests
  rustc cargo libstd-rust-dev-wasm32  # Rust guests (wasm32-wasi) and cargo test mode's tests
  librust-serde-dev librust-serde-derive-dev librust-bincode-dev # the crates Rust guests use
  libgtest-dev googletest            # unit tests
  libboost-context-dev               # fiber context switches
  libmimalloc-dev                    # the tycho executable's allocator
  libssl-dev                         # lunatic::distributed's certificates (OpenSSL libcrypto)
  libsqlite3-dev                     # lunatic::sqlite
  prometheus-cpp-dev                 # guests' metrics and the --metrics exporter
  prometheus                         # promtool, which checks the exporter's output (tests)
  wabt                               # wast2json for the spec testsuite
  "$@"
)
# Node.js and npm run the AssemblyScript compiler (tests/guests/assemblyscript). A machine
# that has both already, from Debian or elsewhere, keeps what it has.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

install_missing_packages() {
  local missing=() p
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return

  echo "Installing: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo=sudo
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# The AssemblyScript compiler and the project's AssemblyScript library, as pinned by
# tests/guests/assemblyscript/package-lock.json, into that folder's node_modules/; installed
# again whenever the lock file is newer than the installation.
install_assemblyscript_packages() {
  local dir="$root/tests/guests/assemblyscript"
  local installed="$dir/node_modules/.package-lock.json"
  if [ -f "$installed" ] && [ ! "$dir/package-lock.json" -nt "$installed" ]; then
    return
  fi
  echo "Installing the npm packages of tests/guests/assemblyscript"
  (cd "$dir" && npm ci --no-audit --no-fund)
}

install_missing_packages
install_assemblyscript_packages
