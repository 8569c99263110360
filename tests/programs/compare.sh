# shellcheck shell=bash
# Sourced by each program's cases.sh: runs a program's Wasm build and its native build the
# same way and compares what they did. The environment (set by CMakeLists.txt) names:
#   WASM_RUNNER     a command run as `WASM_RUNNER run $TYCHO_RUN_ARGS [--dir .] FILE.wasm ARGS...`:
#                   tycho, or node-wasi-run.mjs (Node's WASI) as the reference
#   TYCHO_RUN_ARGS  options for `run`, split at spaces (may be empty or unset): which
#                   configuration of the runtime the test runs under
#   PROGRAM_WASM    the Wasm build; PROGRAM_NATIVE the native build
#   PROGRAM_SOURCE  the unpacked Debian source tree (inputs and expected outputs it ships)
#   SCRATCH         a directory of this test's own, emptied first and kept afterwards
# Both builds get the same argv[0], the Wasm file's base name (what tycho passes), so that
# messages naming the program compare equal.
set -euo pipefail

for variable in WASM_RUNNER PROGRAM_WASM PROGRAM_NATIVE PROGRAM_SOURCE SCRATCH; do
  if [ -z "${!variable:-}" ]; then
    echo "$variable is not set (the tests in tests/programs are run by ctest)" >&2
    exit 2
  fi
done
program_name="$(basename "$PROGRAM_WASM")"
read -r -a run_args <<<"${TYCHO_RUN_ARGS:-}"
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"
checks=0
failures=0

# run <side> <label> <stdin file> <working dir or ""> ARGS...
# Runs the Wasm build (side "wasm") or the native build (side "native") with stdin from the
# file and ARGS, in the working directory when one is given (preopened as "." for the Wasm
# build), and keeps its stdout, stderr and exit status in $SCRATCH/<label>.<side>.{out,err,status}.
# A run still going after two minutes is stopped (status 124, as timeout(1) reports it).
run() {
  local side=$1 label=$2 input=$3 dir=$4
  shift 4
  local base="$SCRATCH/$label.$side" status=0
  local cwd="${dir:-$SCRATCH}"
  if [ "$side" = wasm ]; then
    local preopen=()
    [ -n "$dir" ] && preopen=(--dir .)
    (cd "$cwd" && exec timeout -k 5 120 "$WASM_RUNNER" run "${run_args[@]}" "${preopen[@]}" "$PROGRAM_WASM" "$@") \
      <"$input" >"$base.out" 2>"$base.err" || status=$?
  else
    # shellcheck disable=SC2016 # the inner shell's $0 and $@
    (cd "$cwd" && exec timeout -k 5 120 bash -c 'exec -a "$0" "$@"' "$program_name" "$PROGRAM_NATIVE" "$@") \
      <"$input" >"$base.out" 2>"$base.err" || status=$?
  fi
  echo "$status" >"$base.status"
}

pass() {
  checks=$((checks + 1))
  echo "ok: $*"
}

fail() {
  checks=$((checks + 1))
  failures=$((failures + 1))
  echo "FAILED: $*"
}

# Shows how two files differ: a diff of their text, or where their bytes part.
show_difference() {
  if grep -qI . "$1" 2>/dev/null && grep -qI . "$2" 2>/dev/null; then
    diff -u "$1" "$2" | head -n 20 | sed 's/^/    /'
  else
    cmp "$1" "$2" 2>&1 | sed 's/^/    /' || true
  fi
}

# same_file <what> <expected file> <actual file>
same_file() {
  if cmp -s "$2" "$3"; then
    pass "$1"
  else
    fail "$1: $3 differs from $2"
    show_difference "$2" "$3"
  fi
}

# The Wasm build's stderr is compared in the words of the native build's C library, glibc:
# - wasi-libc's strerror (musl's) words some messages differently (bzip2 prints
#   strerror(errno) after an error even when errno was last set by isatty() probing a stream);
# - glibc has getopt_long, so natively bc uses it instead of its bundled GNU getopt, which
#   the Wasm build uses and which quotes an unknown option `so' rather than 'so'.
in_glibc_words() {
  sed -e 's/Not a tty$/Inappropriate ioctl for device/' \
      -e "s/: unrecognized option \`\(.*\)'\$/: unrecognized option '\1'/" "$1"
}

# A sed script that a case sets around a run whose output differs between the builds for a
# reason that is neither the program's nor the runtime's (zstd's help names the pointer
# width): both() applies it to the Wasm build's stdout and stderr before comparing.
map_wasm_output=""

# both <label> <stdin file> <working dir pair or ""> ARGS...
# Runs both builds the same way and checks that their stdout, stderr and exit status are the
# same. With a working directory pair "WASM_DIR:NATIVE_DIR" each runs in its own directory.
both() {
  local label=$1 input=$2 dirs=$3
  shift 3
  run wasm "$label" "$input" "${dirs%%:*}" "$@"
  run native "$label" "$input" "${dirs##*:}" "$@"
  local base="$SCRATCH/$label" stream
  in_glibc_words "$base.wasm.err" >"$base.wasm.err-mapped"
  cp "$base.wasm.out" "$base.wasm.out-mapped"
  if [ -n "$map_wasm_output" ]; then
    sed -i -e "$map_wasm_output" "$base.wasm.out-mapped" "$base.wasm.err-mapped"
  fi
  for stream in status out err; do
    local wasm_file="$base.wasm.$stream"
    [ $stream != status ] && wasm_file="$base.wasm.$stream-mapped"
    if cmp -s "$base.native.$stream" "$wasm_file"; then
      pass "$label: same $stream$( [ $stream = status ] && echo " ($(cat "$base.native.status"))")"
    else
      fail "$label: the Wasm build's $stream differs from the native build's"
      show_difference "$base.native.$stream" "$wasm_file"
    fi
  done
}

# expect_status <label> <status>: the status both builds exited with in the run <label>.
expect_status() {
  local got
  got="$(cat "$SCRATCH/$1.wasm.status")"
  if [ "$got" = "$2" ]; then
    pass "$1: exit status $2"
  else
    fail "$1: exit status $got, expected $2"
  fi
}

# spoiled_copies <input> <suffix>: compresses the input with the native build's `-c` into
# $SCRATCH/valid.<suffix>, and makes from that truncated.<suffix> (its first half),
# damaged.<suffix> (a byte in the middle changed) and trailing.<suffix> (garbage appended).
spoiled_copies() {
  local valid="$SCRATCH/valid.$2" size
  run native make-valid "$1" "" -c
  cp "$SCRATCH/make-valid.native.out" "$valid"
  size=$(stat -c %s "$valid")
  head -c $((size / 2)) "$valid" >"$SCRATCH/truncated.$2"
  cp "$valid" "$SCRATCH/damaged.$2"
  printf '\125' | dd of="$SCRATCH/damaged.$2" bs=1 seek=$((size / 2)) conv=notrunc status=none
  { cat "$valid" && printf 'trailing garbage'; } >"$SCRATCH/trailing.$2"
}

# A listing of a directory's files (recursively, sorted): path, size, SHA-256 and modification
# time, to compare what the two builds left behind. Permissions are not listed: WASI has none.
# (One stat and one sha256sum for all files: the dictionary tests leave hundreds.)
snapshot() {
  (cd "$1" && find . -type f -printf '%P\0' | LC_ALL=C sort -z >"$SCRATCH/.snapshot-list" &&
    paste -d ' ' <(xargs -0 -r stat -c '%n %s' <"$SCRATCH/.snapshot-list") \
      <(xargs -0 -r sha256sum <"$SCRATCH/.snapshot-list" | cut -c1-64) \
      <(xargs -0 -r stat -c %Y <"$SCRATCH/.snapshot-list"))
}

# same_tree <label> <wasm dir> <native dir>
same_tree() {
  snapshot "$2" >"$SCRATCH/$1.wasm.tree"
  snapshot "$3" >"$SCRATCH/$1.native.tree"
  same_file "$1: the same files, contents and times" "$SCRATCH/$1.native.tree" "$SCRATCH/$1.wasm.tree"
}

# tree_step <wasm dir> <native dir> <stdin file> <expected status> ARGS...
# One numbered step (stepN) of a case that works on files: runs both builds, each in its own
# working directory, checks the exit status and that both directories then hold the same
# files. With stamp_outputs=true every file is first given one time: for programs that give
# the files they write the present time rather than their input's.
stamp_outputs=false
steps=0
tree_step() {
  local wasm_dir=$1 native_dir=$2 input=$3 status=$4
  shift 4
  steps=$((steps + 1))
  echo "-- step$steps: $program_name $*"
  both "step$steps" "$input" "$wasm_dir:$native_dir" "$@"
  expect_status "step$steps" "$status"
  if $stamp_outputs; then
    find "$wasm_dir" "$native_dir" -type f -exec touch -d @1600000000 {} +
  fi
  same_tree "step$steps" "$wasm_dir" "$native_dir"
}

# Ends the test: exit status 1 when a check failed.
finish() {
  echo "$((checks - failures)) passed, $failures failed"
  [ "$failures" -eq 0 ]
}
