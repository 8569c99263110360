#!/usr/bin/env bash
# Runs an example program and checks what it printed:
#   check_output.sh [--status N] [--sorted] [--stderr REGEX] [--stderr-count N REGEX]...
#                   TYCHO WASM EXPECTED [ARGS...]
# runs `TYCHO run WASM ARGS...` and passes when
#  - its stdout is exactly the file EXPECTED (a diff shows the difference otherwise); with
#    --sorted, the same lines in any order (for output of several processes at once),
#  - it exits with status N (default 0),
#  - its stderr is empty, or, when --stderr or --stderr-count options are given, each
#    --stderr REGEX (grep -E) matches at least one line of it and each
#    --stderr-count N REGEX matches exactly N lines.
set -u
want_status=0
sorted=0
stderr_checks=()
while [[ $# -gt 0 && $1 == --* ]]; do
  case $1 in
    --status) want_status=$2; shift 2 ;;
    --sorted) sorted=1; shift ;;
    --stderr) stderr_checks+=("+" "$2"); shift 2 ;;
    --stderr-count) stderr_checks+=("$2" "$3"); shift 3 ;;
    *) echo "check_output.sh: unknown option $1"; exit 2 ;;
  esac
done
if [[ $# -lt 3 ]]; then
  echo "usage: check_output.sh [options] TYCHO WASM EXPECTED [ARGS...]"
  exit 2
fi
tycho=$1
wasm=$2
expected=$3
shift 3

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$tycho" run "$wasm" "$@" >"$dir/stdout" 2>"$dir/stderr"
status=$?

failed=0
fail() {
  echo "FAIL: $*"
  failed=1
}
if [[ $sorted -eq 1 ]]; then
  sort "$expected" >"$dir/expected"
  sort "$dir/stdout" >"$dir/actual"
else
  cp "$expected" "$dir/expected"
  cp "$dir/stdout" "$dir/actual"
fi
if ! diff -u --label expected --label actual "$dir/expected" "$dir/actual"; then
  fail "stdout differs from $expected (diff above: - expected, + actual)"
fi
if [[ $status -ne $want_status ]]; then
  fail "exit status $status, wanted $want_status"
fi
if [[ ${#stderr_checks[@]} -eq 0 ]]; then
  [[ -s $dir/stderr ]] && fail "stderr is not empty"
else
  for ((i = 0; i < ${#stderr_checks[@]}; i += 2)); do
    want=${stderr_checks[i]}
    pattern=${stderr_checks[i + 1]}
    count=$(grep -cE -- "$pattern" "$dir/stderr")
    if [[ $want == + ]]; then
      [[ $count -ge 1 ]] || fail "no line of stderr matches /$pattern/"
    elif [[ $count -ne $want ]]; then
      fail "$count line(s) of stderr match /$pattern/, wanted $want"
    fi
  done
fi
if [[ $failed -ne 0 ]]; then
  echo "--- command: $tycho run $wasm $*"
  echo "--- stderr:"
  cat "$dir/stderr"
  exit 1
fi
echo "ok: $(wc -l <"$dir/stdout") line(s) as expected, exit status $status"
