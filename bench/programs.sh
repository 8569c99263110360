#!/usr/bin/env bash
# Compute speed of real programs under `tycho run` against the same programs built natively:
# the Debian programs of tests/programs (bzip2, bc, zstd, the sqlite3 shell), each on an input
# larger than the tests use. Every round runs each workload once natively and once under each
# tycho configuration, one after the other; the table gives the median seconds, the ratio to
# native and the geometric mean of the ratios, after checking that every run's stdout is
# byte-identical to the native run's.
#
#   bench/programs.sh [--rounds N] [--only NAME,NAME...]
#
# TYCHO_BENCH_BUILD_DIR: the build directory (default: build-bench-programs/ at the root,
#   configured for Release when new; only tycho and tests/programs' targets are built).
# TYCHO_RUN_ARGS: options for `tycho run` (split at spaces), as the tests take them.
# Another column, e.g. a second tier, is one more entry in `configurations` below.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TYCHO_BENCH_BUILD_DIR:-$root/build-bench-programs}"
rounds=3
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=${2:?--rounds needs a number} && shift 2 ;;
    --only) only=",${2:?--only needs names}," && shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--only NAME,NAME...]" >&2 && exit 2 ;;
  esac
done

# Each tycho column: "NAME|tycho run options". Native code comes from the cache after the
# first round (bench/programs.sh fills it before timing).
configurations=("interp|--tier interp ${TYCHO_RUN_ARGS:-}" "jit|--tier jit --cache-dir $build/native-cache ${TYCHO_RUN_ARGS:-}")

# A new build directory is configured for Release; an existing one is used as it is (a
# developer's build/, say), and only the targets below are built in it.
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER="${CC:-clang-19}" -DCMAKE_CXX_COMPILER="${CXX:-clang++-19}" >/dev/null
fi
targets=(tycho)
for program in bzip2 bc zstd sqlite3; do
  targets+=("program_${program}_wasm" "program_${program}_native")
done
cmake --build "$build" --target "${targets[@]}" >/dev/null
programs="$build/tests/programs"
tycho="$build/src/cli/tycho"

# The inputs, made once into the build directory; generated, so that they are the same on
# every machine.
work="$build/bench-programs"
mkdir -p "$work"
text="$work/text-8MB"
if [ ! -f "$text" ]; then
  awk 'BEGIN {
    split("process mailbox message link monitor supervisor registry timer fiber scheduler signal reply", w)
    srand(42)
    for (i = 0; i < 170000; i++) {
      line = sprintf("%07d", i)
      for (j = 0; j < 3 + int(rand() * 8); j++) line = line " " w[1 + int(rand() * 12)]
      printf "%s %d %.4f\n", line, int(rand() * 1000000), rand()
    }
  }' >"$text"
fi
head -c 2000000 "$text" >"$work/text-2MB"
[ -f "$text.bz2" ] || "$programs/bzip2/native/bzip2" -9 -c "$text" >"$text.bz2"
[ -f "$work/text-32MB.zst" ] ||
  cat "$text" "$text" "$text" "$text" | "$programs/zstd/native/zstd" -q -3 -c >"$work/text-32MB.zst"
printf 'scale = 1200\n4 * a(1)\n' >"$work/pi.bc"
: >"$work/empty.sqliterc"
# The tests' SQL programs, on larger grids, boards and tables.
sql="$root/tests/programs/sqlite3/sql"
sed -e 's/x + 0.04 /x + 0.01 /' -e 's/y + 0.1 /y + 0.04 /' -e 's/iteration < 40/iteration < 60/' \
  "$sql/mandelbrot.sql" >"$work/mandelbrot.sql"
sed -e 's/VALUES (4), (5), (6), (7);/VALUES (8);/' -e 's/generate_series(1, 1000)/generate_series(1, 10000)/' \
  "$sql/queens.sql" >"$work/queens.sql"
sed -e 's/WHERE i < 8000)/WHERE i < 60000)/' "$sql/aggregates.sql" >"$work/aggregates.sql"

# Workloads: NAME|program|stdin|arguments (split at spaces). The sqlite3 shell runs in $work,
# preopened, for its -init file.
workloads=(
  "bzip2-compress|bzip2|$text|-9 -c"
  "bzip2-decompress|bzip2|$text.bz2|-d -c"
  "bc-pi-1200-digits|bc|$work/pi.bc|-l -q"
  "zstd-19-compress|zstd|$work/text-2MB|-19 -c"
  "zstd-decompress|zstd|$work/text-32MB.zst|-d -c"
  "sqlite3-mandelbrot|sqlite3|$work/mandelbrot.sql|-init empty.sqliterc"
  "sqlite3-queens|sqlite3|$work/queens.sql|-init empty.sqliterc"
  "sqlite3-aggregates|sqlite3|$work/aggregates.sql|-init empty.sqliterc"
)

# run_once <variable> <output file> <stdin> <command...>: runs the command in $work and sets
# the variable to the wall-clock seconds it took.
run_once() {
  local variable=$1 output=$2 input=$3
  shift 3
  local start end
  start=$(date +%s.%N)
  if ! (cd "$work" && "$@") <"$input" >"$output" 2>"$output.err"; then
    echo "$* failed; see $output.err" >&2
    exit 1
  fi
  end=$(date +%s.%N)
  printf -v "$variable" '%s' "$(awk -v start="$start" -v end="$end" 'BEGIN { printf "%.4f", end - start }')"
}

median() {
  sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Native code for the jit column, compiled before anything is timed.
for program in bzip2 bc zstd sqlite3; do
  "$tycho" compile --cache-dir "$build/native-cache" "$programs/$program/$program.wasm" >&2
done

results="$work/results.tsv"
: >"$results"
for workload in "${workloads[@]}"; do
  IFS='|' read -r name program input arguments <<<"$workload"
  [ -n "$only" ] && [[ "$only" != *",$name,"* ]] && continue
  read -r -a args <<<"$arguments"
  native_times=()
  declare -A tycho_times=()
  for ((round = 1; round <= rounds; round++)); do
    # shellcheck disable=SC2016 # the inner shell's $0 and $@
    run_once seconds "$work/$name.native.out" "$input" \
      bash -c 'exec -a "$0" "$@"' "$program.wasm" "$programs/$program/native/$program" "${args[@]}"
    native_times+=("$seconds")
    for configuration in "${configurations[@]}"; do
      IFS='|' read -r column run_options <<<"$configuration"
      read -r -a run_args <<<"$run_options"
      preopen=()
      [ "$program" = sqlite3 ] && preopen=(--dir .)
      run_once seconds "$work/$name.$column.out" "$input" \
        "$tycho" run "${run_args[@]}" "${preopen[@]}" "$programs/$program/$program.wasm" "${args[@]}"
      tycho_times[$column]+="$seconds "
      if ! cmp -s "$work/$name.native.out" "$work/$name.$column.out"; then
        echo "$name: the output under $column differs from the native build's" >&2
        exit 1
      fi
    done
    echo "$name: round $round of $rounds done" >&2
  done
  line="$name	$(printf '%s\n' "${native_times[@]}" | median)"
  for configuration in "${configurations[@]}"; do
    column=${configuration%%|*}
    line+="	$(tr ' ' '\n' <<<"${tycho_times[$column]}" | grep . | median)"
  done
  echo "$line" >>"$results"
  unset tycho_times
done

# The table: one row per workload, then the geometric mean of each column's ratios.
columns=""
for configuration in "${configurations[@]}"; do columns+="${configuration%%|*} "; done
awk -F'\t' -v columns="$columns" -v rounds="$rounds" '
  BEGIN {
    n = split(columns, name, " ")
    header = "| workload | native s"
    rule = "| --- | ---:"
    for (c = 1; c <= n; c++) { header = header " | " name[c] " s | ratio"; rule = rule " | ---: | ---:" }
    print "Median of " rounds " rounds; outputs checked byte-identical to native."
    print ""
    print header " |"
    print rule " |"
  }
  {
    row = "| " $1 " | " sprintf("%.3f", $2)
    for (c = 1; c <= n; c++) {
      ratio = $(2 + c) / $2
      row = row " | " sprintf("%.3f", $(2 + c)) " | " sprintf("%.2f×", ratio)
      log_sum[c] += log(ratio)
    }
    print row " |"
    rows++
  }
  END {
    if (rows == 0) exit
    row = "| **geometric mean** |"
    for (c = 1; c <= n; c++) row = row " | | **" sprintf("%.2f×", exp(log_sum[c] / rows)) "**"
    print row " |"
  }' "$results"
