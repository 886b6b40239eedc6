"""Intervals across replicates, checked against scipy's t-tests at the interval ends."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from schoolsim.stats import cost_per_gain, difference_interval, mean_interval


def series(values, seeds):
    index = pd.MultiIndex.from_tuples([(s, i) for i, s in enumerate(seeds)], names=["seed", "replicate"])
    return pd.Series(values, index=index)


@pytest.fixture()
def rng():
    return np.random.default_rng(42)


def test_mean_interval_ends_have_p_value_alpha(rng):
    x = rng.normal(1.0, 0.5, 12)
    est = mean_interval(x)
    assert est.mean == pytest.approx(x.mean()) and est.n == 12
    for end in (est.lo, est.hi):
        assert stats.ttest_1samp(x, end).pvalue == pytest.approx(0.05)


def test_single_value_has_no_interval():
    est = mean_interval([3.0])
    assert est.mean == 3.0 and not est.has_interval


def test_paired_difference(rng):
    base = rng.normal(0, 1, 10)
    a = series(base + 0.3 + rng.normal(0, 0.1, 10), range(10))
    b = series(base, range(10))
    est = difference_interval(a, b)
    assert est.paired and est.n == 10
    d = a.values - b.values
    assert est.mean == pytest.approx(d.mean())
    assert stats.ttest_1samp(d, est.lo).pvalue == pytest.approx(0.05)
    # order of the replicates does not matter
    assert difference_interval(a, b.iloc[::-1]).mean == pytest.approx(est.mean)


def test_welch_difference_when_replicates_differ(rng):
    a = series(rng.normal(1, 1, 8), range(8))
    b = series(rng.normal(0, 2, 11), range(100, 111))
    est = difference_interval(a, b)
    assert not est.paired
    for end in (est.lo, est.hi):
        p = stats.ttest_ind(a.values - end, b.values, equal_var=False).pvalue
        assert p == pytest.approx(0.05)


def test_cost_per_gain_point_and_bootstrap(rng):
    base = series(rng.normal(0, 0.1, 20), range(20))
    att = series(base.values + 0.2 + rng.normal(0, 0.02, 20), range(20))
    money = series(rng.normal(1e6, 1e4, 20), range(20))
    est = cost_per_gain(money, att, base, seed=1)
    assert est.paired
    assert est.mean == pytest.approx(money.mean() / (att.mean() - base.mean()))
    assert est.lo < est.mean < est.hi
    assert cost_per_gain(money, att, base, seed=1) == est  # seeded


def test_cost_without_gain_is_nan():
    base = series([0.5, 0.6], [0, 1])
    est = cost_per_gain(series([1.0, 1.0], [0, 1]), series([0.1, 0.2], [0, 1]), base)
    assert math.isnan(est.mean) and not est.has_interval
