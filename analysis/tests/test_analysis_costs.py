"""Cost-effectiveness (schoolsim.costs): hand-computed costs, a planted regional effect, EEF bands."""

import math

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from schoolsim import costs
from schoolsim.costs import (CostParameters, cost_effectiveness_table, cost_per_effect, cost_per_pupil,
                             discount_factors, eef_cost_rating, read_costs_csv)

REGIONS = ["programme_0_treated", "programme_0_untreated"]
TERMS = 7  # terms 0..6: term 0 is the initial state, terms 1..6 two school years


def synthetic(spend_per_term, brokered, active, treated_level, untreated_level, pupils=(1000.0, 3000.0),
              costs_yaml=("costs: {broker_time_per_partnership: 500, staff_time_per_partnership_term: 100, "
                          "discount_rate: 0.1, terms_per_year: 3}\n")):
    """A replicate file: values over (run, term) from per-replicate rows (arrays of length TERMS)."""
    runs = len(treated_level)
    term = np.arange(TERMS)
    spent = np.cumsum(np.asarray(spend_per_term, float), axis=-1)
    att = np.stack([np.asarray(treated_level, float), np.asarray(untreated_level, float)], axis=-1)
    pup = np.broadcast_to(np.asarray(pupils, float), (runs, TERMS, 2))
    act = np.zeros((runs, TERMS, 4))
    act[:, :, 0] = active
    broker = np.broadcast_to(np.asarray(brokered, float), (runs, TERMS)).copy()
    ds = xr.Dataset(
        {"money_spent": (("run", "term"), np.broadcast_to(spent, (runs, TERMS)).copy()),
         "partnerships_brokered": (("run", "term"), broker),
         "partnerships_active": (("run", "term", "partnership_type"), act),
         "attainment_mean_pw_by_region": (("run", "term", "region"), att),
         "pupils_by_region": (("run", "term", "region"), pup.copy())},
        coords={"run": np.arange(runs), "term": term, "region": REGIONS,
                "partnership_type": ["pair", "network", "federation", "mat"],
                "replicate": ("run", np.arange(runs)), "seed": ("run", np.arange(runs) + 100)},
        attrs={"scenario_yaml": "name: s\n" + costs_yaml})
    return ds


def levels(runs, effect_treated=0.0, effect_untreated=0.0, seed=3):
    """Per-replicate attainment over term in both areas: shared noise (common random numbers) plus
    a planted effect from term 1 on, plus a little independent noise."""
    rng = np.random.default_rng(seed)
    shared = rng.normal(0, 0.05, size=(runs, TERMS, 2))
    own = np.random.default_rng(seed + 1).normal(0, 0.002, size=(runs, TERMS, 2))
    step = (np.arange(TERMS) >= 1).astype(float)
    planted = np.stack([effect_treated * step, effect_untreated * step], axis=-1)
    return shared, own, planted


def test_discount_factors_follow_school_years():
    np.testing.assert_allclose(discount_factors(range(8), 0.1, 3),
                               [1, 1, 1, 1, 1 / 1.1, 1 / 1.1, 1 / 1.1, 1 / 1.21])


def test_cost_per_pupil_equals_a_hand_computation():
    zero = np.zeros(TERMS)
    # Reference: no grants, 1 brokered partnership in term 1, 2 active partnerships from term 1.
    ref = synthetic([zero] * 3, [0, 1, 0, 0, 0, 0, 0], [0, 2, 2, 2, 2, 2, 2], [zero] * 3, [zero] * 3)
    # Scenario: grants of 20,000 in terms 1..4 (replicate 2 pays 30,000 in term 4), 3 brokered in
    # term 1 and 1 in term 4, 5 active partnerships from term 1.
    grants = np.array([[0, 2e4, 2e4, 2e4, 2e4, 0, 0]] * 3)
    grants[2, 4] = 3e4
    sc = synthetic(grants, [0, 3, 0, 0, 1, 0, 0], [0, 5, 5, 5, 5, 5, 5], [zero + 0.1] * 3, [zero] * 3)
    # By hand, discount 10% a year, terms 1-3 year 0, terms 4-6 year 1, pupils 1,000 in the area:
    # scenario cost = grants + 500 x brokered + 100 x active, reference 500 x 1 + 100 x 2 per term.
    d = 1 / 1.1
    scen = [(2e4 + 1500 + 500) + (2e4 + 500) * 2 + d * ((2e4 + 500 + 500) + 500 * 2)] * 3
    scen[2] += d * 1e4
    refc = (500 + 200) + 200 * 2 + d * 200 * 3
    incremental = [s - refc for s in scen]
    table = cost_effectiveness_table([ref, sc], ["ref", "funded"], 0, "programme_0_treated", n_boot=200)
    row = table.iloc[0]
    assert row["pupils"] == 1000.0
    assert row["cost"] == pytest.approx(np.mean(incremental), rel=1e-12)
    assert row["cost_per_pupil"] == pytest.approx(np.mean(incremental) / 1000.0, rel=1e-12)
    # Incremental costs fall in terms 1..6 = school years 0 and 1: two years.
    assert row["cost_per_pupil_per_year"] == pytest.approx(np.mean(incremental) / 1000.0 / 2, rel=1e-12)
    assert row["cost_per_pupil_per_year"] == pytest.approx(42.19, abs=0.01)
    assert row["eef_cost_rating"] == "very low"  # below £80 per pupil per year
    assert row["effect"] == pytest.approx(0.1)
    # a constant effect has a zero-width paired interval and a cost per 0.1 SD of the cost per pupil
    assert row["cost_per_pupil_per_0.1sd"] == pytest.approx(row["cost_per_pupil"], rel=1e-12)
    assert cost_per_pupil(np.asarray(incremental), 1000.0) == pytest.approx(row["cost_per_pupil"])


def test_the_costs_csv_overrides_the_stored_parameters(tmp_path):
    path = tmp_path / "costs.csv"
    path.write_text("key,value\ncosts.broker_time_per_partnership,0\nstaff_time_per_partnership_term,0\n"
                    "costs.discount_rate,0\n")
    overrides = read_costs_csv(path)
    zero = np.zeros(TERMS)
    ref = synthetic([zero] * 2, zero, zero + 4, [zero] * 2, [zero] * 2)
    sc = synthetic([[0, 1e5, 0, 0, 0, 0, 1e5]] * 2, zero + 7, zero + 9, [zero + 0.2] * 2, [zero] * 2)
    row = cost_effectiveness_table([ref, sc], ["a", "b"], 0, "programme_0_treated", costs=overrides,
                                   n_boot=100).iloc[0]
    assert row["cost_per_pupil"] == 200.0  # grants only, undiscounted: 200,000 / 1,000 pupils
    assert CostParameters().overridden(overrides).discount_rate == 0.0


def test_bad_costs_csv_names_file_line_and_key(tmp_path):
    path = tmp_path / "costs.csv"
    path.write_text("key,value\ncosts.discount_rate,lots\n")
    with pytest.raises(ValueError, match=r"costs.csv:2: costs.discount_rate: 'lots' is not a number"):
        read_costs_csv(path)
    path.write_text("costs.broker_cost,3\n")
    with pytest.raises(ValueError, match="unknown cost parameter 'costs.broker_cost'"):
        read_costs_csv(path)


@pytest.mark.parametrize("value,rating", [(0, "very low"), (79.99, "very low"), (80, "low"), (199, "low"),
                                          (200, "moderate"), (699, "moderate"), (700, "high"),
                                          (1199.99, "high"), (1200, "very high"), (math.nan, "n/a")])
def test_eef_cost_rating_bands(value, rating):
    assert eef_cost_rating(value) == rating


def test_a_planted_regional_effect_is_recovered_in_the_treated_area_only():
    runs = 12
    shared, own, planted = levels(runs, effect_treated=0.04)
    base = shared
    funded = shared + own + planted
    zero = np.zeros(TERMS)
    ref = synthetic([zero] * runs, zero, zero, base[:, :, 0], base[:, :, 1])
    sc = synthetic([[0, 5e4, 5e4, 5e4, 0, 0, 0]] * runs, zero, zero, funded[:, :, 0], funded[:, :, 1])
    treated = cost_effectiveness_table([ref, sc], ["base", "funded"], 0, "programme_0_treated", seed=7).iloc[0]
    untreated = cost_effectiveness_table([ref, sc], ["base", "funded"], 0, "programme_0_untreated",
                                         seed=7).iloc[0]
    # The planted +0.04 pupil SD: right sign, right size, inside a narrow paired interval.
    assert treated["verdict"] == "increase" and treated["paired"]
    assert treated["effect"] == pytest.approx(0.04 + own[:, -1, 0].mean(), abs=1e-12)
    assert treated["effect_lo"] < 0.04 < treated["effect_hi"]
    assert treated["effect_hi"] - treated["effect_lo"] < 0.005
    # Outside the region: nothing planted, so no effect, and no cost per 0.1 SD.
    assert untreated["verdict"] == "no effect"
    assert untreated["effect_lo"] <= 0 <= untreated["effect_hi"]
    assert math.isnan(untreated["cost_per_pupil_per_0.1sd"])
    # 150,000 over 1,000 treated pupils (terms 1..3: year 0, undiscounted) = £150 a pupil;
    # per 0.1 SD: 150 / (effect / 0.1).
    assert treated["cost_per_pupil"] == 150.0
    assert treated["cost_per_pupil_per_0.1sd"] == pytest.approx(150.0 / (treated["effect"] / 0.1), rel=1e-12)
    lo, hi = treated["cost_per_pupil_per_0.1sd_lo"], treated["cost_per_pupil_per_0.1sd_hi"]
    assert lo < treated["cost_per_pupil_per_0.1sd"] < hi
    # Seeded: the same interval again, to the last bit.
    again = cost_effectiveness_table([ref, sc], ["base", "funded"], 0, "programme_0_treated", seed=7).iloc[0]
    assert (again["cost_per_pupil_per_0.1sd_lo"], again["cost_per_pupil_per_0.1sd_hi"]) == (lo, hi)
    text = costs.cost_effectiveness_text(pd.DataFrame([treated, untreated]))
    assert "no effect (the interval includes 0)" in text
    assert "£150 per pupil per year: EEF cost rating low" in text  # £150 a pupil, one year
    assert "£50 per pupil of 3,000" in text  # the untreated area's pupils


def test_cost_per_effect_takes_numpy_pandas_and_xarray():
    cost = np.array([100.0, 120.0, 110.0, 90.0])
    a = np.array([0.30, 0.35, 0.32, 0.31])
    b = np.array([0.10, 0.12, 0.11, 0.12])
    index = pd.MultiIndex.from_arrays([[1] * 4, range(4)], names=["seed", "replicate"])
    coords = {"seed": ("run", [1] * 4), "replicate": ("run", list(range(4)))}
    as_pandas = [pd.Series(x, index=index) for x in (cost, a, b)]
    as_xarray = [xr.DataArray(x, dims=["run"], coords=coords) for x in (cost, a, b)]
    effect_p, ratio_p = cost_per_effect(*as_pandas, 10.0, seed=1)
    effect_x, ratio_x = cost_per_effect(*as_xarray, 10.0, seed=1)
    effect_n, ratio_n = cost_per_effect(cost, a, b, 10.0, seed=1)
    assert effect_p.paired and effect_x.paired and not effect_n.paired  # plain arrays: Welch
    assert (ratio_p.mean, ratio_p.lo, ratio_p.hi) == (ratio_x.mean, ratio_x.lo, ratio_x.hi)
    # £105 mean cost over 10 pupils = £10.50 a pupil; effect 0.2075 SD = 2.075 tenths of an SD
    assert ratio_n.mean == pytest.approx(10.5 / 2.075, rel=1e-12)
    assert ratio_p.mean == pytest.approx(10.5 / 2.075, rel=1e-12)
    assert ratio_n.lo != ratio_p.lo  # Welch resamples the two sides separately
