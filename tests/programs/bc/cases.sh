#!/usr/bin/env bash
# bc's Wasm build against its native build: cases.sh CASE (see compare.sh for the rest).
#   scripts         the programs in scripts/ read from stdin, with and without -l
#   upstream-tests  the quicker programs of bc's Test/ and Examples/ directories
#   files           programs given as file arguments in a preopened working directory, read()
#                   taking numbers from stdin, a missing file
#   errors          syntax and run-time errors, -s and -w: the same messages and statuses
#   options         --help, --version, -i, a bad option
# shellcheck source=tests/programs/compare.sh
source "$(dirname "$0")/../compare.sh"
case_name=${1:?usage: cases.sh CASE}
here="$(cd "$(dirname "$0")" && pwd)"
src=$PROGRAM_SOURCE

# program <name> <text>: a file $SCRATCH/<name> holding the text, for stdin.
program() {
  printf '%s\n' "$2" >"$SCRATCH/$1"
}

scripts_case() {
  local script
  for script in arithmetic bases control; do
    both "$script" "$here/scripts/$script.bc" "" -q
    expect_status "$script" 0
  done
  both arithmetic-mathlib "$here/scripts/arithmetic.bc" "" -ql
  both mathlib "$here/scripts/mathlib.bc" "" -ql
}

upstream_tests_case() {
  local test
  for test in array arrayp aryprm atan sine sqrt sqrt1; do
    both "test-$test" "$src/Test/$test.b" "" -l
    expect_status "test-$test" 0
  done
  # Examples that define functions, with calls to them added. (ckbook.b, which reads from
  # stdin, is in the files case.)
  { cat "$src/Test/testfn.b" && echo 'define f(x) { return (a(x)); }' &&
    echo 't(0, 3, 0.25, 10, 25)'; } >"$SCRATCH/testfn"
  { cat "$src/Examples/primes.b" && echo 'primes(400)'; } >"$SCRATCH/primes"
  { cat "$src/Examples/twins.b" && echo 'twins(400)'; } >"$SCRATCH/twins"
  { cat "$src/Examples/pi.b" && echo 'scale = 60; pi()'; } >"$SCRATCH/pi"
  for test in testfn primes twins pi; do
    both "$test" "$SCRATCH/$test" "" -l
    expect_status "$test" 0
  done
}

files_case() {
  local w="$SCRATCH/wasm-dir" n="$SCRATCH/native-dir" dir
  program numbers "$(printf '%s\n' 3 1.5 -2 10)"
  program transactions "$(printf '%s\n' 100 12.34 -50 0.5 0)"
  for dir in "$w" "$n"; do
    mkdir -p "$dir/lib"
    cp "$here/scripts/control.bc" "$dir/"
    cp "$src/Examples/ckbook.b" "$dir/lib/"
    printf '%s\n' 'define sq(x) { return (x * x); }' >"$dir/lib/square.bc"
    printf '%s\n' 'sum = 0' 'for (i = 0; i < 4; i++) { x = read(); sum += sq(x); }' \
      'print "sum of squares: ", sum, "\n"' 'quit' >"$dir/main.bc"
  done
  both two-files "$SCRATCH/numbers" "$w:$n" -q lib/square.bc main.bc
  expect_status two-files 0
  both read-from-stdin "$SCRATCH/transactions" "$w:$n" -q lib/ckbook.b
  expect_status read-from-stdin 0
  both then-stdin "$here/scripts/bases.bc" "$w:$n" -q control.bc
  both missing-file /dev/null "$w:$n" -q lib/square.bc missing.bc
  expect_status missing-file 1
  both directory /dev/null "$w:$n" -q lib
}

errors_case() {
  program syntax "$(printf '%s\n' '1 +' '2 * 3' 'x = (4' 'define f( { }' '"unterminated')"
  both syntax "$SCRATCH/syntax" "" -q
  program runtime "$(printf '%s\n' '1 / 0' '5 % 0' 'sqrt(-4)' 'undefined(2)' \
    'define g(a, b) { return (a + b); }' 'g(1)' 'a[-1] = 2' 'a[16777216] = 1' 'scale = -1' \
    'ibase = 40' 'obase = 1' 'x = 7' 'x')"
  both runtime "$SCRATCH/runtime" "" -q
  program nonstandard "$(printf '%s\n' 'x = 5' 'print x, "\n"' 'if (x > 1 && x < 9) x' \
    'define f(n) { return n; }' 'f(3)' 'last' 'halt' 'x')"
  both standard "$SCRATCH/nonstandard" "" -qs
  both warn "$SCRATCH/nonstandard" "" -qw
  both lenient "$SCRATCH/nonstandard" "" -q
}

options_case() {
  local none="$SCRATCH/no-input"
  : >"$none"
  both help "$none" "" --help
  expect_status help 0
  both version "$none" "" --version
  expect_status version 0
  program sum '1 + 2'
  both interactive "$SCRATCH/sum" "" -i
  both bad-option "$none" "" --bogus
  expect_status bad-option 1
}

case "$case_name" in
  scripts) scripts_case ;;
  upstream-tests) upstream_tests_case ;;
  files) files_case ;;
  errors) errors_case ;;
  options) options_case ;;
  *) echo "unknown case '$case_name'" >&2 && exit 2 ;;
esac
finish
