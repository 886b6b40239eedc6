#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz, Clang, ASan + UBSan) and runs each one:
#   scripts/fuzz.sh                 2000 inputs per target, fixed seed (the CI step, ~1 min)
#   scripts/fuzz.sh --runs N        N inputs per target
#   scripts/fuzz.sh SECONDS         SECONDS per target, random seed (a long run, e.g. 3600)
#   scripts/fuzz.sh ... TARGET...   only these targets (scenario_yaml set_override sweep_spec register_csv)
# Each target first replays its regression inputs (tests/fuzz/regressions/TARGET/, every crash
# found so far), then mutates the seed corpus (tests/fuzz/corpus/TARGET/, never modified; new
# inputs go to build/fuzz/corpus/TARGET/, kept between runs). A crash, leak, sanitizer report,
# timeout (10 s per input) or memory blow-up (2 GB) stops the script with status 1 and leaves
# the input in build/fuzz/artifacts/TARGET/; see docs/hardening.md for what to do with it.
# Environment: SCHOOLSIM_FUZZ_BUILD (build folder, default build/fuzz), SCHOOLSIM_FUZZ_SEED
# (default 1 for --runs, random for SECONDS), SCHOOLSIM_FUZZ_JOBS (parallel build jobs).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

runs=2000 seconds="" targets=()
while (($#)); do
  case $1 in
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    --runs=*) runs=${1#--runs=}; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    [0-9]*) seconds=$1; shift ;;
    *) targets+=("$1"); shift ;;
  esac
done
((${#targets[@]})) || targets=(scenario_yaml set_override sweep_spec register_csv)

build=${SCHOOLSIM_FUZZ_BUILD:-$root/build/fuzz}
command -v clang++ >/dev/null || { echo "fuzz.sh: clang++ not found (scripts/install-deps.sh installs clang)" >&2; exit 2; }
start=$(date +%s)
cmake --preset fuzz -B "$build" >/dev/null
cmake --build "$build" --target fuzz_targets -j "${SCHOOLSIM_FUZZ_JOBS:-$(nproc)}"
echo "fuzz.sh: built in $(($(date +%s) - start)) s"

if [[ -n $seconds ]]; then
  budget=(-max_total_time="$seconds") seed=${SCHOOLSIM_FUZZ_SEED:-0}
else
  budget=(-runs="$runs") seed=${SCHOOLSIM_FUZZ_SEED:-1}
fi
# Leaks are findings; UBSan already aborts (-fno-sanitize-recover); no core files.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:disable_coredump=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

status=0
for t in "${targets[@]}"; do
  bin=$build/tests/fuzz/fuzz_$t
  [[ -x $bin ]] || { echo "fuzz.sh: no target fuzz_$t" >&2; exit 2; }
  seeds=$root/tests/fuzz/corpus/$t regressions=$root/tests/fuzz/regressions/$t
  work=$build/corpus/$t artifacts=$build/artifacts/$t
  mkdir -p "$work" "$artifacts"
  options=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 -artifact_prefix="$artifacts/" -print_final_stats=0)
  t0=$(date +%s)
  if [[ -d $regressions ]] && compgen -G "$regressions/*" >/dev/null; then
    if ! "$bin" "${options[@]}" "$regressions"/* >"$build/fuzz_$t.replay.log" 2>&1; then
      echo "fuzz.sh: $t: a regression input fails again; log: $build/fuzz_$t.replay.log" >&2
      tail -n 30 "$build/fuzz_$t.replay.log" >&2
      status=1
      continue
    fi
  fi
  if "$bin" "${options[@]}" "${budget[@]}" -seed="$seed" "$work" "$seeds" >"$build/fuzz_$t.log" 2>&1; then
    echo "fuzz.sh: $t: $(grep -Eo 'Done [0-9]+ runs' "$build/fuzz_$t.log" || echo done), $(($(date +%s) - t0)) s, corpus $(find "$work" -type f | wc -l) inputs"
  else
    status=1
    echo "fuzz.sh: $t: FOUND A PROBLEM (log: $build/fuzz_$t.log)" >&2
    grep -E 'ERROR|SUMMARY|Test unit written|invariant|does not' "$build/fuzz_$t.log" | head -n 20 >&2 || true
    echo "fuzz.sh: reproduce with: $bin <artifact>; then add the input to tests/fuzz/regressions/$t/" >&2
  fi
done
echo "fuzz.sh: total $(($(date +%s) - start)) s"
exit $status
