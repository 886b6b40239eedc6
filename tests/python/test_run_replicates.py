"""`schoolsim run SCEN.yaml --replicates N`: one file with a `run` dimension, written by the
sweep machinery (a sweep without parameters), with common random numbers across scenarios."""

import sys

import h5py
import numpy as np
import pytest

from engine_support import REPO
from sweep_support import assert_same_sweep, datasets

sys.path.insert(0, str(REPO / "analysis"))
import schoolsim as analysis  # noqa: E402

TINY = ["--set", "world.n_primary=120", "--set", "world.n_secondary=30", "--set", "world.n_las=3",
        "--set", "run.terms=5"]
BASELINE = REPO / "scenarios" / "baseline.yaml"
MARKET = REPO / "scenarios" / "market.yaml"
STATIC = ("term", "school", "phase", "grade", "partnership_type", "domain", "local_authority", "region")


@pytest.fixture(scope="module")
def replicates(tmp_path_factory, schoolsim):
    out = tmp_path_factory.mktemp("replicates") / "base.h5"
    schoolsim("run", BASELINE, "--replicates", 3, "-o", out, "-q", "--threads", 2, *TINY, check=True)
    return out


@pytest.mark.parametrize("r", [0, 1, 2])
def test_replicate_r_is_the_single_run_with_its_seed_and_replicate(replicates, tmp_path, schoolsim, r):
    reps = datasets(replicates)
    assert list(reps["replicate"][1]) == [0, 1, 2]
    seed = int(reps["seed"][1][r])
    single_path = tmp_path / "single.h5"
    schoolsim("run", BASELINE, "-o", single_path, "-q", *TINY, "--set", f"run.seed={seed}",
              "--set", f"run.replicate={r}", check=True)
    single = datasets(single_path)
    compared = 0
    for name, (dtype, values, attrs) in single.items():
        if name.startswith("event") or name == "member" or name.startswith("programme"):
            continue  # programme accounting is in run files only (docs/output_format.md "Programmes")
        r_dtype, r_values, _ = reps[name]
        assert r_dtype == dtype, name
        if name in STATIC or r_values.shape == values.shape:  # static: the school and LA tables, regions
            assert np.array_equal(r_values, values), name
            continue
        assert np.array_equal(r_values[r], values, equal_nan=True), name
        compared += 1
    assert compared >= 30
    mine = reps["event_run"][1] == r
    for name in ("event_term", "event_kind", "event_partnership", "event_type"):
        assert np.array_equal(reps[name][1][mine], single[name][1]), name


def test_two_scenarios_share_seeds_per_replicate(replicates, tmp_path, schoolsim):
    market = tmp_path / "market.h5"
    schoolsim("run", MARKET, "--replicates", 3, "-o", market, "-q", *TINY, check=True)
    with h5py.File(replicates) as a, h5py.File(market) as b:
        assert np.array_equal(a["seed"][()], b["seed"][()])
        assert len(set(a["seed"][()].tolist())) == 3  # replicates differ from each other
        assert a.attrs["sweep_design"] == b"replicates" or a.attrs["sweep_design"] == "replicates"
        # the paired runs differ by their scenario, not their draws
        assert not np.array_equal(a["attainment_sd"][()], b["attainment_sd"][()])
    other = tmp_path / "other_seed.h5"
    schoolsim("run", BASELINE, "--replicates", 3, "-o", other, "-q", *TINY, "--set", "run.seed=99", check=True)
    with h5py.File(replicates) as a, h5py.File(other) as c:
        assert not np.any(a["seed"][()] == c["seed"][()])


def test_threads_do_not_change_the_bytes(replicates, tmp_path, schoolsim):
    one = tmp_path / "one.h5"
    schoolsim("run", BASELINE, "--replicates", 3, "-o", one, "-q", "--threads", 1, *TINY, check=True)
    assert_same_sweep(replicates, one)


def test_a_sweep_without_parameters_or_design_is_the_same_file(replicates, tmp_path, schoolsim):
    spec = tmp_path / "reps.yaml"
    spec.write_text(f"base: {BASELINE}\nreplicates: 3\n")
    out = tmp_path / "sweep.h5"
    schoolsim("sweep", spec, "-o", out, "-q", *TINY, check=True)
    a, b = datasets(replicates), datasets(out)
    assert sorted(a) == sorted(b)
    for name in a:
        nan_ok = a[name][1].dtype.kind == "f"
        assert np.array_equal(a[name][1], b[name][1], equal_nan=nan_ok), name
    # A sweep with parameters still needs its design.
    spec.write_text(f"base: {BASELINE}\nparameters:\n  brokering.slots_per_term: {{min: 1, max: 3}}\n")
    bad = schoolsim("sweep", spec, "-o", tmp_path / "bad.h5")
    assert bad.returncode == 2
    assert "design: missing: grid, lhs, sobol or morris" in bad.stderr


def test_open_run_keeps_the_run_dimension(replicates):
    with analysis.open_run(replicates) as ds:
        assert ds.sizes["run"] == 3
        assert ds["attainment_sd"].dims[0] == "run"
        assert list(ds["replicate"].values) == [0, 1, 2]
        assert "seed" in ds.coords
    with pytest.raises(ValueError, match="holds 3 replicates"):
        analysis.open_run(replicates, replicates=False)


def test_replicates_options_are_checked(tmp_path, schoolsim):
    bad = schoolsim("run", BASELINE, "-o", tmp_path / "x.h5", "--resume")
    assert bad.returncode == 2 and "--resume is for runs with --replicates" in bad.stderr
    bad = schoolsim("run", BASELINE, "-o", tmp_path / "x.h5", "--replicates", 0)
    assert bad.returncode == 2
    bad = schoolsim("run", BASELINE, "-o", tmp_path / "x.h5", "--replicates", 2, "--set", "nope.key=1")
    assert bad.returncode == 2 and "invalid scenario" in bad.stderr and "nope" in bad.stderr
    assert not (tmp_path / "x.h5").exists()
