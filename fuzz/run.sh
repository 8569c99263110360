#!/usr/bin/env bash
# Builds the fuzz targets (build-fuzz/ at the project root, or TYCHO_FUZZ_BUILD_DIR),
# seeds build-fuzz/corpus from the spec testsuite and fuzzes for SECONDS (default 60).
# Exits non-zero when libFuzzer reports a crash, leak, timeout or out-of-memory; the
# reproducer lands in build-fuzz/artifacts/.
#
#   fuzz/run.sh [SECONDS]
#
# FUZZ_ARGS adds libFuzzer options, for example FUZZ_ARGS="-fork=2" to use two cores.
set -euo pipefail

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
cmake --build "$build" --target tycho-fuzz-decode

"$root/fuzz/make_corpus.sh" "$build/corpus"
artifacts="$build/artifacts"
mkdir -p "$artifacts"
log="$build/fuzz-decode.log"
marker="$(mktemp)"
trap 'rm -f "$marker"' EXIT

# Show progress without the per-input NEW/REDUCE/NEW_FUNC lines; the full log is kept.
# shellcheck disable=SC2086 # FUZZ_ARGS is a list of options
set +e
"$build/fuzz/tycho-fuzz-decode" "$build/corpus" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$artifacts/" ${FUZZ_ARGS:-} 2>&1 |
    tee "$log" | grep --line-buffered -vE '^#[0-9]+[[:space:]]+(NEW|REDUCE)|^[[:space:]]+NEW_FUNC|# Uses: '
status=${PIPESTATUS[0]}
set -e

new_artifacts=()
while IFS= read -r -d '' file; do new_artifacts+=("$file"); done \
    < <(find "$artifacts" -type f -newer "$marker" -print0)

echo
echo "== fuzz summary (tycho-fuzz-decode, ${seconds}s) =="
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' \
    "$log" || true
grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true
echo "corpus: $(find "$build/corpus" -type f | wc -l) inputs in $build/corpus"
echo "log: $log"
if [[ $status -ne 0 || ${#new_artifacts[@]} -gt 0 ]]; then
    echo "FAILED (libFuzzer exit status $status)"
    for file in "${new_artifacts[@]}"; do
        echo "reproducer: $file"
        echo "  rerun: $build/fuzz/tycho-fuzz-decode $file"
    done
    exit 1
fi
echo "no crashes found"
