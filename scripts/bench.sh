#!/usr/bin/env bash
# Builds the release benchmarks and runs them, writing JSON to out/bench/.
#   bash scripts/bench.sh            # 2,000- and 20,000-school worlds (a few minutes)
#   bash scripts/bench.sh --large    # also 200,000 and 1,000,000 schools (long; needs ~GBs)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target schoolsim_bench
mkdir -p out/bench
filter='BM_Run/|BM_WorldBuild/schools:(2000|20214)/|BM_WriteRunFile|BM_Sweep'
[[ ${1:-} == --large ]] && filter='.'
stamp=$(date -u +%Y%m%dT%H%M%SZ)
./build/release/tests/bench/schoolsim_bench --benchmark_filter="$filter" --benchmark_repetitions=1 \
  --benchmark_out="out/bench/bench-$stamp.json" --benchmark_out_format=json
echo "JSON: out/bench/bench-$stamp.json"
