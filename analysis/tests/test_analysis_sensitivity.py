"""Sensitivity estimators against analytic results, and the sweep helpers."""

import math

import numpy as np
import pytest

import fixtures
import schoolsim
from schoolsim.sensitivity import (morris_effects, morris_from_sweep, morris_sample,
                                   saltelli_sample, sensitivity_from_sweep, sobol_from_sweep,
                                   sobol_indices)

# Tolerance: an estimate must lie within 4 bootstrap standard errors of the analytic value
# (a 4-sigma band; the estimates are deterministic given the seeds), and the standard error
# must be small enough for the comparison to mean something.
N_SIGMA = 4.0


def _evaluate(func, sample, k):
    y = func(sample.X)
    return y[sample.block == 0], y[sample.block == 1], np.stack(
        [y[sample.block == 2 + i] for i in range(k)])


def ishigami(x, a=7.0, b=0.1):
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(a=7.0, b=0.1):
    pi4, pi8 = math.pi ** 4, math.pi ** 8
    v1 = 0.5 * (1 + b * pi4 / 5) ** 2
    v2 = a ** 2 / 8
    v13 = b ** 2 * pi8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def test_ishigami_analytic_values_match_the_literature():
    s1, st = ishigami_indices()
    np.testing.assert_allclose(s1, [0.3139, 0.4424, 0.0], atol=1e-4)
    np.testing.assert_allclose(st, [0.5576, 0.4424, 0.2437], atol=1e-4)


def test_sobol_on_ishigami():
    sample = saltelli_sample(2 ** 13, [(-math.pi, math.pi)] * 3, seed=11)
    res = sobol_indices(*_evaluate(ishigami, sample, 3), n_boot=300, seed=5)
    s1, st = ishigami_indices()
    assert (res["S1_se"] < 0.03).all() and (res["ST_se"] < 0.03).all()
    assert (np.abs(res["S1"] - s1) <= N_SIGMA * res["S1_se"]).all()
    assert (np.abs(res["ST"] - st) <= N_SIGMA * res["ST_se"]).all()
    assert (res["S1_lo"] <= res["S1"]).all() and (res["S1"] <= res["S1_hi"]).all()
    assert res.attrs["n"] == 2 ** 13


def test_sobol_on_a_linear_model():
    coef = np.array([1.0, -2.0, 0.5, 0.0])
    bounds = [(0.0, 1.0), (0.0, 1.0), (-3.0, 3.0), (0.0, 5.0)]
    var = np.array([(hi - lo) ** 2 / 12 for lo, hi in bounds])
    expected = coef ** 2 * var / np.sum(coef ** 2 * var)
    sample = saltelli_sample(2 ** 12, bounds, seed=2)
    res = sobol_indices(*_evaluate(lambda x: x @ coef, sample, 4), n_boot=300, seed=1)
    for col in ("S1", "ST"):
        assert (np.abs(res[col] - expected) <= N_SIGMA * res[f"{col}_se"] + 1e-12).all()
    # a factor without effect has exactly zero total effect
    assert res["ST"].iloc[3] == 0.0


def test_sobol_bootstrap_is_seeded():
    sample = saltelli_sample(64, [(0, 1), (0, 1)], seed=0)
    parts = _evaluate(lambda x: x[:, 0] + x[:, 1] ** 2, sample, 2)
    a = sobol_indices(*parts, n_boot=100, seed=9)
    b = sobol_indices(*parts, n_boot=100, seed=9)
    assert a.equals(b)
    assert not a.equals(sobol_indices(*parts, n_boot=100, seed=10))


def test_morris_on_a_linear_function_is_exact():
    coef = np.array([2.0, -0.5, 0.0])
    bounds = [(0.0, 4.0), (1.0, 3.0), (-1.0, 1.0)]
    sample = morris_sample(12, bounds, levels=4, seed=4)
    res = morris_effects(sample.X, sample.X @ coef, sample.trajectory, sample.step,
                         bounds=bounds, names=["a", "b", "c"])
    span = np.array([hi - lo for lo, hi in bounds])
    np.testing.assert_allclose(res["mu_star"], np.abs(coef) * span, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(res["mu"], coef * span, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(res["sigma"], 0.0, atol=1e-12)
    assert res["n_effects"].tolist() == [12, 12, 12]


def test_morris_detects_interaction_and_nonlinearity():
    sample = morris_sample(20, [(0, 1)] * 3, levels=4, seed=1)
    x = sample.X
    res = morris_effects(x, x[:, 0] * x[:, 1] + x[:, 2] ** 2, sample.trajectory, sample.step)
    assert (res["sigma"] > 0.05).all()
    assert res.loc["x2", "mu_star"] == pytest.approx(1.0, abs=0.2)


def test_morris_rejects_non_trajectories():
    x = np.array([[0.0, 0.0], [1.0, 1.0]])
    with pytest.raises(ValueError, match="moves 2 factors"):
        morris_effects(x, np.zeros(2), [0, 0], [0, 1])


# --------------------------------------------------------------------------- sweeps


@pytest.fixture(scope="module")
def saltelli_sweep(tmp_path_factory):
    path = tmp_path_factory.mktemp("sal") / "saltelli.h5"
    # design point (block AB_0, index 5) fails in both replicates
    runs_per_block = 32 * 2
    failed = (2 * runs_per_block + 5 * 2, 2 * runs_per_block + 5 * 2 + 1, 7)
    return fixtures.write_sweep_file(path, design="saltelli", n=32, replicates=2, n_schools=30,
                                     n_terms=4, seed=6, failed_runs=failed)


def test_sobol_from_sweep_matches_the_array_estimator(saltelli_sweep):
    with schoolsim.open_sweep(saltelli_sweep) as ds:
        res = sobol_from_sweep(ds, "attainment_mean", n_boot=200, seed=3)
        assert res.attrs["dropped"] == 1
        ok = ds["run_status"].values == 0
        y = ds["attainment_mean"].isel(term=-1).values
        block, index = ds["saltelli_block"].values, ds["saltelli_index"].values
    keep = np.setdiff1d(np.arange(32), [5])
    means = np.array([[np.mean(y[ok & (block == b) & (index == i)]) for i in keep] for b in range(4)])
    expected = sobol_indices(means[0], means[1], means[2:], n_boot=200, seed=3,
                             names=["trust.trust_gain", "enrolment.lambda_attainment"])
    assert list(res.index) == list(expected.index)
    np.testing.assert_allclose(res.values, expected.values, rtol=1e-12)


def test_sobol_from_sweep_recovers_the_toy_response(saltelli_sweep):
    # attainment_mean at the last term = constant + 0.3 u0 - 0.1 u1 (see fixtures)
    with schoolsim.open_sweep(saltelli_sweep) as ds:
        res = sensitivity_from_sweep(ds, "attainment_mean", n_boot=300, seed=0)
    expected = np.array([0.09, 0.01]) / 0.10
    for col in ("S1", "ST"):
        assert (np.abs(res[col].values - expected) <= N_SIGMA * res[f"{col}_se"].values + 1e-6).all()


def test_morris_from_sweep_is_exact_on_the_toy_response(tmp_path):
    path = fixtures.write_sweep_file(tmp_path / "morris.h5", design="morris", n=5, levels=4,
                                     replicates=2, n_schools=30, n_terms=4, seed=8)
    with schoolsim.open_sweep(path) as ds:
        res = morris_from_sweep(ds, ds["attainment_mean"])
        assert list(res.index) == ["trust.trust_gain", "enrolment.lambda_attainment"]
        # stored attainment is float32, so exact up to its rounding
        np.testing.assert_allclose(res["mu"], [0.3, -0.1], atol=1e-6)
        np.testing.assert_allclose(res["mu_star"], [0.3, 0.1], atol=1e-6)
        assert sensitivity_from_sweep(ds, "attainment_mean").equals(res)


def test_sweep_helpers_explain_wrong_input(files):
    with schoolsim.open_sweep(files["grid"]) as ds:
        with pytest.raises(ValueError, match="no Saltelli design metadata.*'grid'"):
            sobol_from_sweep(ds, "attainment_sd")
        with pytest.raises(ValueError, match="no Morris design metadata"):
            morris_from_sweep(ds, "attainment_sd")
        with pytest.raises(ValueError, match="carries no"):
            sensitivity_from_sweep(ds, "attainment_sd")
    with schoolsim.open_sweep(saltelli_path := fixtures.write_sweep_file(
            files["grid"].parent / "tiny_sal.h5", design="saltelli", n=4, replicates=1,
            n_schools=20, n_terms=2)) as ds:
        with pytest.raises(ValueError, match=r"select or reduce \['phase'\]"):
            sobol_from_sweep(ds, "attainment_sd_by_phase")
    assert saltelli_path.exists()
