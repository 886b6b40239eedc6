"""Sweeps across processes (docs/cluster.md): `mpirun -n N schoolsim sweep` and
`schoolsim sweep --shard K/N` + `schoolsim merge` give exactly the data of one process; the
master file joins the shards with HDF5 virtual datasets that xarray, h5py and ncdump read;
a missing shard is reported, not shown as fill values."""

import os
import shutil
import subprocess
import sys

import h5py
import numpy as np
import pytest
import xarray as xr

from cluster_support import (FAILING_SWEEP, SMALL_RUNS, SMALL_SWEEP, assert_same_data, mpirun,
                             require_mpi)
from engine_support import REPO


@pytest.fixture(scope="module")
def spec(tmp_path_factory):
    path = tmp_path_factory.mktemp("spec") / "small.yaml"
    path.write_text(SMALL_SWEEP)
    return path


@pytest.fixture(scope="module")
def reference(tmp_path_factory, schoolsim, spec):
    """The small sweep in one process."""
    out = tmp_path_factory.mktemp("reference") / "single.h5"
    schoolsim("sweep", spec, "-o", out, "-q", check=True)
    return out


@pytest.fixture(scope="module")
def sharded(tmp_path_factory, schoolsim, spec):
    """The small sweep as three `--shard K/N` files (as a SLURM job array writes them)."""
    folder = tmp_path_factory.mktemp("array")
    (folder / "parts").mkdir()
    for k in range(3):
        result = schoolsim("sweep", spec, "--shard", f"{k}/3", "-o", folder / "parts" / f"part-{k}.h5", "-q")
        assert result.returncode == 0, result.stderr
    return folder


@pytest.mark.parametrize("ranks", [1, 2, 3])
def test_mpirun_gives_the_single_process_data(reference, spec, tmp_path, schoolsim, ranks):
    out = tmp_path / "sweep.h5"
    result = mpirun(ranks, "sweep", spec, "-o", out, "--threads", 1)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{SMALL_RUNS} runs (0 failed) on {ranks} rank" in result.stderr
    assert_same_data(reference, out)
    # The layout: a master beside OUT.h5.shards/shard-K.h5, no journals left.
    assert not (tmp_path / "sweep.h5.parts").exists()
    shards = sorted((tmp_path / "sweep.h5.shards").iterdir())
    assert 1 <= len(shards) <= ranks
    with h5py.File(out, "r") as f:
        listed = f.attrs["shard_files"]
        listed = (listed.decode() if isinstance(listed, bytes) else listed).splitlines()
        assert listed == [f"sweep.h5.shards/{p.name}" for p in shards]
        assert f["attainment_mean"].is_virtual and f["school_expertise"].is_virtual
        assert f["event_members"].is_virtual and not f["replicate"].is_virtual
    runs = []
    for path in shards:  # each shard is a complete sweep file of the runs its rank computed
        with xr.open_dataset(path, engine="h5netcdf") as ds:
            ids = ds["run"].values.tolist()
            assert ids == sorted(ids) and ds.attrs["shard_count"] >= len(shards)
            assert set(np.unique(ds["event_run"].values)) <= set(ids)
            runs += ids
    assert sorted(runs) == list(range(SMALL_RUNS))
    info = schoolsim("info", out)
    assert info.returncode == 0, info.stderr
    assert "sweep master file joining" in info.stdout and "MISSING" not in info.stdout


def test_shards_and_merge_give_the_single_process_data(reference, sharded, schoolsim):
    parts = [sharded / "parts" / f"part-{k}.h5" for k in (2, 0, 1)]  # any order
    for k, part in enumerate(sorted(parts)):
        with xr.open_dataset(part, engine="h5netcdf") as ds:  # contiguous blocks: 6 runs each
            assert ds["run"].values.tolist() == list(range(6 * k, 6 * k + 6))
            assert (ds.attrs["shard_index"], ds.attrs["shard_count"]) == (k, 3)
    master, copy = sharded / "sweep.h5", sharded / "copy.h5"
    result = schoolsim("merge", *parts, "-o", master)
    assert result.returncode == 0, result.stderr
    assert_same_data(reference, master)
    result = schoolsim("merge", *parts, "-o", copy, "--copy", "-q")
    assert result.returncode == 0, result.stderr
    assert_same_data(reference, copy)
    with h5py.File(copy, "r") as f:  # self-contained: no virtual datasets, no shard list
        assert "shard_files" not in f.attrs
        assert not any(obj.is_virtual for obj in f.values())
    # An existing output needs --force.
    again = schoolsim("merge", *parts, "-o", master)
    assert again.returncode == 2 and "--force" in again.stderr
    assert schoolsim("merge", *parts, "-o", master, "--force", "-q").returncode == 0


def test_merge_refuses_incomplete_or_foreign_shards(sharded, schoolsim, tmp_path):
    parts = sharded / "parts"
    result = schoolsim("merge", parts / "part-0.h5", parts / "part-2.h5", "-o", tmp_path / "x.h5")
    assert result.returncode == 2
    assert "6 of 18 runs are in no shard: 6-11" in result.stderr and "shard 1" in result.stderr
    assert not (tmp_path / "x.h5").exists()
    result = schoolsim("merge", parts / "part-0.h5", parts / "part-0.h5", "-o", tmp_path / "x.h5")
    assert result.returncode == 2 and "are both shard 0" in result.stderr
    other = tmp_path / "other.yaml"
    other.write_text(SMALL_SWEEP.replace("seed: 7", "seed: 8"))
    schoolsim("sweep", other, "--shard", "1/3", "-o", tmp_path / "other-1.h5", "-q", check=True)
    result = schoolsim("merge", parts / "part-0.h5", tmp_path / "other-1.h5", parts / "part-2.h5",
                       "-o", tmp_path / "x.h5")
    assert result.returncode == 2 and "different sweeps" in result.stderr


def test_failed_runs_are_the_same_across_ranks_and_shards(tmp_path, schoolsim):
    spec = tmp_path / "failing.yaml"
    spec.write_text(FAILING_SWEEP)
    single = tmp_path / "single.h5"
    assert schoolsim("sweep", spec, "-o", single, "-q").returncode == 1
    with xr.open_dataset(single, engine="h5netcdf") as ds:
        assert ds["run_status"].values.tolist() == [0, 0, 1, 1, 0, 0]
    result = mpirun(2, "sweep", spec, "-o", tmp_path / "mpi.h5", "-q", "--threads", 1)
    assert result.returncode == 1, result.stderr
    assert "2 of 6 runs failed" in result.stderr
    assert_same_data(single, tmp_path / "mpi.h5")
    parts = []
    for k in range(3):  # shard 1 holds exactly the failed runs; the others have no _FillValue
        parts.append(tmp_path / f"part-{k}.h5")
        status = schoolsim("sweep", spec, "--shard", f"{k}/3", "-o", parts[-1], "-q").returncode
        assert status == (1 if k == 1 else 0)
    assert schoolsim("merge", *parts, "-o", tmp_path / "merged.h5", "-q").returncode == 1
    assert_same_data(single, tmp_path / "merged.h5")
    assert schoolsim("merge", *parts, "-o", tmp_path / "copy.h5", "-q", "--copy").returncode == 1
    assert_same_data(single, tmp_path / "copy.h5")


def test_a_missing_shard_is_reported(reference, spec, tmp_path, schoolsim):
    out = tmp_path / "sweep.h5"
    result = mpirun(2, "sweep", spec, "-o", out, "-q", "--threads", 1)
    assert result.returncode == 0, result.stderr
    shards = sorted((tmp_path / "sweep.h5.shards").iterdir())
    gone = shards[-1]
    gone.rename(tmp_path / "elsewhere.h5")
    info = schoolsim("info", out)
    assert info.returncode == 1
    assert f"sweep.h5.shards/{gone.name}: MISSING" in info.stdout
    assert f"sweep.h5.shards/{gone.name} (MISSING)" in info.stderr
    code = ("import sys, schoolsim\n"
            "try:\n    schoolsim.open_sweep(sys.argv[1])\n"
            "except FileNotFoundError as e:\n    print(e)\n    sys.exit(3)\n")
    loader = subprocess.run([sys.executable, "-c", code, str(out)], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO / "analysis")}, cwd=tmp_path)
    assert loader.returncode == 3, loader.stderr
    assert f"shard 'sweep.h5.shards/{gone.name}'" in loader.stdout
    # Back in place, everything reads again.
    (tmp_path / "elsewhere.h5").rename(gone)
    assert schoolsim("info", out).returncode == 0
    assert_same_data(reference, out)


def test_the_master_and_its_shards_can_move_together(reference, spec, tmp_path, schoolsim):
    require_mpi()
    first = tmp_path / "first"
    first.mkdir()
    result = mpirun(3, "sweep", spec, "-o", first / "sweep.h5", "-q", "--threads", 1)
    assert result.returncode == 0, result.stderr
    moved = tmp_path / "moved"
    first.rename(moved)  # shards are found relative to the master, wherever it is
    code = ("import sys, schoolsim\nds = schoolsim.open_sweep(sys.argv[1])\n"
            "print(ds.sizes['run'], int(ds['run_status'].sum()))\n")
    loader = subprocess.run([sys.executable, "-c", code, str(moved / "sweep.h5")], capture_output=True,
                            text=True, env={**os.environ, "PYTHONPATH": str(REPO / "analysis")}, cwd="/")
    assert loader.returncode == 0, loader.stderr
    assert loader.stdout.split() == [str(SMALL_RUNS), "0"]
    assert_same_data(reference, moved / "sweep.h5")
    if shutil.which("ncdump"):  # netCDF-C (4.9) reads the virtual datasets too
        for name in ("attainment_mean", "event_members", "school_grade"):
            a, b = (subprocess.run(["ncdump", "-v", name, str(path)], capture_output=True, text=True, cwd="/")
                    for path in (reference, moved / "sweep.h5"))
            assert b.returncode == 0, b.stderr
            assert a.stdout.split("data:")[1] == b.stdout.split("data:")[1], name


def test_mpi_sweep_refusals(spec, tmp_path, schoolsim):
    out = tmp_path / "sweep.h5"
    assert mpirun(2, "sweep", spec, "-o", out, "-q").returncode == 0
    again = mpirun(2, "sweep", spec, "-o", out)
    assert again.returncode == 2 and "exists already (use --force" in again.stderr
    assert again.stderr.count("exists already") == 1  # said once, by rank 0
    done = mpirun(2, "sweep", spec, "-o", out, "--resume")
    assert done.returncode == 0 and "already complete" in done.stderr
    forced = mpirun(3, "sweep", spec, "-o", out, "--force", "-q")
    assert forced.returncode == 0, forced.stderr
    assert schoolsim("info", out).returncode == 0
    shard = mpirun(2, "sweep", spec, "--shard", "0/2", "-o", tmp_path / "p.h5")
    assert shard.returncode == 2 and "--shard runs one part per process" in shard.stderr
    bad = schoolsim("sweep", spec, "--shard", "3/3", "-o", tmp_path / "p.h5")
    assert bad.returncode == 2 and "K must be in [0, N-1]" in bad.stderr
