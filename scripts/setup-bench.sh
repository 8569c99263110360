#!/usr/bin/env bash
# Installs what the side-by-side benchmarks need beyond the build: Erlang/OTP (Debian's
# erlang-base: erl, erlc, escript) for bench/erlang/, through scripts/setup.sh.
set -euo pipefail
exec "$(dirname "$0")/setup.sh" erlang-base
