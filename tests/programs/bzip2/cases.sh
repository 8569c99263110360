#!/usr/bin/env bash
# bzip2's Wasm build against its native build: cases.sh CASE (see compare.sh for the rest).
#   stdio.KIND        compress a KIND of input (text, binary, empty, zeros, large: 5 MB) from
#                     stdin to stdout with both builds, then decompress each build's output
#                     with the other build
#   upstream-samples  the checks of bzip2's own `make test` (its sample files)
#   corrupt           truncated, damaged and foreign input: the same errors and statuses
#   options           --help, -L, -V and a bad flag
#   files             file arguments in a preopened working directory: f becomes f.bz2 and
#                     back, -k, -f, -t, existing outputs, missing files, a directory, damage;
#                     after each step both directories must hold the same files
# shellcheck source=tests/programs/compare.sh
source "$(dirname "$0")/../compare.sh"
case_name=${1:?usage: cases.sh CASE}
src=$PROGRAM_SOURCE

# A deterministic text of about 5 MB: numbered lines of varying words and numbers.
make_large_text() {
  awk 'BEGIN {
    split("block sorting file compressor Burrows Wheeler transform Huffman coding run length", w)
    srand(1)
    for (i = 0; i < 110000; i++) {
      line = i ":"
      for (j = 0; j < 3 + int(rand() * 6); j++) line = line " " w[1 + int(rand() * 12)]
      printf "%s %d\n", line, int(rand() * 1000000)
    }
  }' >"$1"
}

stdio_case() {
  local input="$SCRATCH/input"
  case "$1" in
    text) cp "$src/manual.html" "$input" ;;
    binary) cp "$src/manual.pdf" "$input" ;;
    empty) : >"$input" ;;
    zeros) head -c 1048576 /dev/zero >"$input" ;; # the block sorter's worst case
    large) make_large_text "$input" ;;
    *) echo "unknown input kind '$1'" >&2 && exit 2 ;;
  esac
  echo "input: $1, $(stat -c %s "$input") bytes"
  both compress "$input" "" -c
  expect_status compress 0
  # Each build decompresses what the other made.
  run wasm decompress "$SCRATCH/compress.native.out" "" -dc
  run native decompress "$SCRATCH/compress.wasm.out" "" -dc
  same_file "the Wasm build decompresses the native build's output" "$input" "$SCRATCH/decompress.wasm.out"
  same_file "the native build decompresses the Wasm build's output" "$input" "$SCRATCH/decompress.native.out"
}

# bzip2's Makefile `test` target: compress the references at levels 1, 2 and 3, decompress
# the samples (the third in --small mode), compare with the files it ships.
upstream_samples_case() {
  local n flags
  for n in 1 2 3; do
    both "compress-sample$n" "$src/sample$n.ref" "" "-$n"
    same_file "sample$n.ref at -$n gives sample$n.bz2" "$src/sample$n.bz2" "$SCRATCH/compress-sample$n.wasm.out"
    flags=-d
    [ $n = 3 ] && flags=-ds
    both "decompress-sample$n" "$src/sample$n.bz2" "" $flags
    same_file "sample$n.bz2 $flags gives sample$n.ref" "$src/sample$n.ref" "$SCRATCH/decompress-sample$n.wasm.out"
  done
}

corrupt_case() {
  spoiled_copies "$src/manual.html" bz2
  both truncated "$SCRATCH/truncated.bz2" "" -dc
  expect_status truncated 2

  both damaged "$SCRATCH/damaged.bz2" "" -dc
  expect_status damaged 2
  both test-damaged "$SCRATCH/damaged.bz2" "" -t
  expect_status test-damaged 2

  both not-bzip2 "$src/manual.html" "" -dc
  expect_status not-bzip2 2

  both trailing-garbage "$SCRATCH/trailing.bz2" "" -dc
  expect_status trailing-garbage 0
  same_file "the data before the garbage" "$src/manual.html" "$SCRATCH/trailing-garbage.wasm.out"
}

options_case() {
  local none="$SCRATCH/no-input"
  : >"$none"
  both help "$none" "" --help
  expect_status help 0
  both license "$none" "" -L
  both version "$none" "" -V
  both bad-flag "$none" "" --bogus
  expect_status bad-flag 1
}

files_case() {
  local w="$SCRATCH/wasm-dir" n="$SCRATCH/native-dir" dir
  for dir in "$w" "$n"; do
    mkdir -p "$dir/sub"
    cp "$src/manual.html" "$dir/f"
    cp "$src/sample2.ref" "$dir/g"
    cp "$src/words1" "$dir/h"
    cp "$src/words3" "$dir/sub/k"
    echo "not compressed" >"$dir/notbz"
    cp "$src/sample1.bz2" "$dir/archive.tbz"
    cp "$src/sample2.bz2" "$dir/damaged.bz2"
    printf '\125' | dd of="$dir/damaged.bz2" bs=1 seek=30000 conv=notrunc status=none
    # One time for every input: bzip2 gives each output its input's time, so outputs'
    # times must match too.
    find "$dir" -type f -exec touch -d @1600000000 {} +
  done
  same_tree start "$w" "$n"
  # step <expected status> ARGS...: one bzip2 command in both directories.
  step() {
    tree_step "$w" "$n" /dev/null "$@"
  }
  step 0 f                    # f -> f.bz2
  step 0 -kv g                # g.bz2 next to g
  step 1 g                    # g.bz2 exists already
  step 0 -f g                 # now it is replaced
  step 0 -tv f.bz2 g.bz2
  step 0 -d f.bz2             # f.bz2 -> f
  step 0 -dc g.bz2            # to stdout
  step 0 -9 h sub/k           # several files, one in a subdirectory
  step 0 -d h.bz2 sub/k.bz2
  step 0 -d archive.tbz       # .tbz -> .tar
  step 2 -dk notbz            # not a bzip2 file: notbz.out is made and removed again
  step 1 missing              # no such file
  step 1 sub                  # a directory
  step 2 -d damaged.bz2       # the partial output is removed
  same_file "f decompressed is the original" "$src/manual.html" "$w/f"
  same_file "archive.tbz decompressed is sample1.ref" "$src/sample1.ref" "$w/archive.tar"
}

case "$case_name" in
  stdio.*) stdio_case "${case_name#stdio.}" ;;
  upstream-samples) upstream_samples_case ;;
  corrupt) corrupt_case ;;
  options) options_case ;;
  files) files_case ;;
  *) echo "unknown case '$case_name'" >&2 && exit 2 ;;
esac
finish
