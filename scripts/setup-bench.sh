#!/usr/bin/env bash
# Installs what the side-by-side benchmarks need beyond the build, through scripts/setup.sh:
# Erlang/OTP (Debian's erlang-base: erl, erlc, escript) for bench/erlang/, and wrk and Go
# (golang-go) for bench/http.sh.
set -euo pipefail
exec "$(dirname "$0")/setup.sh" erlang-base wrk golang-go
