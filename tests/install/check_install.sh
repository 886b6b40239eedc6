#!/usr/bin/env bash
# CTest Install.PackageAndBinary: `cmake --install` into a temporary prefix, then
#  - PREFIX/bin/schoolsim --version prints what the build tree's binary prints;
#  - a CMake project outside the tree (tests/install/consumer) finds the package with
#    find_package(schoolsim), links schoolsim::core, runs three terms and prints the same
#    version string.
# Usage: check_install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 source=$2
prefix=$(mktemp -d "${TMPDIR:-/tmp}/schoolsim-install.XXXXXX")
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
installed=$("$prefix/bin/schoolsim" --version)
built=$("$build/schoolsim" --version)
[[ $installed == "$built" ]] || { echo "installed --version '$installed' differs from '$built'" >&2; exit 1; }
cmake -S "$source/tests/install/consumer" -B "$prefix/consumer-build" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$prefix/consumer-build" >/dev/null
out=$("$prefix/consumer-build/consumer")
echo "$out"
[[ $(head -n 1 <<<"$out") == "$(head -n 1 <<<"$built")" ]] || { echo "consumer's version differs from the binary's" >&2; exit 1; }
grep -Eq '^state hash [0-9a-f]{16}$' <<<"$out" || { echo "consumer printed no state hash" >&2; exit 1; }
echo "install check: ok ($prefix)"
