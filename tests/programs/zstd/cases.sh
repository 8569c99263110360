#!/usr/bin/env bash
# zstd's Wasm build against its native build: cases.sh CASE (see compare.sh for the rest).
#   stdio.KIND   compress a KIND of input from stdin to stdout with both builds (text: zstd.h;
#                binary: a block of zstd's test data; empty; levels: 300 kB of generated
#                text at levels 1, 9, 19 and 19 with --long), then decompress each build's
#                output with the other build
#   golden       zstd's golden files: compressing the ones that once broke the compressor,
#                decompressing the odd frames it ships, a dictionary with missing symbols
#   dictionary   --train dictionaries on 400 small generated records, compress and list
#                with one, in a preopened working directory
#   corrupt      truncated, damaged and foreign input, -t: the same errors and statuses
#   options      -h, -H, -V, a bad option, the argument checks
#   files        file arguments in a preopened working directory: f becomes f.zst and back,
#                -k, -f, --rm, -o, -r, -l, existing outputs, missing files, damage; after each
#                step both directories must hold the same files
# shellcheck source=tests/programs/compare.sh
source "$(dirname "$0")/../compare.sh"
case_name=${1:?usage: cases.sh CASE}
src=$PROGRAM_SOURCE

# make_text <file> <lines>: deterministic text, numbered lines of varying words and numbers.
make_text() {
  awk -v lines="$2" 'BEGIN {
    split("frame block literal sequence offset match length entropy Huffman FSE window dictionary", w)
    srand(7)
    for (i = 0; i < lines; i++) {
      line = i ":"
      for (j = 0; j < 3 + int(rand() * 6); j++) line = line " " w[1 + int(rand() * 12)]
      printf "%s %d\n", line, int(rand() * 100000)
    }
  }' >"$1"
}

# round_trip <label> <input> ARGS...: both builds compress the input with ARGS, the outputs
# must be the same, and each build decompresses what the other made back to the input.
round_trip() {
  local label=$1 input=$2
  shift 2
  both "$label" "$input" "" -c "$@"
  expect_status "$label" 0
  run wasm "$label-back" "$SCRATCH/$label.native.out" "" -dc
  run native "$label-back" "$SCRATCH/$label.wasm.out" "" -dc
  same_file "$label: the Wasm build decompresses the native build's output" "$input" "$SCRATCH/$label-back.wasm.out"
  same_file "$label: the native build decompresses the Wasm build's output" "$input" "$SCRATCH/$label-back.native.out"
}

stdio_case() {
  local input="$SCRATCH/input"
  case "$1" in
    text) cp "$src/lib/zstd.h" "$input" ;;
    binary) cp "$src/tests/golden-compression/large-literal-and-match-lengths" "$input" ;;
    empty) : >"$input" ;;
    levels) make_text "$input" 6000 ;;
    *) echo "unknown input kind '$1'" >&2 && exit 2 ;;
  esac
  echo "input: $1, $(stat -c %s "$input") bytes"
  if [ "$1" = levels ]; then
    round_trip level1 "$input" -1
    round_trip level9 "$input" -9
    round_trip level19 "$input" -19
    round_trip level19-long "$input" -19 --long
  else
    round_trip compress "$input"
  fi
}

# What zstd's tests/cli-tests/{compression,decompression}/golden.sh and playTests.sh do with
# the golden files.
golden_case() {
  local golden
  for golden in "$src"/tests/golden-compression/*; do
    round_trip "compress-$(basename "$golden")" "$golden"
  done
  for golden in "$src"/tests/golden-decompression/*.zst; do
    both "decompress-$(basename "$golden")" "$golden" "" -dc
    expect_status "decompress-$(basename "$golden")" 0
  done
  local dictionary="$src/tests/golden-dictionaries/http-dict-missing-symbols"
  mkdir -p "$SCRATCH/dict"
  cp "$dictionary" "$SCRATCH/dict/d"
  both dict-missing-symbols "$src/tests/golden-compression/http" "$SCRATCH/dict:$SCRATCH/dict" -c -D d
  expect_status dict-missing-symbols 0
}

dictionary_case() {
  local w="$SCRATCH/wasm-dir" n="$SCRATCH/native-dir" dir
  mkdir -p "$w/samples" "$n/samples"
  # 400 small JSON records that share their keys and some values: what dictionaries are for.
  awk -v out="$w/samples" 'BEGIN {
    srand(11)
    split("alpha beta gamma delta epsilon zeta eta theta", names)
    split("pending active suspended closed", states)
    for (i = 0; i < 400; i++) {
      file = sprintf("%s/record%03d.json", out, i)
      printf "{\"id\": %d, \"name\": \"%s-%d\", \"state\": \"%s\", \"score\": %.3f, ", i,
        names[1 + int(rand() * 8)], int(rand() * 1000), states[1 + int(rand() * 4)], rand() * 100 >file
      printf "\"tags\": [\"%s\", \"%s\"], \"created\": \"2023-0%d-1%dT0%d:00:00Z\"}\n",
        names[1 + int(rand() * 8)], states[1 + int(rand() * 4)], 1 + int(rand() * 9),
        int(rand() * 9), int(rand() * 9) >file
      close(file)
    }
  }'
  cp -r "$w/samples/." "$n/samples/"
  # A dictionary gets the time it is made: only contents are compared here.
  stamp_outputs=true
  step() {
    tree_step "$w" "$n" /dev/null "$@"
  }
  step 0 -q --train -r samples -o dict --maxdict=8192
  # (Not --train-cover: it sorts with qsort() and a comparison that depends on where the
  # elements lie while they are sorted, so its dictionary depends on the C library's qsort.)
  step 0 -q --train-fastcover=k=64,d=8,f=18 -r samples -o dict-fast --maxdict=4096
  step 0 -q --train-legacy -r samples -o dict-legacy --maxdict=4096
  step 0 -q -D dict samples/record007.json -o record007.zst
  step 0 -q -D dict -d record007.zst -o record007.json
  step 0 -l record007.zst
  step 1 -q -d record007.zst -o again.json   # without the dictionary
  same_file "record007 survives the dictionary" "$w/samples/record007.json" "$w/record007.json"
}

corrupt_case() {
  spoiled_copies "$src/lib/zstd.h" zst
  both truncated "$SCRATCH/truncated.zst" "" -dc
  expect_status truncated 1

  both damaged "$SCRATCH/damaged.zst" "" -dc
  expect_status damaged 1
  both test-damaged "$SCRATCH/damaged.zst" "" -t

  both not-zstd "$src/lib/zstd.h" "" -dc
  expect_status not-zstd 1

  both trailing-garbage "$SCRATCH/trailing.zst" "" -dc
  both test-valid "$SCRATCH/valid.zst" "" -t
  expect_status test-valid 0
}

options_case() {
  local none="$SCRATCH/no-input"
  : >"$none"
  both help "$none" "" -h
  expect_status help 0
  # The version line names the build's pointer width.
  map_wasm_output='s/^\*\*\* Zstandard CLI (32-bit)/*** Zstandard CLI (64-bit)/'
  both long-help "$none" "" -H
  both version "$none" "" -V
  map_wasm_output=""
  both bad-option "$none" "" --bogus
  expect_status bad-option 1
  both bad-level "$none" "" -c -23
  both bad-memory "$none" "" -dc --memory=12XB
}

files_case() {
  local w="$SCRATCH/wasm-dir" n="$SCRATCH/native-dir" dir
  for dir in "$w" "$n"; do
    mkdir -p "$dir/sub/deeper"
    cp "$src/lib/zstd.h" "$dir/f"
    cp "$src/programs/zstd.1" "$dir/g"
    cp "$src/tests/golden-compression/http" "$dir/h"
    cp "$src/lib/zdict.h" "$dir/sub/k"
    cp "$src/lib/zstd_errors.h" "$dir/sub/deeper/m"
    echo "not compressed" >"$dir/notzst"
    cp "$src/tests/golden-decompression/rle-first-block.zst" "$dir/rle.zst"
    # One time for every input: zstd gives each output its input's time, so outputs'
    # times must match too.
    find "$dir" -type f -exec touch -d @1600000000 {} +
  done
  same_tree start "$w" "$n"
  # step <expected status> ARGS...: one zstd command in both directories.
  step() {
    tree_step "$w" "$n" /dev/null "$@"
  }
  step 0 f                    # f -> f.zst, f kept
  step 0 g --rm               # g -> g.zst, g removed
  step 1 f                    # f.zst exists already
  step 0 -f -5 f              # now it is replaced
  step 0 -t f.zst g.zst
  step 0 -l f.zst g.zst
  step 0 -d --rm g.zst        # g.zst -> g
  step 0 -d -f f.zst -o f.copy
  step 0 -dc rle.zst          # to stdout
  step 0 -q -r sub            # every file under sub
  step 1 -q -d -r sub -f      # the .zst files come back, the others have an unknown suffix
  step 0 -q -c h g            # several inputs to stdout
  step 1 -d notzst            # not a zstd file
  step 1 missing              # no such file
  step 1 sub                  # a directory without -r is skipped, and that is an error
  same_file "f decompressed is the original" "$src/lib/zstd.h" "$w/f.copy"
}

case "$case_name" in
  stdio.*) stdio_case "${case_name#stdio.}" ;;
  golden) golden_case ;;
  dictionary) dictionary_case ;;
  corrupt) corrupt_case ;;
  options) options_case ;;
  files) files_case ;;
  *) echo "unknown case '$case_name'" >&2 && exit 2 ;;
esac
finish
