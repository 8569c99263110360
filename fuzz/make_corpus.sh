#!/usr/bin/env bash
# Fills DIR with seed inputs for the fuzzers: every .wasm binary that wast2json extracts
# from the spec testsuite's .wast scripts (valid modules and the binary-format invalid and
# malformed ones alike). SIMD scripts are skipped since the engine implements no SIMD.
#
#   fuzz/make_corpus.sh DIR
#
# TYCHO_SPEC_TESTSUITE overrides the testsuite directory (default: ../shared/wasm-testsuite
# next to the project root); WAST2JSON overrides the wast2json binary.
set -euo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
out="$1"
suite="${TYCHO_SPEC_TESTSUITE:-$root/../shared/wasm-testsuite}"
wast2json="${WAST2JSON:-wast2json}"

# The corpus is generated data: refuse to put it anywhere git would pick it up.
out="$(realpath -m "$out")"
if [[ "$out/" == "$root/"* ]] && git -C "$root" rev-parse --git-dir >/dev/null 2>&1 &&
    ! git -C "$root" check-ignore -q "$out"; then
    echo "error: $out is inside the repository and not ignored; use build-fuzz/ or /tmp" >&2
    exit 2
fi
mkdir -p "$out"
if ! compgen -G "$suite/*.wast" >/dev/null; then
    echo "error: no .wast files in $suite" >&2
    exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

scripts=0
failed=()
for wast in "$suite"/*.wast; do
    name="$(basename "$wast" .wast)"
    [[ "$name" == simd_* ]] && continue
    scripts=$((scripts + 1))
    # Output names are NAME.N.wasm, unique across scripts.
    if ! "$wast2json" "$wast" -o "$work/$name.json" >/dev/null 2>"$work/$name.err"; then
        failed+=("$name")
    fi
done

copied=0
for wasm in "$work"/*.wasm; do
    [[ -e "$wasm" ]] || continue
    cp "$wasm" "$out/spec-$(basename "$wasm")"
    copied=$((copied + 1))
done

echo "corpus: $copied modules from $scripts .wast scripts into $out"
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "warning: wast2json failed on: ${failed[*]}" >&2
fi
