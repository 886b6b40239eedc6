#!/usr/bin/env bash
# Checks that every tracked C/C++ file is formatted by .clang-format (Debian's clang-format 14).
#   scripts/check_format.sh          fails and lists the files that differ
#   scripts/check_format.sh --fix    formats them in place
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h' '*.c' '*.cc')
if [[ ${1:-} == --fix ]]; then
  clang-format -i "${files[@]}"
  exit 0
fi
if ! clang-format --dry-run --Werror "${files[@]}" 2>/tmp/check_format.$$; then
  grep -o '^[^:]*:[0-9]*:[0-9]*: error' /tmp/check_format.$$ | cut -d: -f1 | sort -u | sed 's/^/  not formatted: /' >&2
  rm -f /tmp/check_format.$$
  echo "check_format.sh: run 'scripts/check_format.sh --fix' (clang-format $(clang-format --version | grep -o '[0-9][0-9.]*' | head -1))" >&2
  exit 1
fi
rm -f /tmp/check_format.$$
