"""The SLURM test harness leaves nothing running: when a test fails with a job still running,
the job is cancelled and munged, slurmctld and slurmd are stopped."""

import pytest

from slurm_cluster import require_slurm, running_cluster


def alive(pid):
    """Whether a process runs (a zombie, already dead, does not count)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_failing_test_leaves_no_daemon_or_job_running(tmp_path):
    require_slurm()
    job_pid_file = tmp_path / "job.pid"
    script = tmp_path / "job.sh"
    script.write_text(f"#!/bin/bash\necho $$ > {job_pid_file}.tmp && mv {job_pid_file}.tmp {job_pid_file}\n"
                      "exec sleep 600\n")
    daemons = []
    with pytest.raises(AssertionError, match="fails on purpose"):
        with running_cluster(tmp_path / "cluster") as cluster:
            daemons = [p.pid for p in cluster.processes.values()]
            job = cluster.sbatch("--output=/dev/null", script, cwd=tmp_path)
            cluster.wait_for(job_pid_file.exists, "the job to start", lambda: cluster.jobs(job))
            assert alive(int(job_pid_file.read_text()))
            raise AssertionError("fails on purpose")
    assert len(daemons) == 3
    for pid in daemons + [int(job_pid_file.read_text())]:
        assert not alive(pid), pid
