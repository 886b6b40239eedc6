"""`schoolsim sweep --dry-run` prints the memory estimate of one process (for its --shard part
and --threads), and a SLURM job's memory (SLURM_MEM_PER_NODE, SLURM_MEM_PER_CPU) below that
estimate is refused before anything runs (docs/cluster.md "Memory")."""

import os
import re
import subprocess

from cluster_support import SMALL_SWEEP
from engine_support import schoolsim_binary

ESTIMATE = re.compile(r"^schoolsim: memory estimate: (\d+) MB: (.*) \((\d+) runs?, (\d+) threads? per process\)$", re.M)


def run(*args, env=None):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLURM_", "SCHOOLSIM_MEMORY"))}
    return subprocess.run([str(schoolsim_binary()), *map(str, args)], capture_output=True, text=True, timeout=120,
                          env={**clean, **(env or {})})


def estimate(result):
    match = ESTIMATE.search(result.stderr)
    assert match, result.stderr
    return int(match.group(1)), match.group(2), int(match.group(3)), int(match.group(4))


def test_dry_run_prints_the_estimate_of_its_part_and_threads(tmp_path):
    spec = tmp_path / "small.yaml"
    spec.write_text(SMALL_SWEEP.replace("n_primary: 160, n_secondary: 40", "n_primary: 16000, n_secondary: 4000"))
    whole = run("sweep", spec, "--dry-run", "--threads", 1)
    assert whole.returncode == 0, whole.stderr
    assert len(whole.stdout.splitlines()) == 1 + 18  # the run table is unchanged on stdout
    mb, parts, runs, threads = estimate(whole)
    assert (runs, threads) == (18, 1) and parts.startswith("program 50 MB")
    part = estimate(run("sweep", spec, "--dry-run", "--shard", "3/4", "--threads", 4))
    assert part[2:] == (4, 4)  # 18 runs in 4 parts: 5, 5, 4, 4
    assert part[0] > mb  # four runs in flight instead of one
    capped = estimate(run("sweep", spec, "--dry-run", "--shard", "3/4", "--threads", 16))
    assert capped[0] == part[0]  # no more runs in flight than the part has runs
    bad = run("sweep", spec, "--dry-run", "--shard", "4/4")
    assert bad.returncode == 2 and "K must be in [0, N-1]" in bad.stderr


def test_a_slurm_job_below_the_estimate_is_refused_up_front(tmp_path):
    spec = tmp_path / "small.yaml"
    spec.write_text(SMALL_SWEEP)
    mb, parts, _, _ = estimate(run("sweep", spec, "--dry-run", "--threads", 2))
    out = tmp_path / "out.h5"
    for env, source in [({"SLURM_MEM_PER_NODE": "20"}, "SLURM_MEM_PER_NODE, the job's --mem"),
                        ({"SLURM_MEM_PER_CPU": "10", "SLURM_CPUS_PER_TASK": "2"},
                         "SLURM_MEM_PER_CPU x SLURM_CPUS_PER_TASK, the job's --mem-per-cpu")]:
        result = run("sweep", spec, "-o", out, "--threads", 2, env=env)
        assert result.returncode == 2, result.stderr
        assert f"this sweep would need about {mb} MB: {parts}; but 21 MB are available ({source})" in result.stderr
        assert not out.exists() and not (tmp_path / "out.h5.parts").exists()
    fits = run("sweep", spec, "-o", out, "--threads", 2, "-q", env={"SLURM_MEM_PER_NODE": str(2 * mb)})
    assert fits.returncode == 0, fits.stderr
    assert out.exists()
