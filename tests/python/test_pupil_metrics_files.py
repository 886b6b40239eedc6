"""The "for whom" variables (attainment of disadvantaged pupils and of the others, and their
gap) are in run files and sweep files, nationally and by phase, and agree with the per-school
output (exact values are checked on a hand-made world in tests/unit/models/test_pupil_metrics.cpp)."""

import h5py
import numpy as np

from engine_support import REPO

TINY = ["--set", "world.n_primary=120", "--set", "world.n_secondary=30", "--set", "world.n_las=3",
        "--set", "run.terms=4"]
NAMES = ("attainment_disadvantaged", "attainment_others", "pupil_disadvantage_gap")


def from_schools(f, run=None):
    """The three metrics per term recomputed from the per-school arrays (float32 attainment,
    rounded rolls: agreement to about 1e-4, not bits)."""
    pick = (lambda v: v[run]) if run is not None else (lambda v: v)
    y = pick(f["school_attainment"][()]).astype(float)
    n = pick(f["school_pupils"][()]).astype(float)
    d = f["school_disadvantage"][()]
    dis = (n * d * y).sum(axis=1) / (n * d).sum(axis=1)
    oth = (n * (1 - d) * y).sum(axis=1) / (n * (1 - d)).sum(axis=1)
    return dis, oth, oth - dis


def test_run_and_sweep_files_have_the_pupil_metrics(tmp_path, schoolsim):
    run, reps = tmp_path / "run.h5", tmp_path / "reps.h5"
    schoolsim("run", REPO / "scenarios" / "baseline.yaml", "-o", run, "-q", *TINY, check=True)
    schoolsim("run", REPO / "scenarios" / "baseline.yaml", "--replicates", 2, "-o", reps, "-q", *TINY, check=True)
    with h5py.File(run) as f:
        for name in NAMES:
            assert f[name].shape == (5,) and f[name + "_by_phase"].shape == (5, 2)
            assert f[name].attrs["units"] in (b"pupil_sd", "pupil_sd")
        for got, want in zip((f[n][()] for n in NAMES), from_schools(f)):
            np.testing.assert_allclose(got, want, atol=1e-4)
        # disadvantaged pupils sit in weaker schools in this model at the start
        assert f["pupil_disadvantage_gap"][0] > 0
    with h5py.File(reps) as f:
        for name in NAMES:
            assert f[name].shape == (2, 5) and f[name + "_by_phase"].shape == (2, 5, 2)
        for r in range(2):
            for got, want in zip((f[n][r] for n in NAMES), from_schools(f, r)):
                np.testing.assert_allclose(got, want, atol=1e-4)


def test_metrics_by_la_and_region_equal_the_per_school_output(tmp_path, schoolsim):
    """Planted check: every LA's and region's metric is the one computed from its schools."""
    out = tmp_path / "city.h5"
    schoolsim("run", REPO / "scenarios" / "city_challenge.yaml", "-o", out, "-q", "--set", "world.n_primary=400",
              "--set", "world.n_secondary=80", "--set", "run.terms=3", check=True)
    with h5py.File(out) as f:
        regions = [r.decode() for r in f["region"][()]]
        assert regions == ["greater_manchester", "programme_0_treated", "programme_0_untreated"]
        y = f["school_attainment"][()].astype(float)
        n = f["school_pupils"][()].astype(float)
        la = f["school_la"][()]
        n_las = f["local_authority"].shape[0]
        assert list(f["la_schools"][()]) == [int((la == k).sum()) for k in range(n_las)]
        mean_by_la = f["attainment_mean_by_la"][()]
        pupils_by_la = f["pupils_by_la"][()]
        for k in range(n_las):
            np.testing.assert_allclose(mean_by_la[:, k], y[:, la == k].mean(axis=1), atol=1e-6)
            np.testing.assert_allclose(pupils_by_la[:, k], n[:, la == k].sum(axis=1), atol=0.5 * (la == k).sum())
        member = f["region_la"][()].astype(bool)
        assert np.array_equal(member[0], member[1]) and np.array_equal(member[2], ~member[1])
        pw = f["attainment_mean_pw_by_region"][()]
        for g in range(3):
            inside = member[g][la]
            want = (n[:, inside] * y[:, inside]).sum(axis=1) / n[:, inside].sum(axis=1)
            np.testing.assert_allclose(pw[:, g], want, atol=1e-4)
        # the treated and untreated pupils make up the nation
        np.testing.assert_allclose(f["pupils_by_region"][()][:, 1] + f["pupils_by_region"][()][:, 2],
                                   f["pupils"][()], rtol=1e-12)
