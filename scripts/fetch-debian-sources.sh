#!/usr/bin/env bash
# Fetches the Debian source packages of the real programs that tests/programs builds, at the
# versions pinned in tests/programs/debian-sources.txt, into a cache outside the repository:
#   ${TYCHO_DEBIAN_SOURCES:-${XDG_CACHE_HOME:-$HOME/.cache}/tycho/debian-src}/NAME_VERSION/
# holding the .dsc, its tarballs and source/, the tree unpacked with Debian's patches applied.
# A version already in the cache is not fetched again, so a re-run needs no network. Needs a
# deb-src entry for bookworm main in apt's sources (scripts/setup.sh adds one) and dpkg-dev.
# With --check it fetches nothing and only exits with 0 when the cache holds every version.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${TYCHO_DEBIAN_SOURCES:-${XDG_CACHE_HOME:-$HOME/.cache}/tycho/debian-src}"
pins="$root/tests/programs/debian-sources.txt"

fail() {
  echo "fetch-debian-sources: $*" >&2
  exit 1
}

cached() {
  [ -f "$cache/${1}_$2/source/.complete" ]
}

fetch() {
  local name=$1 version=$2 sha256=$3
  local target="$cache/${name}_$version"
  cached "$name" "$version" && return
  command -v dpkg-source >/dev/null || fail "dpkg-source is missing (Debian package dpkg-dev)"
  echo "Fetching the Debian source package $name $version into $target"
  mkdir -p "$cache"
  # Work in a fresh folder next to the target and move it into place at the end, so that an
  # interrupted run never leaves a half-filled cache entry behind.
  work="$(mktemp -d "$cache/.${name}_$version.XXXXXX")"
  if ! (cd "$work" && apt-get source --download-only -qq "$name=$version" >"$work/apt.log" 2>&1); then
    cat "$work/apt.log" >&2
    fail "apt-get source $name=$version failed; scripts/setup.sh adds the deb-src entry for" \
         "bookworm main and updates apt's lists"
  fi
  local dsc="$work/${name}_$version.dsc"
  echo "$sha256  $dsc" | sha256sum --check --quiet - ||
    fail "${name}_$version.dsc does not have the pinned SHA-256 $sha256"
  # The signature cannot be checked without Debian's keyring, and need not be: apt took the
  # .dsc from a signed index and its checksum is pinned. The tarballs' checksums are checked.
  if ! dpkg-source -x "$dsc" "$work/source" >"$work/dpkg-source.log" 2>&1; then
    cat "$work/dpkg-source.log" >&2
    fail "dpkg-source could not unpack ${name}_$version.dsc"
  fi
  rm -f "$work/apt.log" "$work/dpkg-source.log"
  chmod 755 "$work" # mktemp made it private
  touch "$work/source/.complete"
  rm -rf "$target"
  mv "$work" "$target"
  work=""
}

work=""
trap '[ -z "$work" ] || rm -rf "$work"' EXIT

check_only=false
case "${1:-}" in
  --check) check_only=true ;;
  "") ;;
  *) fail "unknown argument '$1' (usage: $0 [--check])" ;;
esac

# Each line: NAME VERSION SHA256-OF-THE-.dsc. Read on fd 3: apt-get must not eat the list.
while read -r name version sha256 <&3; do
  case "$name" in "" | "#"*) continue ;; esac
  if $check_only; then
    cached "$name" "$version" || exit 1
  else
    fetch "$name" "$version" "$sha256"
  fi
done 3<"$pins"
