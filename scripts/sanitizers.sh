#!/usr/bin/env bash
# Builds and runs the whole C++ suite (CTest) under the sanitizers of CMakePresets.json, then
# the command-line hardening tests (tests/python/test_bad_input.py, test_nothing_lost.py)
# against the sanitized schoolsim binary:
#   scripts/sanitizers.sh              asan (AddressSanitizer + UBSan, LeakSanitizer) and tsan
#   scripts/sanitizers.sh asan|tsan    one of them
# Any report fails the run (halt_on_error). TSan suppressions, each with its reason:
# tests/tsan.supp (ASan, UBSan and LeakSanitizer need none). Build folders: build/asan and
# build/tsan (SCHOOLSIM_SANITIZER_BUILD_ROOT puts them elsewhere). Results and timings:
# docs/hardening.md.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
kinds=("$@")
((${#kinds[@]})) || kinds=(asan tsan)
jobs=${SCHOOLSIM_SANITIZER_JOBS:-$(nproc)}
builds=${SCHOOLSIM_SANITIZER_BUILD_ROOT:-$root/build}

# UBSan (GCC) recovers by default: halt so that a report fails the test.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:disable_coredump=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-suppressions=$root/tests/tsan.supp:halt_on_error=1:second_deadlock_stack=1:history_size=7}

for kind in "${kinds[@]}"; do
  case $kind in asan|tsan) ;; *) echo "sanitizers.sh: unknown sanitizer '$kind' (asan or tsan)" >&2; exit 2 ;; esac
  build=$builds/$kind
  start=$(date +%s)
  cmake --preset "$kind" -B "$build" -DSCHOOLSIM_BUILD_BENCHMARKS=OFF >/dev/null
  cmake --build "$build" -j "$jobs"
  if [[ $kind == tsan ]]; then
    # TSan cannot see oneTBB's synchronisation (libtbb is not instrumented); this ITT collector
    # turns TBB's own notifications into happens-before edges (tests/tsan/tbb_itt_tsan.c).
    cc -shared -fPIC -O1 -o "$build/libtbb_itt_tsan.so" tests/tsan/tbb_itt_tsan.c
    export INTEL_LIBITTNOTIFY64=$build/libtbb_itt_tsan.so INTEL_ITTNOTIFY_GROUPS=sync
  fi
  built=$(date +%s)
  ctest --test-dir "$build" --output-on-failure -j "$jobs" --timeout 1200 -LE install
  tested=$(date +%s)
  # Sanitized binaries run 5-15 times slower: the tests' hang guards are scaled to match.
  SCHOOLSIM_BIN=$build/schoolsim SCHOOLSIM_TEST_TIMEOUT_SCALE=${SCHOOLSIM_TEST_TIMEOUT_SCALE:-8} PYTHONPATH="$root/analysis${PYTHONPATH:+:$PYTHONPATH}" \
    /usr/bin/python3 -m pytest -q -n "$jobs" -p no:cacheprovider tests/python/test_bad_input.py tests/python/test_nothing_lost.py
  echo "sanitizers.sh: $kind: build $((built - start)) s, C++ suite $((tested - built)) s, CLI tests $(($(date +%s) - tested)) s"
done
