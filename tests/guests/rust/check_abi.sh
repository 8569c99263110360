#!/usr/bin/env bash
# Checks the ABI a Rust guest shows the host, read from the module with wasm-objdump:
#   check_abi.sh WASM [export|import]=MODULE.NAME=SIGNATURE...
# e.g. export=_lunatic_catch_trap="(i32, i32) -> i32" or
#      import=lunatic::distributed.node_id="() -> i64" (signatures as wasm-objdump prints them).
set -euo pipefail
wasm=$1
shift
dump=$(wasm-objdump -x "$wasm")

# The signature of type index $1.
type_of() { sed -n "s/^ - type\[$1\] //p" <<<"$dump"; }

failed=0
for check in "$@"; do
  kind=${check%%=*}
  rest=${check#*=}
  name=${rest%=*}
  want=${rest##*=}
  case $kind in
    export)
      func=$(grep -F -- "-> \"$name\"" <<<"$dump" | sed -n 's/^ - func\[\([0-9]*\)\].*/\1/p' | head -n 1)
      sig=""
      [ -n "$func" ] && sig=$(grep -E "^ - func\[$func\] sig=" <<<"$dump" | sed -n 's/.* sig=\([0-9]*\).*/\1/p' | head -n 1)
      ;;
    import)
      sig=$(grep -F -- "<- $name" <<<"$dump" | sed -n 's/.* sig=\([0-9]*\).*/\1/p' | head -n 1)
      ;;
    *) echo "bad check '$check'"; exit 2 ;;
  esac
  if [ -z "$sig" ]; then
    echo "$kind $name: missing"
    failed=1
    continue
  fi
  got=$(type_of "$sig")
  if [ "$got" != "$want" ]; then
    echo "$kind $name: type $got, wanted $want"
    failed=1
  else
    echo "$kind $name: $got"
  fi
done
exit $failed
