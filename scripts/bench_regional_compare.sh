#!/usr/bin/env bash
# Benchmark of issue 15: four funding scenarios x 20 replicates on the England-sized world
# (the default world, city_challenge's Greater Manchester region), compared by region with
# costs. Prints /usr/bin/time for each step and the whole; writes out/bench_compare/.
# Usage: bash scripts/bench_regional_compare.sh [BINARY] [REPLICATES]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$here/build/ci/schoolsim}
reps=${2:-20}
out=$here/out/bench_compare
mkdir -p "$out"
scen=$here/scenarios/city_challenge.yaml
common=(--replicates "$reps" -q --force --set output.per_school=false)
t() { /usr/bin/time -f "%e s elapsed, %U s user, %M KB peak: $*" "$@"; }
uptime
start=$(date +%s.%N)
t "$bin" run "$scen" "${common[@]}" --set 'programmes[0].budget=0' -o "$out/control.h5"
t "$bin" run "$scen" "${common[@]}" --set 'programmes[0].budget=25000000' -o "$out/challenge_25m.h5"
t "$bin" run "$scen" "${common[@]}" -o "$out/challenge_50m.h5"
t "$bin" run "$scen" "${common[@]}" --set 'programmes[0].families=false' -o "$out/pairs_only_50m.h5"
t "$bin" compare "$out/control.h5" "$out/challenge_25m.h5" "$out/challenge_50m.h5" "$out/pairs_only_50m.h5" \
  --labels "control (no money),£25m challenge,£50m challenge,£50m pairs only" --reference "control (no money)" --region programme_0_treated --costs --costs-csv "$out/ce.csv" \
  --markdown "$out/ce.md" --figure "$out/ce.png"
end=$(date +%s.%N)
echo "whole benchmark: $(echo "$end - $start" | bc) s"
uptime
