#!/usr/bin/env bash
# Installs dependencies, builds schoolsim (release), runs the default scenarios on the
# England-sized synthetic world and plots their attainment trajectories. Results in out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"
mkdir -p out
./build/release/schoolsim run scenarios/baseline.yaml -o out/baseline.h5 --force
