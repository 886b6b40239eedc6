#!/usr/bin/env bash
# Installs dependencies, builds schoolsim with warnings as errors, and runs every test:
# the C++ suite through CTest, then the Python suite (output contract + analysis package),
# then the SLURM tests (tests/slurm: a real one-node SLURM cluster), the browser tests of
# `schoolsim view` (tests/browser: headless chromium driven by puppeteer-core from npm), and
# the hardening steps (docs/hardening.md): a short fuzzing run of every libFuzzer target
# (scripts/fuzz.sh) and the C++ suite under ASan+UBSan and TSan (scripts/sanitizers.sh).
# SCHOOLSIM_TEST_FUZZ=0, SCHOOLSIM_TEST_SANITIZERS=0, SCHOOLSIM_TEST_SLURM=0 or
# SCHOOLSIM_TEST_BROWSER=0 skips one of them for a quick local run; CI runs all.
# Every step prints its wall time, and a table of them closes the run (docs/hardening.md keeps
# the measured figures, so that a slower CI is noticed, not discovered).
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD/analysis${PYTHONPATH:+:$PYTHONPATH}"
jobs=$(nproc)
timings=()

# step NAME COMMAND...: runs one step and records its wall time.
step() {
  local name=$1 start=$SECONDS
  shift
  echo "test_all.sh: == $name"
  "$@"
  timings+=("$(printf '%-20s %5d s' "$name" $((SECONDS - start)))")
  echo "test_all.sh: $name took $((SECONDS - start)) s"
}

step deps bash scripts/install-deps.sh
# Python style (.flake8) and C++ style (.clang-format) first: they take seconds and fail
# before the long steps.
step flake8 /usr/bin/python3 -m flake8 analysis tests scripts
step clang-format bash scripts/check_format.sh
step build bash -c "cmake --preset ci >/dev/null && cmake --build --preset ci -j $jobs"
step ctest ctest --test-dir build/ci --output-on-failure -j "$jobs"
export SCHOOLSIM_BIN="$PWD/build/ci/schoolsim"
step pytest /usr/bin/python3 -m pytest -q -n "$jobs" tests/python analysis/tests
# The SLURM scripts submitted to a real one-node SLURM cluster (docs/cluster.md "Testing").
if [[ ${SCHOOLSIM_TEST_SLURM:-1} != 0 ]]; then
  step slurm-install bash scripts/install-slurm.sh
  step slurm /usr/bin/python3 -m pytest -q tests/slurm
fi
if [[ ${SCHOOLSIM_TEST_BROWSER:-1} != 0 ]]; then
  step browser-install bash -c "cd tests/browser && npm ci --no-audit --no-fund"
  step browser /usr/bin/python3 -m pytest -q tests/browser
fi
if [[ ${SCHOOLSIM_TEST_FUZZ:-1} != 0 ]]; then
  step fuzz bash scripts/fuzz.sh --runs "${SCHOOLSIM_FUZZ_RUNS:-2000}"
fi
if [[ ${SCHOOLSIM_TEST_SANITIZERS:-1} != 0 ]]; then
  step asan bash scripts/sanitizers.sh asan
  step tsan bash scripts/sanitizers.sh tsan
fi
echo "test_all.sh: all tests passed; wall time per step:"
printf '  %s\n' "${timings[@]}"
printf "  %-20s %5d s\n" total "$SECONDS"
