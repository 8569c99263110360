#!/usr/bin/env bash
# The reference at the end of docs/guide-c.md must name everything the SDK's headers offer:
#   check_reference.sh <source dir>
# Public names are the C functions and macros of sdk/c/include/tycho/*.h (not
# tycho_internal_*), the enumerators of their status and message-kind enums, and the
# namespace-level types, concepts, constants and functions of the C++ headers (not detail::).
set -euo pipefail
source_dir=$1
headers="$source_dir/sdk/c/include/tycho"
guide="$source_dir/docs/guide-c.md"

# The C++ headers without their detail namespaces.
cxx_public() {
  awk '/^namespace detail \{/ { skip = 1 } !skip { print } /^} \/\/ namespace detail/ { skip = 0 }' "$headers"/*.hpp
}

names() {
  # C: functions, function-like and constant macros (header guards and internals excluded).
  grep -ohP '^static inline [^(]*?\b\Ktycho_\w+(?=\()' "$headers"/*.h
  grep -ohP '^__attribute__\(\([^)]*export_name[^)]*\)\)\) void \K\w+' "$headers"/*.h
  grep -ohP '^#define \KTYCHO_\w+' "$headers"/*.h | grep -vE '_H$|^TYCHO_WEAK$|^TYCHO_ERROR_TEXT_MAX$'
  grep -ohP '^typedef [^;{(]*?\b\Ktycho_\w+(?=;)|^typedef struct \Ktycho_\w+|^typedef [^(]*\(\*\Ktycho_\w+' "$headers"/*.h
  grep -ohP '^    \KTYCHO_(OK|FAILED|DENIED|NO_PROCESS|CLOSED|TRUNCATED|TIMEOUT|DATA|LINK_DIED|PROCESS_DIED)\b' "$headers"/*.h
  # C++: namespace-level declarations (indented ones are members or in detail).
  cxx_public | grep -oP '^(template <[^>]*> )?(class|struct|enum class|concept) \K\w+'
  cxx_public | grep -oP '^using \K\w+'
  cxx_public | grep -oP '^inline [^(=]*?\b\K\w+(?=( =|\())'
  cxx_public | grep -oP '^(template <[^\n]*> )?\w[\w:<>, ]* \K\w+(?=\()'

}

missing=0
if [[ $(names | sort -u | wc -l) -lt 100 ]]; then
  echo "check_reference.sh found only $(names | sort -u | wc -l) names; has the header layout changed?" >&2
  exit 1
fi
for name in $(names | grep -viE '^tycho_internal_' | grep -vE '^(main|operator)$' | sort -u); do
  case $name in server_call_tag|server_cast_tag|server_stop_tag|default_tag|max_user_tag|HandlesInfo|decode_message) continue ;; esac
  if ! grep -q "\b$name\b" "$guide"; then
    echo "docs/guide-c.md does not mention $name" >&2
    missing=1
  fi
done
exit $missing
