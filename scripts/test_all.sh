#!/usr/bin/env bash
# Installs dependencies, builds schoolsim with warnings as errors, and runs every test:
# the C++ suite through CTest, then the Python suite (output contract + analysis package),
# then the hardening steps (docs/hardening.md): a short fuzzing run of every libFuzzer target
# (scripts/fuzz.sh, about a minute) and the C++ suite under ASan+UBSan and TSan
# (scripts/sanitizers.sh, about 25 minutes on 2 cores). The SLURM tests (tests/slurm: a real
# one-node SLURM cluster) and the browser tests of `schoolsim view` (tests/browser: headless
# chromium driven by puppeteer-core from npm) run after the Python suite. SCHOOLSIM_TEST_FUZZ=0,
# SCHOOLSIM_TEST_SANITIZERS=0, SCHOOLSIM_TEST_SLURM=0 or SCHOOLSIM_TEST_BROWSER=0 skips one of
# them for a quick local run; CI runs all.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset ci >/dev/null
cmake --build --preset ci -j "$(nproc)"
ctest --test-dir build/ci --output-on-failure -j "$(nproc)"
export SCHOOLSIM_BIN="$PWD/build/ci/schoolsim"
PYTHONPATH="$PWD/analysis${PYTHONPATH:+:$PYTHONPATH}" /usr/bin/python3 -m pytest -q tests/python analysis/tests
# The SLURM scripts submitted to a real one-node SLURM cluster (docs/cluster.md "Testing", about a minute).
if [[ ${SCHOOLSIM_TEST_SLURM:-1} != 0 ]]; then
  bash scripts/install-slurm.sh
  PYTHONPATH="$PWD/analysis${PYTHONPATH:+:$PYTHONPATH}" /usr/bin/python3 -m pytest -q tests/slurm
fi
if [[ ${SCHOOLSIM_TEST_BROWSER:-1} != 0 ]]; then
  (cd tests/browser && npm ci --no-audit --no-fund)
  /usr/bin/python3 -m pytest -q tests/browser
fi
if [[ ${SCHOOLSIM_TEST_FUZZ:-1} != 0 ]]; then bash scripts/fuzz.sh --runs "${SCHOOLSIM_FUZZ_RUNS:-2000}"; fi
if [[ ${SCHOOLSIM_TEST_SANITIZERS:-1} != 0 ]]; then bash scripts/sanitizers.sh; fi
