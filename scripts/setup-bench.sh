#!/usr/bin/env bash
# Installs what the side-by-side benchmarks need beyond scripts/setup.sh: Erlang/OTP
# (Debian's erlang-base: erl, erlc, escript) for bench/erlang/. Does nothing when `erl`
# is already on the PATH.
set -euo pipefail

if command -v erl >/dev/null; then
  exit 0
fi

packages=(erlang-base)
echo "Installing: ${packages[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${packages[*]}" >&2; exit 1; }
  sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${packages[@]}"
command -v erl >/dev/null || { echo "erl still missing after installing ${packages[*]}" >&2; exit 1; }
