#!/bin/bash
# Submits a sweep to SLURM as a job array of N parts and a merge job that starts once every
# part has succeeded; prints the memory estimate of one part and the two job ids
# (docs/cluster.md "SLURM scripts").
#   scripts/slurm/submit.sh [--cpus-per-task C] [--mem SIZE] SWEEP.yaml N OUT_DIR
# writes OUT_DIR/parts/part-K.h5 (K = 0..N-1), OUT_DIR/sweep.h5 and the logs in OUT_DIR/logs/.
# stdout: "ARRAY_JOB_ID MERGE_JOB_ID"; the rest goes to stderr. Each part gets C CPUs (its
# threads) and SIZE memory (sbatch --mem), by default those of sweep_array.sbatch; sbatch's
# variables add what a cluster needs (SBATCH_PARTITION, SBATCH_ACCOUNT, SBATCH_TIMELIMIT).
# SCHOOLSIM names the binary (default: schoolsim on PATH).
set -euo pipefail
usage="usage: submit.sh [--cpus-per-task C] [--mem SIZE] SWEEP.yaml N OUT_DIR"
part_options=()
cpus=""
while (($#)); do
  case $1 in
    --cpus-per-task) cpus=${2:?$usage}; part_options+=("--cpus-per-task=$2"); shift 2 ;;
    --mem) part_options+=("--mem=${2:?$usage}"); shift 2 ;;
    -*) echo "submit.sh: unknown option '$1'; $usage" >&2; exit 2 ;;
    *) break ;;
  esac
done
spec=${1:?$usage}
count=${2:?$usage}
out=${3:?$usage}
[[ $count =~ ^[1-9][0-9]*$ ]] || { echo "submit.sh: N must be a positive whole number, not '$count'" >&2; exit 2; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
schoolsim=${SCHOOLSIM:-schoolsim}
mkdir -p "$out/parts" "$out/logs"

# What one part needs (the largest, part 0) on the CPUs it will be given: set --mem above it.
[[ -n $cpus ]] || cpus=$(sed -n 's/^#SBATCH --cpus-per-task=\([0-9]*\).*/\1/p' "$here/sweep_array.sbatch")
"$schoolsim" sweep "$spec" --dry-run --shard "0/$count" --threads "$cpus" 2>&1 >/dev/null |
    sed 's/^schoolsim: memory estimate: /submit.sh: memory estimate of one part: /' >&2

array=$(sbatch --parsable --array="0-$((count - 1))" --output="$out/logs/part-%a.log" "${part_options[@]}" \
    "$here/sweep_array.sbatch" "$spec" "$out/parts" "$count")
array=${array%%;*}
# --kill-on-invalid-dep: if a part fails, the merge is cancelled instead of waiting forever.
merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes \
    --output="$out/logs/merge.log" "$here/sweep_merge.sbatch" "$out/parts" "$out/sweep.h5")
merge=${merge%%;*}
echo "submit.sh: array job $array (parts 0-$((count - 1)) of $count -> $out/parts), merge job $merge (after every part succeeded -> $out/sweep.h5)" >&2
echo "$array $merge"
