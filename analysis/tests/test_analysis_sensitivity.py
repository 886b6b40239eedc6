"""Sensitivity estimators against analytic results, and the sweep helpers."""

import math

import numpy as np
import pytest

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


def _last(ds, metric):
    """The metric at the last term of every run, NaN for failed runs, and the ok mask."""
    ok = ds["run_status"].values == 0
    y = ds[metric].isel(term=-1).values.astype(float)
    return np.where(ok, y, np.nan), ok


def test_sobol_from_sweep_matches_the_array_estimator(files):
    with schoolsim.open_sweep(files["sobol"]) as ds:
        res = sobol_from_sweep(ds, "attainment_mean", n_boot=200, seed=3)
        y, ok = _last(ds, "attainment_mean")
        block, index = ds["saltelli_block"].values, ds["saltelli_index"].values
        names = list(schoolsim.sweep_parameters(ds).values())
        first = ds["programmes__0__end"].values[block == 0]
    k, n = len(names), index.max() + 1
    assert np.bincount(block).tolist() == [n * 2] * (k + 2)  # n base points x 2 replicates per block
    # a base point is dropped when a design point of it failed in every replicate
    failed = np.unique(index[~ok])
    assert res.attrs["dropped"] == len(failed) > 0 and (first < 3).any()
    keep = np.setdiff1d(np.arange(n), failed)
    means = np.array([[np.nanmean(y[(block == b) & (index == i)]) for i in keep] for b in range(k + 2)])
    expected = sobol_indices(means[0], means[1], means[2:], n_boot=200, seed=3, names=names)
    assert list(res.index) == names == ["trust.trust_gain", "competition.lambda_attainment", "programmes[0].end"]
    np.testing.assert_allclose(res.values, expected.values, rtol=1e-12)
    assert res.attrs["n"] == len(keep)


def test_sobol_of_a_selected_metric_equals_the_selection_estimated(files):
    with schoolsim.open_sweep(files["sobol"]) as ds:
        secondary = ds["attainment_sd_by_phase"].sel(phase="secondary")
        res = sobol_from_sweep(ds, secondary, n_boot=100, seed=1)
        assert sensitivity_from_sweep(ds, secondary, n_boot=100, seed=1).equals(res)
        alone = ds.assign(only_secondary=secondary)
        assert sobol_from_sweep(alone, "only_secondary", n_boot=100, seed=1).equals(res)
        other = sobol_from_sweep(ds, ds["attainment_sd_by_phase"].sel(phase="primary"), n_boot=100, seed=1)
    assert not np.allclose(other["ST"].values, res["ST"].values)


def test_morris_from_sweep_equals_elementary_effects_by_hand(files):
    with schoolsim.open_sweep(files["morris"]) as ds:
        res = morris_from_sweep(ds, ds["attainment_mean"])
        assert sensitivity_from_sweep(ds, "attainment_mean").equals(res)
        y, ok = _last(ds, "attainment_mean")
        trajectory, step = ds["morris_trajectory"].values, ds["morris_step"].values
        variables = list(schoolsim.sweep_parameters(ds))
        x = np.stack([ds[v].values for v in variables], axis=1).astype(float)
        span = np.array([ds[v].attrs["valid_max"] - ds[v].attrs["valid_min"] for v in variables])
        names = [ds[v].attrs["sweep_parameter"] for v in variables]
    assert list(res.index) == names
    effects = {i: [] for i in range(len(names))}
    for t in np.unique(trajectory):
        for s in range(1, step[trajectory == t].max() + 1):
            now, before = (trajectory == t) & (step == s), (trajectory == t) & (step == s - 1)
            dx = x[now][0] - x[before][0]
            (moved,) = np.flatnonzero(dx)  # each step of the engine's design moves one parameter
            if ok[now].any() and ok[before].any():
                dy = np.nanmean(y[now]) - np.nanmean(y[before])
                effects[moved].append(dy / (dx[moved] / span[moved]))
    assert sum(map(len, effects.values())) < len(np.unique(trajectory)) * len(names)  # failed points skipped
    for i, name in enumerate(names):
        e = np.array(effects[i])
        row = res.loc[name]
        assert row["n_effects"] == len(e) > 1
        assert row["mu"] == pytest.approx(e.mean(), rel=1e-9, abs=1e-15)
        assert row["mu_star"] == pytest.approx(np.abs(e).mean(), rel=1e-9, abs=1e-15)
        assert row["sigma"] == pytest.approx(e.std(ddof=1), rel=1e-9, abs=1e-15)


def test_sweep_helpers_explain_wrong_input(files):
    with schoolsim.open_sweep(files["grid"]) as ds:
        with pytest.raises(ValueError, match="no Saltelli design metadata.*'grid'"):
            sobol_from_sweep(ds, "attainment_sd")
        with pytest.raises(ValueError, match="no Morris design metadata"):
            morris_from_sweep(ds, "attainment_sd")
        with pytest.raises(ValueError, match="carries no"):
            sensitivity_from_sweep(ds, "attainment_sd")
    with schoolsim.open_sweep(files["sobol"]) as ds:
        with pytest.raises(ValueError, match=r"select or reduce \['phase'\]"):
            sobol_from_sweep(ds, "attainment_sd_by_phase")
