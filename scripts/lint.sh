#!/usr/bin/env bash
# Format check (clang-format-19) of all the project's C and C++ code, guests included, and
# static checks (clang-tidy-19, see .clang-tidy) of src/. Installs the two tools if they are
# missing. Exits non-zero on findings.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
cd "$root"

for tool in clang-format-19 clang-tidy-19; do
  command -v "$tool" >/dev/null && continue
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$tool"
done

mapfile -t sources < <(git ls-files '*.cpp' '*.hpp' '*.c' '*.h')
clang-format-19 --dry-run -Werror "${sources[@]}"

[ -f "$build/compile_commands.json" ] || "$root/scripts/build.sh"
mapfile -t units < <(git ls-files 'src/*.cpp' | grep -v '_test\.cpp$')
status=0
for unit in "${units[@]}"; do
  out=$(clang-tidy-19 -p "$build" --quiet "$unit" 2>/dev/null) || status=1
  if grep -q "warning:" <<<"$out"; then
    echo "$out"
    status=1
  fi
done
[ $status -eq 0 ] && echo "lint: clean (${#sources[@]} files formatted, ${#units[@]} units checked)"
exit $status
