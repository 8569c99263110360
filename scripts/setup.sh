#!/usr/bin/env bash
# Installs the Debian packages Tycho needs (only the missing ones) on Debian 12, plus any
# package named on the command line (scripts/setup-bench.sh adds Erlang that way).
set -euo pipefail

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
  wabt                               # wast2json for the spec testsuite
  "$@"
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "Installing: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
