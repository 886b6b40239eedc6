"""Means, differences and ratios across replicates with confidence intervals.

Every function takes numpy arrays (and lists), pandas Series or xarray DataArrays.
Series are indexed by replicate key (``(seed, replicate)`` in :mod:`schoolsim.compare`);
a DataArray over ``run`` is keyed by its ``seed`` and ``replicate`` coordinates (else by
``replicate``, else by ``run``). Plain arrays carry no replicate labels: two of them are
paired only when asked (``paired=True``, by position).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr
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


def replicate_series(values):
    """Values as a float Series indexed by replicate key, and whether that key is real.

    Args:
        values: A Series (index kept), a DataArray (1-D over ``run``, keyed by its ``seed``
            and ``replicate`` coordinates when present, or 0-D), a numpy array, list or scalar.

    Returns:
        ``(series, labelled)``: ``labelled`` is False for plain arrays (positional index).

    Raises:
        ValueError: A DataArray with more than one dimension.
    """
    if isinstance(values, pd.Series):
        return values.astype(float), True
    if isinstance(values, xr.DataArray):
        da = values.squeeze(drop=True) if values.ndim > 1 else values
        if da.ndim > 1:
            raise ValueError(f"expected values over one dimension (run), got dimensions {da.dims}: "
                             "select a term and category first")
        data = np.atleast_1d(da.values).astype(float)
        if da.ndim == 0:
            return pd.Series(data), False
        dim = da.dims[0]
        names = [c for c in ("seed", "replicate") if c in da.coords and da[c].dims == (dim,)]
        if names:
            arrays = [da[c].values.astype(int) for c in names]
            index = pd.MultiIndex.from_arrays(arrays, names=names) if len(names) > 1 \
                else pd.Index(arrays[0], name=names[0])
            return pd.Series(data, index=index), True
        return pd.Series(data, index=pd.Index(da[dim].values, name=dim)), dim in da.coords
    return pd.Series(np.atleast_1d(np.asarray(values, float))), False


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
    """Replicates pair up when both have the same replicate keys, at least two of them.

    Plain arrays (no replicate labels) never pair automatically.
    """
    (a, la), (b, lb) = replicate_series(a), replicate_series(b)
    return la and lb and len(a) >= 2 and len(a) == len(b) and set(a.index) == set(b.index)


def difference_interval(a, b, conf=0.95, paired=None):
    """Difference of means ``mean(a) - mean(b)`` with a confidence interval.

    Paired (Student-t interval of the per-replicate differences) when :func:`is_paired`,
    else Welch's interval; no interval when either side has fewer than two values.

    Args:
        a: Values of the scenario: Series indexed by replicate key, DataArray over ``run``,
            or a numpy array.
        b: Values of the reference, the same kinds.
        conf: Confidence level.
        paired: ``None`` pairs by replicate key when both sides have the same keys (plain
            arrays never); ``True`` insists on pairing (by key, or by position for plain
            arrays of equal length); ``False`` always uses Welch.

    Returns:
        An :class:`Estimate`.

    Raises:
        ValueError: ``paired=True`` but the replicates do not pair up.
    """
    (sa, la), (sb, lb) = replicate_series(a), replicate_series(b)
    if paired is None:
        paired = is_paired(sa if la else np.asarray(sa), sb if lb else np.asarray(sb))
    elif paired:
        if la and lb:
            if len(sa) != len(sb) or set(sa.index) != set(sb.index):
                raise ValueError("paired=True but the two sides have different replicates")
        elif len(sa) != len(sb):
            raise ValueError(f"paired=True needs as many values on each side ({len(sa)} != {len(sb)})")
        else:
            sa, sb = sa.reset_index(drop=True), sb.reset_index(drop=True)
    if paired:
        est = mean_interval(sa - sb.reindex(sa.index), conf)
        return Estimate(est.mean, est.lo, est.hi, est.n, paired=True)
    a, b = sa, sb
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
    money, attainment = replicate_series(money)[0], replicate_series(attainment)[0]
    gain = difference_interval(attainment, baseline, conf)
    baseline = replicate_series(baseline)[0]
    point = float(_ratio(np.mean(money), gain.mean)) if gain.mean > 0 else math.nan
    m, a = np.asarray(money, float), np.asarray(attainment, float)
    b = np.asarray(baseline.reindex(attainment.index) if gain.paired else baseline, float)
    if math.isnan(point) or m.size < 2 or b.size < 2:
        return Estimate(point, n=gain.n, paired=gain.paired)
    rng = np.random.default_rng(seed)
    i = rng.integers(0, m.size, size=(n_boot, m.size))
    j = i if gain.paired else rng.integers(0, b.size, size=(n_boot, b.size))
    ratios = _ratio(m[i].mean(axis=1), a[i].mean(axis=1) - b[j].mean(axis=1))
    with np.errstate(invalid="ignore"):  # interpolating between two inf resamples gives NaN: inf
        lo, hi = np.nan_to_num(np.quantile(ratios, [0.5 - conf / 2, 0.5 + conf / 2]), nan=np.inf,
                               posinf=np.inf)
    return Estimate(point, float(lo), float(hi), gain.n, gain.paired)


def covers_zero(est):
    """True when the interval of a difference contains 0 (no interval: False)."""
    return est.has_interval and est.lo <= 0.0 <= est.hi


def verdict(est):
    """The plain-words reading of a difference: no effect, increase, decrease or no interval.

    ``"no effect"`` when the confidence interval covers 0 (the data cannot tell the
    scenarios apart at that level); ``"increase"``/``"decrease"`` when it lies above/below
    0; ``"no interval"`` (single runs) or ``"n/a"`` (no value).
    """
    if math.isnan(est.mean):
        return "n/a"
    if not est.has_interval:
        return "no interval"
    if covers_zero(est):
        return "no effect"
    return "increase" if est.lo > 0 else "decrease"


def as_frame(estimates):
    """DataFrame of ``{key: Estimate}`` with columns mean, lo, hi, n, paired."""
    keys = list(estimates)
    index = pd.MultiIndex.from_arrays([[k[0] for k in keys], [k[1] for k in keys]],
                                      names=["scenario", "metric"])
    return pd.DataFrame([(e.mean, e.lo, e.hi, e.n, e.paired) for e in estimates.values()],
                        index=index, columns=["mean", "lo", "hi", "n", "paired"])
