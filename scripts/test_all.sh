#!/usr/bin/env bash
# Installs dependencies, builds schoolsim with warnings as errors, and runs every test:
# the C++ suite through CTest, then the Python suite (output contract + analysis package).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset ci >/dev/null
cmake --build --preset ci -j "$(nproc)"
ctest --test-dir build/ci --output-on-failure -j "$(nproc)"
export SCHOOLSIM_BIN="$PWD/build/ci/schoolsim"
PYTHONPATH="$PWD/analysis${PYTHONPATH:+:$PYTHONPATH}" /usr/bin/python3 -m pytest -q tests/python analysis/tests
