"""Means, differences and ratios across replicates with confidence intervals."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats


@dataclass(frozen=True)
class Estimate:
    """A point estimate with an optional confidence interval.

    Attributes:
        mean: The estimate.
        lo: Lower bound (NaN without an interval, e.g. from a single run).
        hi: Upper bound (NaN without an interval; may be ``inf``).
        n: Number of replicates (pairs, for paired differences) behind it.
        paired: Whether a difference was computed from paired replicates.
    """

    mean: float
    lo: float = math.nan
    hi: float = math.nan
    n: int = 1
    paired: bool = False

    @property
    def has_interval(self):
        """True when ``lo`` and ``hi`` are set."""
        return not (math.isnan(self.lo) or math.isnan(self.hi))


def _finite(values):
    values = np.asarray(values, float)
    return values[np.isfinite(values)]


def mean_interval(values, conf=0.95):
    """Mean with a Student-t confidence interval (no interval for fewer than 2 values)."""
    v = _finite(values)
    if v.size == 0:
        return Estimate(math.nan, n=0)
    mean = float(v.mean())
    if v.size < 2:
        return Estimate(mean, n=1)
    half = stats.t.ppf(0.5 + conf / 2, v.size - 1) * v.std(ddof=1) / math.sqrt(v.size)
    return Estimate(mean, mean - half, mean + half, v.size)


def is_paired(a, b):
    """Replicates pair up when both Series have the same index (seed, replicate) of size >= 2."""
    return len(a) >= 2 and len(a) == len(b) and set(a.index) == set(b.index)


def difference_interval(a, b, conf=0.95):
    """Difference of means ``mean(a) - mean(b)`` with a confidence interval.

    Paired (t-interval of the per-replicate differences) when :func:`is_paired`, else
    Welch's interval; no interval when either side has fewer than two values.

    Args:
        a: Values indexed by replicate key.
        b: Values indexed by replicate key.
        conf: Confidence level.

    Returns:
        An :class:`Estimate`.
    """
    if is_paired(a, b):
        est = mean_interval(a - b.reindex(a.index), conf)
        return Estimate(est.mean, est.lo, est.hi, est.n, paired=True)
    x, y = _finite(a), _finite(b)
    diff = float(x.mean() - y.mean()) if x.size and y.size else math.nan
    if x.size < 2 or y.size < 2:
        return Estimate(diff, n=min(x.size, y.size))
    vx, vy = x.var(ddof=1) / x.size, y.var(ddof=1) / y.size
    if vx + vy == 0:
        return Estimate(diff, diff, diff, min(x.size, y.size))
    dof = (vx + vy) ** 2 / (vx ** 2 / (x.size - 1) + vy ** 2 / (y.size - 1))
    half = stats.t.ppf(0.5 + conf / 2, dof) * math.sqrt(vx + vy)
    return Estimate(diff, diff - half, diff + half, min(x.size, y.size))


def _ratio(num, gain):
    return np.where(gain > 0, num / np.where(gain > 0, gain, 1.0), np.inf)


def cost_per_gain(money, attainment, baseline, conf=0.95, n_boot=2000, seed=0):
    """Money spent per unit of mean attainment gained over a baseline.

    ``mean(money) / (mean(attainment) - mean(baseline))``; NaN when the gain is not
    positive. The interval is a percentile bootstrap (seeded ``numpy`` Generator) over
    replicates, resampled jointly when paired; resamples without a gain count as ``inf``.

    Args:
        money: Money spent at the last term, indexed by replicate key.
        attainment: Mean attainment of the scenario, same index as ``money``.
        baseline: Mean attainment of the baseline scenario.
        conf: Confidence level.
        n_boot: Bootstrap resamples.
        seed: Seed of the bootstrap.

    Returns:
        An :class:`Estimate`.
    """
    gain = difference_interval(attainment, baseline, conf)
    point = float(_ratio(np.mean(money), gain.mean)) if gain.mean > 0 else math.nan
    m, a = np.asarray(money, float), np.asarray(attainment, float)
    b = np.asarray(baseline.reindex(attainment.index) if gain.paired else baseline, float)
    if math.isnan(point) or m.size < 2 or b.size < 2:
        return Estimate(point, n=gain.n, paired=gain.paired)
    rng = np.random.default_rng(seed)
    i = rng.integers(0, m.size, size=(n_boot, m.size))
    j = i if gain.paired else rng.integers(0, b.size, size=(n_boot, b.size))
    ratios = _ratio(m[i].mean(axis=1), a[i].mean(axis=1) - b[j].mean(axis=1))
    lo, hi = np.quantile(ratios, [0.5 - conf / 2, 0.5 + conf / 2])
    return Estimate(point, float(lo), float(hi), gain.n, gain.paired)


def as_frame(estimates):
    """DataFrame of ``{key: Estimate}`` with columns mean, lo, hi, n, paired."""
    keys = list(estimates)
    index = pd.MultiIndex.from_arrays([[k[0] for k in keys], [k[1] for k in keys]],
                                      names=["scenario", "metric"])
    return pd.DataFrame([(e.mean, e.lo, e.hi, e.n, e.paired) for e in estimates.values()],
                        index=index, columns=["mean", "lo", "hi", "n", "paired"])
