#!/usr/bin/env bash
# Builds a fuzz target (build-fuzz/ at the project root, or TYCHO_FUZZ_BUILD_DIR), seeds
# build-fuzz/corpus from the spec testsuite and fuzzes for SECONDS (default 60).
# Exits non-zero when libFuzzer reports a crash, leak, timeout or out-of-memory (or, for
# tiers, a difference between the tiers); the reproducer lands in build-fuzz/artifacts/.
#
#   fuzz/run.sh [decode|tiers] [SECONDS]
#
# decode (the default) runs tycho-fuzz-decode on build-fuzz/corpus. tiers runs
# tycho-fuzz-tiers: its own corpus of generator recipes grows in build-fuzz/corpus-tiers,
# and the spec modules of build-fuzz/corpus are read as extra seeds.
#
# FUZZ_ARGS adds libFuzzer options, for example FUZZ_ARGS="-fork=2" to use two cores.
set -euo pipefail

target=decode
if [[ "${1:-}" == decode || "${1:-}" == tiers ]]; then
    target="$1"
    shift
fi
seconds="${1:-60}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
build="${TYCHO_FUZZ_BUILD_DIR:-$root/build-fuzz}"

configure=(cmake -S "$root" -B "$build" -DTYCHO_FUZZ=ON -DTYCHO_TESTS=OFF
           -DCMAKE_BUILD_TYPE=RelWithDebInfo)
if [[ ! -f "$build/CMakeCache.txt" ]]; then
    # Compilers and generator can only be chosen when the build directory is new.
    configure+=(-G Ninja -DCMAKE_C_COMPILER="${CC:-clang-19}" -DCMAKE_CXX_COMPILER="${CXX:-clang++-19}")
fi
"${configure[@]}" >/dev/null
cmake --build "$build" --target "tycho-fuzz-$target"

"$root/fuzz/make_corpus.sh" "$build/corpus"
artifacts="$build/artifacts"
mkdir -p "$artifacts"
log="$build/fuzz-$target.log"
corpora=("$build/corpus")
timeout=10
if [[ "$target" == tiers ]]; then
    # New inputs go to the first directory; the spec modules are only read. Compiling a
    # large module to native code takes a while under the sanitizers.
    corpora=("$build/corpus-tiers" "$build/corpus")
    mkdir -p "$build/corpus-tiers"
    timeout=60
    export TYCHO_FUZZ_DIFF_DIR="$artifacts"
fi
marker="$(mktemp)"
trap 'rm -f "$marker"' EXIT

# Show progress without the per-input NEW/REDUCE/NEW_FUNC lines; the full log is kept.
# shellcheck disable=SC2086 # FUZZ_ARGS is a list of options
set +e
"$build/fuzz/tycho-fuzz-$target" "${corpora[@]}" -max_total_time="$seconds" -timeout="$timeout" \
    -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$artifacts/" ${FUZZ_ARGS:-} 2>&1 |
    tee "$log" | grep --line-buffered -vE '^#[0-9]+[[:space:]]+(NEW|REDUCE)|^[[:space:]]+NEW_FUNC|# Uses: '
status=${PIPESTATUS[0]}
set -e

new_artifacts=()
while IFS= read -r -d '' file; do new_artifacts+=("$file"); done \
    < <(find "$artifacts" -type f -newer "$marker" -print0)

echo
echo "== fuzz summary (tycho-fuzz-$target, ${seconds}s) =="
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' \
    "$log" || true
grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true
echo "corpus: $(find "${corpora[0]}" -type f | wc -l) inputs in ${corpora[0]}"
echo "log: $log"
if [[ $status -ne 0 || ${#new_artifacts[@]} -gt 0 ]]; then
    echo "FAILED (libFuzzer exit status $status)"
    for file in "${new_artifacts[@]}"; do
        echo "reproducer: $file"
        echo "  rerun: $build/fuzz/tycho-fuzz-$target $file"
    done
    exit 1
fi
echo "no crashes found"
