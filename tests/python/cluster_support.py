"""Helpers of the cluster tests (test_cluster*.py): a small sweep, mpirun, exact comparison
of sweep files (single, sharded master, merged copy)."""

import os
import shutil
import subprocess

import numpy as np
import pytest
import xarray as xr

from engine_support import REPO, schoolsim_binary
from sweep_support import datasets, global_attrs as sweep_global_attrs

#: Global attributes allowed to differ between files holding the same sweep.
PROVENANCE = ("history", "shard_files")

#: OpenMPI refuses to run as root (CI does) unless told twice; --oversubscribe lets 3 ranks
#: run on a 2-core machine; --bind-to none lets each rank use every core it is given.
MPI_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
           "OMPI_MCA_btl_vader_single_copy_mechanism": "none"}
MPI_FLAGS = ["--oversubscribe", "--bind-to", "none"]

#: 3 x 3 grid x 2 replicates = 18 runs on a 200-school world, 4 terms, with per-school
#: trajectories and events: every kind of variable of a sweep file.
SMALL_SWEEP = f"""name: cluster_test
base: {REPO / 'scenarios' / 'la_brokered.yaml'}
set:
  world: {{n_primary: 160, n_secondary: 40, n_las: 4}}
  run.terms: 4
parameters:
  brokering.slots_per_term: {{min: 1, max: 5}}
  brokering.broker_radius_km: {{values: [5, 10, 20]}}
design: {{type: grid, levels: 3}}
replicates: 2
seed: 7
"""
SMALL_RUNS = 18

#: A list design whose middle point is invalid: runs 2 and 3 fail (run_status 1, fill data).
FAILING_SWEEP = f"""name: cluster_failing
base: {REPO / 'scenarios' / 'la_brokered.yaml'}
set:
  world: {{n_primary: 80, n_secondary: 20, n_las: 3}}
  run.terms: 3
  programmes: [{{name: pilot, start: 2, end: 3, grant_per_term: 15000}}]
design:
  type: list
  points:
    - {{"programmes[0].end": 3}}
    - {{"programmes[0].end": 1}}
    - {{"programmes[0].end": 2}}
replicates: 2
"""


def built_with_mpi():
    """Whether the engine binary links an MPI library (else the MPI tests are skipped)."""
    binary = schoolsim_binary()
    result = subprocess.run(["ldd", str(binary)], capture_output=True, text=True)
    return "libmpi" in result.stdout


def require_mpi():
    """Skips (binary without MPI) or fails (MPI binary but no mpirun) the calling test."""
    if not built_with_mpi():
        pytest.skip(f"{schoolsim_binary()} was built without MPI (CMake option SCHOOLSIM_MPI=OFF)")
    if shutil.which("mpirun") is None:
        pytest.fail("schoolsim was built with MPI but mpirun is not on PATH (install openmpi-bin)")


def mpirun(ranks, *args, env=None, timeout=120):
    """Runs ``mpirun -n ranks schoolsim args...``; returns the CompletedProcess."""
    require_mpi()
    command = ["mpirun", "-n", str(ranks), *MPI_FLAGS, str(schoolsim_binary()), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **MPI_ENV, **(env or {})})


def assert_same_data(reference, other):
    """Asserts two sweep files hold the same data: every dataset in the same order with the
    same type, shape, bits (NaNs included) and attributes; the same global attributes but
    provenance; and xarray (h5netcdf) sees identical Datasets."""
    da, db = datasets(reference), datasets(other)
    assert list(da) == list(db)
    for name, (ta, va, aa) in da.items():
        tb, vb, ab = db[name]
        assert ta == tb, name
        assert va.shape == vb.shape, name
        if va.dtype.kind == "f":
            assert np.array_equal(va.view(f"u{va.dtype.itemsize}"), vb.view(f"u{vb.dtype.itemsize}")), name
        else:
            assert np.array_equal(va, vb), name
        assert list(aa) == list(ab), name
        for key, value in aa.items():
            assert np.array_equal(value, ab[key]), (name, key)
    ga, gb = sweep_global_attrs(reference, PROVENANCE), sweep_global_attrs(other, PROVENANCE)
    assert list(ga) == list(gb)
    for key, value in ga.items():
        assert np.array_equal(value, gb[key]), key
    with xr.open_dataset(reference, engine="h5netcdf") as a, xr.open_dataset(other, engine="h5netcdf") as b:
        clean = {k: "" for k in PROVENANCE}
        xr.testing.assert_identical(a.assign_attrs(clean), b.assign_attrs(clean))
