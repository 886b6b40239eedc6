"""Faults in cluster sweeps (docs/cluster.md, "Faults and resume"): a rank that dies loses
only its runs in flight, and `--resume` - with the same or another number of ranks -
completes the sweep with exactly the data of an uninterrupted one; so does a killed
`--shard` part."""

import re
import signal
import subprocess
import time

import pytest

from cluster_support import SMALL_RUNS, SMALL_SWEEP, assert_same_data, mpirun
from engine_support import schoolsim_binary


@pytest.fixture(scope="module")
def spec(tmp_path_factory):
    path = tmp_path_factory.mktemp("spec") / "small.yaml"
    path.write_text(SMALL_SWEEP)
    return path


@pytest.fixture(scope="module")
def reference(tmp_path_factory, schoolsim, spec):
    out = tmp_path_factory.mktemp("reference") / "single.h5"
    schoolsim("sweep", spec, "-o", out, "-q", check=True)
    return out


def records(journal):
    """Whole records ([u64 length][record]) in a journal file."""
    count, at = 0, 0
    data = journal.read_bytes() if journal.exists() else b""
    while at + 8 <= len(data):
        length = int.from_bytes(data[at:at + 8], "little")
        if at + 8 + length > len(data):
            break
        count, at = count + 1, at + 8 + length
    return count


@pytest.mark.parametrize("resume_ranks", [2, 3])
def test_a_killed_rank_loses_only_its_runs_in_flight(reference, spec, tmp_path, resume_ranks):
    out = tmp_path / "sweep.h5"
    # Rank 1 dies by SIGKILL right after journalling its 2nd run, as on a lost node;
    # mpirun then ends the job.
    killed = mpirun(2, "sweep", spec, "-o", out, "-q", "--threads", 1,
                    env={"SCHOOLSIM_TEST_KILL_RANK": "1", "SCHOOLSIM_TEST_KILL_AFTER": "2"})
    assert killed.returncode != 0
    assert not out.exists()
    parts = tmp_path / "sweep.h5.parts"
    assert records(parts / "rank-1" / "runs.journal") == 2
    saved = sum(records(j) for j in parts.glob("rank-*/runs.journal"))
    assert 2 <= saved <= SMALL_RUNS
    # Without --resume the journals are not silently discarded.
    again = mpirun(2, "sweep", spec, "-o", out)
    assert again.returncode == 2 and "use --resume to continue it or --force" in again.stderr
    resumed = mpirun(resume_ranks, "sweep", spec, "-o", out, "--resume", "--threads", 1)
    assert resumed.returncode == 0, resumed.stderr
    summary = rf"{SMALL_RUNS} runs \(0 failed, {saved} reused\) on {resume_ranks} ranks"
    assert re.search(summary, resumed.stderr), resumed.stderr
    assert not parts.exists()
    assert_same_data(reference, out)
    done = mpirun(2, "sweep", spec, "-o", out, "--resume")
    assert done.returncode == 0 and "already complete" in done.stderr


def test_a_killed_shard_resumes(reference, spec, tmp_path, schoolsim):
    paths = [tmp_path / f"part-{k}.h5" for k in range(3)]
    for k in (0, 2):
        schoolsim("sweep", spec, "--shard", f"{k}/3", "-o", paths[k], "-q", check=True)
    # Part 1 on one thread, killed once its journal holds 2 of its 6 runs.
    command = [str(schoolsim_binary()), "sweep", str(spec), "--shard", "1/3", "-o", str(paths[1]),
               "--threads", "1", "-q"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    journal = tmp_path / "part-1.h5.parts" / "runs.journal"
    deadline = time.monotonic() + 60
    while records(journal) < 2 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    if process.returncode == 0:
        pytest.skip("the part finished before the kill landed")
    saved = records(journal)
    # Another part's journal is refused...
    wrong = schoolsim("sweep", spec, "--shard", "2/3", "-o", paths[1], "--resume")
    assert wrong.returncode == 2 and "different sweep" in wrong.stderr
    # ...its own is continued.
    resumed = schoolsim("sweep", spec, "--shard", "1/3", "-o", paths[1], "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert f"{saved} reused" in resumed.stderr or saved == 0
    merged = tmp_path / "sweep.h5"
    assert schoolsim("merge", *paths, "-o", merged, "-q").returncode == 0
    assert_same_data(reference, merged)
    again = schoolsim("sweep", spec, "--shard", "1/3", "-o", paths[1], "--resume")
    assert again.returncode == 0 and "already complete" in again.stderr
