#!/usr/bin/env bash
# Builds the compute benchmark in Release mode and runs it twice: against the engine as
# shipped (the interpreter, and native code from the optimizing tier with and without
# reduction counting, next to native code compiled from the same C) and against
# tycho_wasm_nocount (the interpreter with counting compiled out). Prints both tables, then
# what counting costs the interpreter per kernel.
#
#   bench/compute.sh [harness options, e.g. --reps 3 or --only fib,sieve]
#
# TYCHO_BENCH_BUILD_DIR overrides the build directory (default: build-bench/ at the root, configured
# for Release when new; an existing directory keeps its configuration).
# The two harnesses run one after the other, so machine noise (frequency scaling, other
# load) shows up in the overhead column; run it on a quiet machine and repeat if in doubt.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TYCHO_BENCH_BUILD_DIR:-$root/build-bench}"

# A new build directory is configured for Release; an existing one (a developer's build/,
# say) is used as it is, so that its configuration is not changed under its owner.
if [[ ! -f "$build/CMakeCache.txt" ]]; then
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DTYCHO_TESTS=OFF -G Ninja \
        -DCMAKE_C_COMPILER="${CC:-clang-19}" -DCMAKE_CXX_COMPILER="${CXX:-clang++-19}" >/dev/null
fi
cmake --build "$build" --target tycho-bench-compute tycho-bench-compute-nocount tycho_jit

tsv_dir="$(mktemp -d)"
trap 'rm -rf "$tsv_dir"' EXIT

echo
"$build/bench/tycho-bench-compute" --tsv "$tsv_dir/count.tsv" "$@"
echo
"$build/bench/tycho-bench-compute-nocount" --interp-only --tsv "$tsv_dir/nocount.tsv" "$@"
echo

# Columns of the .tsv files: kernel, native ms, tycho ms, ratio, checksum.
awk -F'\t' '
    NR == FNR { count[$1] = $3; order[++n] = $1; next }
    { nocount[$1] = $3 }
    END {
        print "Reduction counting overhead in the interpreter (median ms)"
        printf "%-10s %12s %12s %10s\n", "kernel", "counting", "no counting", "overhead"
        for (i = 1; i <= n; i++) {
            k = order[i]
            if (!(k in nocount) || nocount[k] <= 0) continue
            r = count[k] / nocount[k]
            printf "%-10s %12.2f %12.2f %+9.1f%%\n", k, count[k], nocount[k], (r - 1) * 100
            log_sum += log(r); m++
        }
        if (m > 0) printf "geometric mean overhead: %+.1f%%\n", (exp(log_sum / m) - 1) * 100
    }' "$tsv_dir/count.tsv" "$tsv_dir/nocount.tsv"
