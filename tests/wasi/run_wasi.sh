#!/usr/bin/env bash
# Runs one WASI guest and compares what it did with what the test expects:
#   run_wasi.sh [options] -- COMMAND [ARGS...]
#   --expected FILE        standard output must equal FILE exactly (a diff is shown if not)
#   --status N             the exit status wanted (default 0)
#   --scratch DIR          the test's scratch directory (prepare_scratch.sh): DIR/outside
#                          must be unchanged afterwards and its secret never printed
#   --stdin FILE           standard input is FILE itself (a regular file)
#   --stdin-pipe FILE      standard input is a pipe that FILE's content is written into
#   --feed-after LINE FILE standard input is a pipe that stays empty until the guest has
#                          printed LINE (a line of its own on stdout), then gets FILE
#   --stderr-contains TEXT standard error must contain TEXT
#   --background SCRIPT    runs SCRIPT in the scratch directory while the guest runs; the
#                          guest starts once SCRIPT has created the file "background.ready"
# Without a --stdin option standard input is /dev/null. Standard output always reaches the
# guest through a pipe; standard error is a regular file.
set -u
expected=""
want_status=0
scratch=""
stdin_mode=none
stdin_file=""
feed_line=""
stderr_text=""
background=""
while [ $# -gt 0 ]; do
  case $1 in
    --expected) expected=$2; shift 2 ;;
    --status) want_status=$2; shift 2 ;;
    --scratch) scratch=$2; shift 2 ;;
    --stdin) stdin_mode=file; stdin_file=$2; shift 2 ;;
    --stdin-pipe) stdin_mode=pipe; stdin_file=$2; shift 2 ;;
    --feed-after) stdin_mode=feed; feed_line=$2; stdin_file=$3; shift 3 ;;
    --stderr-contains) stderr_text=$2; shift 2 ;;
    --background) background=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "run_wasi: unknown option $1" >&2; exit 2 ;;
  esac
done
[ $# -gt 0 ] || { echo "run_wasi: no command given" >&2; exit 2; }

out=$(mktemp)
err=$(mktemp)
background_pid=""
cleanup() {
  [ -n "$background_pid" ] && kill "$background_pid" 2>/dev/null && wait "$background_pid" 2>/dev/null
  rm -f "$out" "$err"
}
trap cleanup EXIT

# What the outside directory holds: every entry with its type and link target, and the
# checksum of every file.
snapshot() {
  (cd "$scratch/outside" && find . -printf '%y %p %l\n' | sort && find . -type f -exec md5sum {} + | sort)
}
[ -n "$scratch" ] && before=$(snapshot)

if [ -n "$background" ]; then
  (cd "$scratch" && exec bash "$background") &
  background_pid=$!
  for _ in $(seq 1000); do
    [ -e "$scratch/background.ready" ] && break
    sleep 0.01
  done
  [ -e "$scratch/background.ready" ] || { echo "run_wasi: $background did not get ready"; exit 1; }
fi

# Writes $stdin_file once the guest has printed $feed_line (waiting at most 30 s).
feed_when_asked() {
  for _ in $(seq 3000); do
    grep -qxF -- "$feed_line" "$out" && break
    sleep 0.01
  done
  cat "$stdin_file"
}

case $stdin_mode in
  none) "$@" </dev/null 2>"$err" | cat >"$out"; status=${PIPESTATUS[0]} ;;
  file) "$@" <"$stdin_file" 2>"$err" | cat >"$out"; status=${PIPESTATUS[0]} ;;
  pipe) cat "$stdin_file" | "$@" 2>"$err" | cat >"$out"; status=${PIPESTATUS[1]} ;;
  feed) feed_when_asked | "$@" 2>"$err" | cat >"$out"; status=${PIPESTATUS[1]} ;;
esac

failed=0
fail() {
  echo "run_wasi: $*"
  failed=1
}
if [ "$status" -ne "$want_status" ]; then
  fail "exit status $status, wanted $want_status"
fi
if [ -n "$expected" ] && ! diff -u --label expected --label stdout "$expected" "$out"; then
  fail "standard output differs from $expected (diff above)"
fi
if [ -n "$stderr_text" ] && ! grep -qF -- "$stderr_text" "$err"; then
  fail "standard error does not contain '$stderr_text'"
fi
if [ -n "$scratch" ]; then
  grep -q OUTSIDE-SECRET "$out" "$err" && fail "the outside secret was printed"
  after=$(snapshot)
  if [ "$before" != "$after" ]; then
    fail "the outside directory changed:"
    diff <(echo "$before") <(echo "$after")
  fi
fi
if [ $failed -ne 0 ]; then
  echo "--- stdout:"; cat "$out"
  echo "--- stderr:"; cat "$err"
  exit 1
fi
echo "exit status $status and standard output as expected"
echo "--- stdout:"; cat "$out"
echo "--- stderr:"; cat "$err"
