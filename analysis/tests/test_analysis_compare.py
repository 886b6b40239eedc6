"""schoolsim.compare and schoolsim export: hand-computed intervals, and engine files subtracted directly.

The engine files are the session's (``files`` in conftest.py): sweeps of 4 replicates of
``baseline`` and ``pathfinder`` with the same seeds (replicate r of both is paired), named
``rep_base`` and ``rep_funded``, and single runs of both.
"""

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from scipy import stats

import schoolsim
from engine_files import N_REPLICATES, N_TERMS
from schoolsim.export import tidy_table
from schoolsim.stats import difference_interval, mean_interval, verdict

REPO = Path(__file__).resolve().parents[2]
T_975_3 = 3.182446305284263  # Student t quantile 0.975 with 3 degrees of freedom (tables)


# ---------------------------------------------------------------- hand computations


def test_paired_interval_on_arrays_equals_hand_computation():
    a = np.array([1.0, 2.0, 3.0, 4.0])
    b = np.array([0.5, 1.8, 2.0, 3.9])
    d = [0.5, 0.2, 1.0, 0.1]
    mean = sum(d) / 4                                              # 0.45
    sd = math.sqrt(sum((x - mean) ** 2 for x in d) / 3)            # sample SD
    half = T_975_3 * sd / math.sqrt(4)
    est = difference_interval(a, b, paired=True)
    assert est.paired and est.n == 4
    assert est.mean == pytest.approx(0.45, abs=1e-15)
    assert est.lo == pytest.approx(mean - half, rel=1e-12)
    assert est.hi == pytest.approx(mean + half, rel=1e-12)
    assert (est.lo, est.hi) == pytest.approx((-0.19308518086308973, 1.0930851808630897), rel=1e-12)
    assert verdict(est) == "no effect"


def test_numpy_pandas_and_xarray_give_the_same_paired_interval():
    a = np.array([1.0, 2.0, 3.0, 4.0])
    b = np.array([0.5, 1.8, 2.0, 3.9])
    expected = difference_interval(a, b, paired=True)
    keys = pd.MultiIndex.from_arrays([[7, 8, 9, 10], [0, 1, 2, 3]], names=["seed", "replicate"])
    assert difference_interval(pd.Series(a, keys), pd.Series(b, keys)) == expected
    run = {"seed": ("run", [7, 8, 9, 10]), "replicate": ("run", [0, 1, 2, 3])}
    da = xr.DataArray(a, dims="run", coords=run)
    db = xr.DataArray(b, dims="run", coords=run)
    assert difference_interval(da, db) == expected
    # the replicates of b in another order still pair by key
    assert difference_interval(da, db.isel(run=[3, 1, 0, 2])) == expected
    # plain arrays carry no replicate labels: Welch unless asked
    assert not difference_interval(a, b).paired
    assert mean_interval(da).mean == pytest.approx(2.5)


def test_welch_interval_equals_hand_computation():
    a = np.array([1.0, 2.0, 4.0])
    b = np.array([0.0, 1.0, 1.0, 2.0, 6.0])
    va, vb = np.var(a, ddof=1) / 3, np.var(b, ddof=1) / 5        # 7/9 and 5.2/5
    dof = (va + vb) ** 2 / (va ** 2 / 2 + vb ** 2 / 4)
    half = stats.t.ppf(0.975, dof) * math.sqrt(va + vb)
    est = difference_interval(a, b)
    assert not est.paired
    assert est.mean == pytest.approx(7 / 3 - 2)
    assert (est.lo, est.hi) == pytest.approx((1 / 3 - half, 1 / 3 + half), rel=1e-12)


def test_unequal_replicates_fall_back_to_welch_and_bad_pairing_is_refused():
    a = pd.Series([1.0, 2.0, 3.0], pd.Index([0, 1, 2], name="replicate"))
    b = pd.Series([1.0, 2.0], pd.Index([0, 1], name="replicate"))
    assert not difference_interval(a, b).paired
    with pytest.raises(ValueError, match="different replicates"):
        difference_interval(a, b, paired=True)
    with pytest.raises(ValueError, match="as many values"):
        difference_interval(np.ones(3), np.ones(2), paired=True)


def test_verdicts():
    assert verdict(difference_interval([1.0, 1.1, 1.2], [0.0, 0.1, 0.15], paired=True)) == "increase"
    assert verdict(difference_interval([0.0, 0.1, 0.15], [1.0, 1.1, 1.2], paired=True)) == "decrease"
    assert verdict(difference_interval([1.0], [0.0])) == "no interval"


def test_compare_is_a_callable_module():
    import schoolsim.compare as module
    from schoolsim.compare import Comparison, compare

    assert schoolsim.compare is module and module.compare is compare
    assert callable(schoolsim.compare) and Comparison.__name__ == "Comparison"


# ---------------------------------------------------------------- engine files


@pytest.fixture()
def engine(files):
    return {"baseline_reps": files["rep_base"], "pathfinder_reps": files["rep_funded"],
            "baseline": files["run_a"], "pathfinder": files["run_b"]}


def values(path, variable):
    with schoolsim.open_output(path) as ds:
        return ds[variable].values.astype(float)


def test_engine_differences_equal_the_arrays_subtracted(engine):
    c = schoolsim.compare([engine["baseline_reps"], engine["pathfinder_reps"]], over_time=True)
    assert c.reference == "rep_base" and c.others == ["rep_funded"] and c.term == N_TERMS
    for v in ("attainment_mean", "attainment_sd", "money_spent"):
        d = values(engine["pathfinder_reps"], v) - values(engine["baseline_reps"], v)  # (run, term)
        rows = c.effects[c.effects["variable"] == v].sort_values("term")
        assert rows["term"].tolist() == list(range(N_TERMS + 1))
        np.testing.assert_allclose(rows["mean"].values, d.mean(axis=0), rtol=1e-12, atol=1e-15)
        half = stats.t.ppf(0.975, N_REPLICATES - 1) * d.std(axis=0, ddof=1) / math.sqrt(N_REPLICATES)
        np.testing.assert_allclose((rows["hi"] - rows["mean"]).values, half, rtol=1e-9, atol=1e-15)
        assert rows["paired"].all() and (rows["n"] == N_REPLICATES).all()
        assert c.differences.loc[("rep_funded", v), "mean"] == pytest.approx(d[:, -1].mean(), rel=1e-12,
                                                                             abs=1e-15)
    money = c.effects[(c.effects["variable"] == "money_spent") & (c.effects["term"] == N_TERMS)].iloc[0]
    assert money["mean"] > 0 and money["reference_mean"] == 0.0


def test_engine_difference_by_phase_and_reference_by_file(engine):
    c = schoolsim.compare([engine["pathfinder_reps"], engine["baseline_reps"]], at_term=3,
                          reference=str(engine["baseline_reps"]), variables=["attainment_mean_by_phase"])
    assert c.reference == "rep_base" and c.term == 3
    d = values(engine["pathfinder_reps"], "attainment_mean_by_phase") - \
        values(engine["baseline_reps"], "attainment_mean_by_phase")   # (run, term, phase)
    rows = c.effects.set_index("phase")
    assert list(rows.index) == ["primary", "secondary"]
    np.testing.assert_allclose(rows["mean"].values, d[:, 3, :].mean(axis=0), rtol=1e-12)


def test_engine_single_runs_are_point_differences(engine):
    c = schoolsim.compare([engine["baseline"], engine["pathfinder"]], at_term=4)
    d = values(engine["pathfinder"], "attainment_sd")[4] - values(engine["baseline"], "attainment_sd")[4]
    row = c.effects[c.effects["variable"] == "attainment_sd"].iloc[0]
    assert row["mean"] == pytest.approx(d, rel=1e-12) and math.isnan(row["lo"])
    assert row["effect"] == "no interval"
    with pytest.raises(ValueError, match="term 99 is not in every scenario"):
        schoolsim.compare([engine["baseline"], engine["pathfinder"]], at_term=99)
    with pytest.raises(KeyError, match="no variable 'nope'"):
        schoolsim.compare([engine["baseline"], engine["pathfinder"]], variables=["nope"])
    with pytest.raises(ValueError, match="not per school"):
        schoolsim.compare([engine["baseline"], engine["pathfinder"]], variables=["school_attainment"])


def run_cli(*args):
    env = {**os.environ, "PYTHONPATH": str(REPO / "analysis")}
    return subprocess.run([sys.executable, "-m", "schoolsim", *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=600)


def test_compare_command_writes_effects_csv(engine, tmp_path):
    csv = tmp_path / "effects.csv"
    result = run_cli("compare", engine["pathfinder_reps"], engine["baseline_reps"], "--reference",
                     "rep_base", "--over-time", "--variable", "attainment_mean", "--csv", csv)
    assert result.returncode == 0, result.stderr
    assert "Differences from rep_base (95% confidence intervals" in result.stdout
    table = pd.read_csv(csv)
    d = values(engine["pathfinder_reps"], "attainment_mean") - \
        values(engine["baseline_reps"], "attainment_mean")
    np.testing.assert_allclose(table.sort_values("term")["mean"].values, d.mean(axis=0), rtol=1e-12,
                               atol=1e-15)
    covers = (table["lo"] <= 0) & (table["hi"] >= 0)
    assert (table.loc[covers, "effect"] == "no effect").all()
    assert result.stdout.count("no effect (interval covers 0)") == int(covers.sum())
    bad = run_cli("compare", engine["baseline"], engine["pathfinder"], "--at-term", "2", "--over-time")
    assert bad.returncode == 2 and "not allowed with argument" in bad.stderr
    missing = run_cli("compare", engine["baseline"], tmp_path / "missing.h5")
    assert missing.returncode == 1 and "not found" in missing.stderr


def test_export_is_a_tidy_table_of_the_file(engine, tmp_path):
    with schoolsim.open_output(engine["pathfinder_reps"]) as ds:
        table = tidy_table(ds)
        assert list(table.columns[:5]) == ["run", "replicate", "seed", "term", "year"]
        assert {"variable", "phase", "grade", "partnership_type", "value"} <= set(table.columns)
        one = table[(table["variable"] == "attainment_mean_by_phase") & (table["phase"] == "secondary")]
        np.testing.assert_array_equal(one.sort_values(["run", "term"])["value"].values,
                                      ds["attainment_mean_by_phase"].sel(phase="secondary").values.ravel())
        assert (one["seed"].values == np.repeat(ds["seed"].values, N_TERMS + 1)).all()
        grades = table[table["variable"] == "grade_share"]
        assert grades["grade"].dropna().astype(int).unique().tolist() == [1, 2, 3, 4]
        assert table[table["variable"] == "attainment_mean"]["phase"].isna().all()
        assert len(table) == sum(ds[v].size for v in table["variable"].unique())
    result = run_cli("export", engine["baseline"], "--csv", tmp_path / "b.csv", "--variable", "money_spent",
                     "--variable", "attainment_sd")
    assert result.returncode == 0, result.stderr
    csv = pd.read_csv(tmp_path / "b.csv", float_precision="round_trip")
    assert list(csv.columns) == ["run", "replicate", "seed", "term", "year", "variable", "value"]
    assert len(csv) == 2 * (N_TERMS + 1) and (csv["run"] == 0).all()
    np.testing.assert_array_equal(csv[csv["variable"] == "attainment_sd"]["value"].values,
                                  values(engine["baseline"], "attainment_sd"))
    assert csv["year"].tolist()[:4] == pytest.approx([0, 1 / 3, 2 / 3, 1])


def test_cost_interval_is_open_above_when_resamples_gain_nothing():
    from schoolsim.stats import cost_per_gain

    keys = pd.Index(range(4), name="replicate")
    est = cost_per_gain(np.ones(4), pd.Series([0.01, -0.02, 0.03, 0.0], keys), pd.Series(np.zeros(4), keys))
    assert est.paired and est.mean == pytest.approx(1 / 0.005)
    assert est.hi == math.inf and 0 < est.lo < est.mean  # not NaN from interpolating inf with inf
