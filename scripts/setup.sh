#!/usr/bin/env bash
# Installs the Debian packages Tycho needs (only the missing ones) on Debian 12, plus any
# package named on the command line (scripts/setup-bench.sh adds Erlang that way), then the
# npm packages of the AssemblyScript guests, then the Debian source packages of the real
# programs the tests build (scripts/fetch-debian-sources.sh, into a cache outside the repo).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

packages=(
  cmake ninja-build git
  clang-19 lld-19 llvm-19            # the project's compiler, and guests' wasm32 toolchain
  libclang-rt-19-dev-wasm32 wasi-libc # wasm32 runtime support and libc for C guests
  libclang-rt-19-dev                 # sanitizer and libFuzzer runtimes (ASan/UBSan test runs, fuzz/)
  libc++-19-dev-wasm32 libc++abi-19-dev-wasm32 # C++ guests (sdk/bin/tycho-c++)
  llvm-19-dev libzstd-dev            # the optimizing tier (LLVM's libraries, and what they link)
  rustc cargo libstd-rust-dev-wasm32  # Rust guests (wasm32-wasi) and cargo test mode's tests
  librust-serde-dev librust-serde-derive-dev librust-bincode-dev # the crates Rust guests use
  libgtest-dev googletest            # unit tests
  libboost-context-dev               # fiber context switches
  libmimalloc-dev                    # the tycho executable's allocator
  libssl-dev                         # lunatic::distributed's certificates, networking's TLS (OpenSSL)
  ca-certificates                    # the system's trusted roots, which TLS clients use by default
  openssl                            # the TLS tests' certificates, and s_client/s_server to talk to
  curl                               # an HTTP client for the HTTP example's test (tests/examples)
  libsqlite3-dev                     # lunatic::sqlite
  prometheus-cpp-dev                 # guests' metrics and the --metrics exporter
  prometheus                         # promtool, which checks the exporter's output (tests)
  wabt                               # wast2json for the spec testsuite
  dpkg-dev                           # dpkg-source unpacks tests/programs' Debian sources
  make tcl                           # tests/programs: SQLite's own build makes its amalgamation
  "$@"
)
# Node.js and npm run the AssemblyScript compiler (tests/guests/assemblyscript). A machine
# that has both already, from Debian or elsewhere, keeps what it has.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

# Runs a command as root, through sudo when not root already; $1 says what for.
as_root() {
  local why=$1
  shift
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    echo "need root (or sudo) to $why" >&2
    exit 1
  fi
}

install_missing_packages() {
  local missing=() p
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return

  echo "Installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root "install: ${missing[*]}" apt-get update -qq
  as_root "install: ${missing[*]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# apt-get source needs a deb-src entry for bookworm main. Unless apt's sources have one
# already, this adds it in a file of its own; then apt's lists are updated if they lack it.
add_debian_source_entry() {
  local configured
  # shellcheck disable=SC2016 # apt's own $(FIELD) placeholders
  configured="$(apt-get indextargets --no-release-info --format '$(RELEASE) $(COMPONENT)' \
                'Identifier: Sources')"
  if ! grep -qx "bookworm main" <<<"$configured"; then
    echo "Adding a deb-src entry for bookworm main to /etc/apt/sources.list.d/"
    as_root "add a deb-src entry to apt's sources" \
      tee /etc/apt/sources.list.d/tycho-debian-src.sources >/dev/null <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  fi
  # Lists fetched before the entry was there know no source packages (bzip2 is one of ours).
  if [ -z "$(apt-cache showsrc --only-source bzip2 2>/dev/null)" ]; then
    as_root "update apt's lists" apt-get update -qq
  fi
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
# The network is needed only for a pinned version that the cache does not hold yet.
if ! "$root/scripts/fetch-debian-sources.sh" --check; then
  add_debian_source_entry
  "$root/scripts/fetch-debian-sources.sh"
fi
