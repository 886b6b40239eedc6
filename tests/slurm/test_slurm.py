"""The SLURM scripts of scripts/slurm/ (the files docs/cluster.md shows) submitted to a real
one-node SLURM cluster (slurm_cluster.py): the array + merge chain, a cancelled and a requeued
array task, the MPI job and a merge with a missing part all give exactly the data of a
single-process sweep of the same spec (every array compared), and a job asking for less memory
than the sweep's estimate is refused before it runs."""

import re
import shutil

import h5py
import pytest
import xarray as xr

from cluster_support import MPI_ENV, SMALL_RUNS, SMALL_SWEEP, assert_same_data, require_mpi
from engine_support import REPO, schoolsim_binary
from sweep_support import journal_frames

SCRIPTS = REPO / "scripts" / "slurm"
PARTS = 3
BLOCKS = [list(range(6 * k, 6 * k + 6)) for k in range(PARTS)]  # 18 runs in 3 parts


@pytest.fixture(scope="module")
def spec(tmp_path_factory):
    path = tmp_path_factory.mktemp("spec") / "small.yaml"
    path.write_text(SMALL_SWEEP)
    return path


@pytest.fixture(scope="module")
def reference(tmp_path_factory, schoolsim, spec):
    """The small sweep in one process, outside SLURM."""
    out = tmp_path_factory.mktemp("reference") / "single.h5"
    schoolsim("sweep", spec, "-o", out, "-q", check=True)
    return out


@pytest.fixture(scope="module")
def job_env():
    """What the jobs inherit (sbatch exports the submitting environment): the binary."""
    return {"SCHOOLSIM": str(schoolsim_binary())}


def submit_part(cluster, tasks, spec, folder, env, *options):
    """sbatch --array=TASKS sweep_array.sbatch SPEC folder/parts 3, one CPU and 500 MB per task."""
    return cluster.sbatch(f"--array={tasks}", "--cpus-per-task=1", "--mem=500M", f"--output={folder}/part-%a.log",
                          *options,
                          SCRIPTS / "sweep_array.sbatch", spec, folder / "parts", PARTS, cwd=folder, env=env)


def submit_merge(cluster, folder, env, *options):
    return cluster.sbatch(f"--output={folder}/merge-%j.log", *options, SCRIPTS / "sweep_merge.sbatch",
                          folder / "parts", folder / "sweep.h5", cwd=folder, env=env)


def run_ids(path):
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        return ds["run"].values.tolist()


def part_file(folder, k):
    return folder / "parts" / f"part-{k}.h5"


def wait_for_journal(cluster, folder, k, records, job):
    """Waits until part k's journal holds ``records`` runs (the hold hook keeps it there)."""
    cluster.wait_for(lambda: len(journal_frames(part_file(folder, k))) >= records,
                     f"{records} journalled runs of part {k}", lambda: cluster.jobs(job))


@pytest.fixture(scope="module")
def chain(cluster, spec, job_env, tmp_path_factory):
    """scripts/slurm/submit.sh: the array of 3 parts and the merge job after it."""
    folder = tmp_path_factory.mktemp("chain")
    result = cluster.run(SCRIPTS / "submit.sh", "--cpus-per-task", 1, "--mem", "500M", spec, PARTS, folder / "out",
                         cwd=folder, env=job_env)
    array, merge = result.stdout.split()
    tasks = cluster.wait(array)
    merged = cluster.wait(merge)
    return folder / "out", result.stderr, tasks, merged


def test_array_and_merge_chain_gives_the_single_process_file(chain, reference, cluster):
    out, messages, tasks, merged = chain
    assert sorted(t["ArrayTaskId"] for t in tasks.values()) == ["0", "1", "2"]
    assert {t["JobState"] for t in tasks.values()} == {"COMPLETED"}, tasks
    # The merge waited for the array: it depends on it and started after every task ended.
    (merge,) = merged.values()
    assert merge["JobState"] == "COMPLETED", (out / "logs" / "merge.log").read_text()
    assert max(t["EndTime"] for t in tasks.values()) <= merge["StartTime"]
    assert re.search(r"memory estimate of one part: \d+ MB: program", messages), messages
    for k in range(PARTS):  # each task wrote its contiguous block, with its CPUs as threads
        part = out / "parts" / f"part-{k}.h5"
        assert run_ids(part) == BLOCKS[k]
        with h5py.File(part, "r") as f:
            history = f.attrs["history"]
        history = history.decode() if isinstance(history, bytes) else history
        assert f"--shard {k}/{PARTS} -o {part} --threads 1 --resume" in history, history
    assert_same_data(reference, out / "sweep.h5")
    assert "MISSING" not in (out / "sweep.h5.info").read_text()


def test_a_cancelled_task_resumes_from_its_journal(cluster, spec, reference, job_env, tmp_path):
    # Every task holds after journalling its first run (test hook) until the hold file goes.
    hold = tmp_path / "hold"
    hold.touch()
    array = submit_part(cluster, f"0-{PARTS - 1}", spec, tmp_path, {**job_env, "SCHOOLSIM_TEST_HOLD_FILE": str(hold)})
    for k in range(PARTS):
        wait_for_journal(cluster, tmp_path, k, 1, array)
    cluster.run("scancel", f"{array}_1")
    assert cluster.wait(f"{array}_1")[f"{array}_1"]["JobState"] == "CANCELLED"
    hold.unlink()
    states = cluster.wait(array)
    assert {k: r["JobState"] for k, r in states.items()} == {
        f"{array}_0": "COMPLETED", f"{array}_1": "CANCELLED", f"{array}_2": "COMPLETED"}
    # The cancelled task kept its one journalled run and wrote no part file.
    assert len(journal_frames(part_file(tmp_path, 1))) == 1
    assert not (tmp_path / "parts" / "part-1.h5").exists()
    assert "interrupted" in (tmp_path / "part-1.log").read_text()
    # Resubmitted alone (sbatch --array=1 ... N): it continues its journal.
    again = submit_part(cluster, "1", spec, tmp_path, job_env)
    assert cluster.wait(again)[f"{again}_1"]["JobState"] == "COMPLETED"
    assert "6 runs (0 failed, 1 reused)" in (tmp_path / "part-1.log").read_text()
    assert run_ids(tmp_path / "parts" / "part-1.h5") == BLOCKS[1]
    merge = submit_merge(cluster, tmp_path, job_env)
    assert cluster.wait(merge)[merge]["JobState"] == "COMPLETED"
    assert_same_data(reference, tmp_path / "sweep.h5")


def test_a_requeued_task_neither_duplicates_nor_loses_runs(cluster, spec, reference, job_env, tmp_path):
    hold = tmp_path / "hold"
    hold.touch()
    array = submit_part(cluster, f"0-{PARTS - 1}", spec, tmp_path, {**job_env, "SCHOOLSIM_TEST_HOLD_FILE": str(hold)})
    task = f"{array}_1"
    wait_for_journal(cluster, tmp_path, 1, 1, array)
    cluster.run("scontrol", "requeue", task)
    # SLURM lets a requeued job start again only two minutes after its first run has ended;
    # whenever it waits for that (Reason=BeginTime), let it start now.

    def started_again():
        fields = cluster.jobs(task)[task]
        if fields["Restarts"] == "1" and fields["JobState"] == "PENDING" and fields["Reason"] == "BeginTime":
            cluster.run("scontrol", "update", f"JobId={task}", "StartTime=now")
        return fields["Restarts"] == "1" and len(journal_frames(part_file(tmp_path, 1))) >= 2

    # The second run of the task reuses the journalled run and holds after its next one.
    cluster.wait_for(started_again, "the requeued task to run again", lambda: cluster.jobs(task))
    hold.unlink()
    states = cluster.wait(array)
    assert {r["JobState"] for r in states.values()} == {"COMPLETED"}, states
    assert states[task]["Restarts"] == "1"
    log = (tmp_path / "part-1.log").read_text()  # the requeued run's log replaces the first
    assert "6 runs (0 failed, 1 reused)" in log, log
    for k in range(PARTS):  # every run exactly once in its part
        assert run_ids(tmp_path / "parts" / f"part-{k}.h5") == BLOCKS[k]
    merge = submit_merge(cluster, tmp_path, job_env)
    assert cluster.wait(merge)[merge]["JobState"] == "COMPLETED"
    assert_same_data(reference, tmp_path / "sweep.h5")


def test_mpi_job_on_two_tasks_gives_the_single_process_file(cluster, spec, reference, job_env, tmp_path):
    require_mpi()
    out = tmp_path / "sweep.h5"
    job = cluster.sbatch("--ntasks=2", "--cpus-per-task=1", "--mem-per-cpu=500M", f"--output={tmp_path}/mpi.log",
                         SCRIPTS / "sweep_mpi.sbatch", spec, out, cwd=tmp_path, env={**job_env, **MPI_ENV})
    state = cluster.wait(job)[job]["JobState"]
    log = (tmp_path / "mpi.log").read_text()
    assert state == "COMPLETED", log
    assert f"{SMALL_RUNS} runs (0 failed) on 2 ranks" in log, log
    assert_same_data(reference, out)


def test_merge_with_a_missing_part_fails_naming_it(cluster, chain, reference, job_env, tmp_path):
    parts = tmp_path / "parts"
    parts.mkdir()
    for k in (0, 2):
        shutil.copy(chain[0] / "parts" / f"part-{k}.h5", parts)
    merge = submit_merge(cluster, tmp_path, job_env)
    assert cluster.wait(merge)[merge]["JobState"] == "FAILED"
    log = (tmp_path / f"merge-{merge}.log").read_text()
    assert "6 of 18 runs are in no shard: 6-11 (missing: shard 1 of 3" in log, log
    assert not (tmp_path / "sweep.h5").exists()
    shutil.copy(chain[0] / "parts" / "part-1.h5", parts)
    merge = submit_merge(cluster, tmp_path, job_env)
    assert cluster.wait(merge)[merge]["JobState"] == "COMPLETED"
    assert_same_data(reference, tmp_path / "sweep.h5")


def test_a_part_asking_for_too_little_memory_is_refused_up_front(cluster, spec, schoolsim, job_env, tmp_path):
    dry = schoolsim("sweep", spec, "--dry-run", "--shard", f"0/{PARTS}", "--threads", 1)
    estimate = re.search(r"schoolsim: memory estimate: (\d+ MB: [^(]*) \(6 runs, 1 thread per process\)", dry.stderr)
    assert estimate, dry.stderr
    needed_mb = int(estimate.group(1).split()[0])
    array = submit_part(cluster, "0", spec, tmp_path, job_env, f"--mem={needed_mb // 2}M")
    task = cluster.wait(array)[f"{array}_0"]
    assert (task["JobState"], task["ExitCode"]) == ("FAILED", "2:0")
    log = (tmp_path / "part-0.log").read_text()
    assert f"this sweep would need about {estimate.group(1)}; but" in log, log
    assert "(SLURM_MEM_PER_NODE, the job's --mem)" in log, log
    # Refused before anything ran: no journal, no part.
    assert not (tmp_path / "parts" / "part-0.h5.parts").exists()
    assert not (tmp_path / "parts" / "part-0.h5").exists()
