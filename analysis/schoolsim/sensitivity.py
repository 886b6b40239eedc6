"""Global sensitivity analysis: Morris elementary effects and Sobol indices.

Estimators work on plain arrays; the ``*_from_sweep`` helpers read the design metadata of a
sweep Dataset (``saltelli_block``/``saltelli_index`` or ``morris_trajectory``/
``morris_step``), average each design point over its replicates and return one row per
swept parameter.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .designs import morris_sample, saltelli_sample
from .runs import sweep_parameters

__all__ = [
    "morris_effects",
    "morris_from_sweep",
    "morris_sample",
    "saltelli_sample",
    "sensitivity_from_sweep",
    "sobol_from_sweep",
    "sobol_indices",
]


# --------------------------------------------------------------------------- Sobol


def _sobol_estimates(f_a, f_b, f_ab):
    """First-order (Saltelli 2010) and total (Jansen 1999) indices.

    Args:
        f_a: Outputs at A, shape ``(..., n)``.
        f_b: Outputs at B, shape ``(..., n)``.
        f_ab: Outputs at AB_i, shape ``(..., k, n)``.

    Returns:
        ``(S1, ST)``, each of shape ``(..., k)``.
    """
    both = np.concatenate([f_a, f_b], axis=-1)
    variance = np.var(both, axis=-1)[..., None]
    centre = np.mean(both, axis=-1)[..., None, None]
    a, b = f_a[..., None, :], f_b[..., None, :] - centre
    first = np.mean(b * (f_ab - a), axis=-1) / variance
    total = 0.5 * np.mean((a - f_ab) ** 2, axis=-1) / variance
    return first, total


def _bootstrap(f_a, f_b, f_ab, n_boot, seed):
    """Bootstrap replicates of (S1, ST), resampling base samples with a seeded Generator."""
    rng = np.random.default_rng(seed)
    n = f_a.size
    chunk = max(1, 4_000_000 // (f_ab.size + 2 * n))
    first, total = [], []
    for start in range(0, n_boot, chunk):
        idx = rng.integers(0, n, size=(min(chunk, n_boot - start), n))
        s1, st = _sobol_estimates(f_a[idx], f_b[idx], np.moveaxis(f_ab[:, idx], 0, 1))
        first.append(s1)
        total.append(st)
    return np.concatenate(first), np.concatenate(total)


def sobol_indices(f_A, f_B, f_AB, names=None, n_boot=1000, conf=0.95, seed=0):  # noqa: N803
    """Estimates first-order and total Sobol indices from A, B and AB_i samples.

    ``AB_i`` is matrix A with column i taken from B. First order:
    ``S_i = mean((f(B) - m) (f(AB_i) - f(A))) / V`` (Saltelli et al. 2010, table 2 (b));
    total: ``ST_i = mean((f(A) - f(AB_i))^2) / (2 V)`` (Jansen 1999), with ``m`` and ``V``
    the mean and variance of f over A and B together. Centring f(B) on ``m`` (as SALib
    does by standardising outputs) leaves the expectation unchanged but stops the variance
    of the estimate growing with the output's mean. Confidence intervals are bootstrap
    percentile intervals over the ``n`` base samples.

    Args:
        f_A: Outputs at A, shape ``(n,)``.
        f_B: Outputs at B, shape ``(n,)``.
        f_AB: Outputs at AB_i, shape ``(k, n)``.
        names: Parameter names (default ``x0..x{k-1}``).
        n_boot: Number of bootstrap resamples (0 for none).
        conf: Confidence level of the intervals.
        seed: Seed of the bootstrap's ``numpy.random.Generator``.

    Returns:
        A DataFrame indexed by parameter with columns ``S1``, ``S1_lo``, ``S1_hi``,
        ``S1_se``, ``ST``, ``ST_lo``, ``ST_hi``, ``ST_se`` (``_se`` is the bootstrap
        standard deviation); ``attrs`` holds ``n``, ``n_boot``, ``conf`` and ``seed``.
    """
    f_a, f_b = np.asarray(f_A, float), np.asarray(f_B, float)
    f_ab = np.atleast_2d(np.asarray(f_AB, float))
    k, n = f_ab.shape
    if f_a.shape != (n,) or f_b.shape != (n,):
        raise ValueError(f"f_A and f_B must have shape ({n},) like the rows of f_AB")
    names = list(names) if names is not None else [f"x{i}" for i in range(k)]
    first, total = _sobol_estimates(f_a, f_b, f_ab)
    out = pd.DataFrame({"S1": first, "ST": total}, index=pd.Index(names, name="parameter"))
    tail = (1.0 - conf) / 2.0
    boot = _bootstrap(f_a, f_b, f_ab, n_boot, seed) if n_boot else None
    for col, i in (("S1", 0), ("ST", 1)):
        if boot is None:
            out[[f"{col}_lo", f"{col}_hi", f"{col}_se"]] = np.nan
            continue
        out[f"{col}_lo"], out[f"{col}_hi"] = np.quantile(boot[i], [tail, 1 - tail], axis=0)
        out[f"{col}_se"] = boot[i].std(axis=0, ddof=1)
    out = out[["S1", "S1_lo", "S1_hi", "S1_se", "ST", "ST_lo", "ST_hi", "ST_se"]]
    out.attrs.update(n=n, n_boot=n_boot, conf=conf, seed=seed)
    return out


# --------------------------------------------------------------------------- Morris


def morris_effects(X, y, trajectory, step, bounds=None, names=None):  # noqa: N803
    """Morris (1991) elementary effects and their mu, mu* (Campolongo 2007) and sigma.

    The elementary effect of a step that moves factor i by ``dx`` is
    ``(y_s - y_{s-1}) / (dx / range_i)``: the change in y per full range of factor i, so a
    linear ``y = c x`` gives ``mu* = |c| * range`` exactly.

    Args:
        X: Points, shape ``(m, k)``.
        y: Outputs, shape ``(m,)``; steps touching a NaN are skipped.
        trajectory: Trajectory of each point.
        step: Position of each point within its trajectory.
        bounds: ``k`` pairs ``(min, max)``; default the observed range of each column.
        names: Factor names (default ``x0..x{k-1}``).

    Returns:
        A DataFrame indexed by parameter with columns ``mu``, ``mu_star``, ``sigma``
        (sample standard deviation, ddof 1) and ``n_effects``.

    Raises:
        ValueError: A step moves no factor or more than one.
    """
    X, y = np.asarray(X, float), np.asarray(y, float)  # noqa: N806
    k = X.shape[1]
    if bounds is None:
        span = X.max(axis=0) - X.min(axis=0)
    else:
        bounds = np.asarray(bounds, float)
        span = bounds[:, 1] - bounds[:, 0]
    order = np.lexsort((np.asarray(step), np.asarray(trajectory)))
    X, y, trajectory = X[order], y[order], np.asarray(trajectory)[order]  # noqa: N806
    effects = [[] for _ in range(k)]
    for j in np.flatnonzero(trajectory[1:] == trajectory[:-1]) + 1:
        dx = X[j] - X[j - 1]
        moved = np.flatnonzero(np.abs(dx) > 1e-12 * np.maximum(span, 1.0))
        if moved.size != 1:
            raise ValueError(f"step to row {order[j]} moves {moved.size} factors, expected 1")
        i = moved[0]
        if np.isfinite(y[j]) and np.isfinite(y[j - 1]):
            effects[i].append((y[j] - y[j - 1]) / (dx[i] / span[i]))
    names = list(names) if names is not None else [f"x{i}" for i in range(k)]
    rows = [{
        "mu": np.mean(e) if e else np.nan,
        "mu_star": np.mean(np.abs(e)) if e else np.nan,
        "sigma": np.std(e, ddof=1) if len(e) > 1 else np.nan,
        "n_effects": len(e),
    } for e in effects]
    return pd.DataFrame(rows, index=pd.Index(names, name="parameter"))


# --------------------------------------------------------------------------- sweeps


def _metric_over_run(ds, metric, term):
    da = ds[metric] if isinstance(metric, str) else metric
    if "term" in da.dims:
        da = da.isel(term=term)
    extra = [d for d in da.dims if d != "run"]
    if extra or "run" not in da.dims:
        raise ValueError(f"metric must reduce to the 'run' dimension; it has {da.dims}: "
                         f"select or reduce {extra} first (e.g. .sel(phase='primary'))")
    return np.asarray(da.values, float)


def _design_means(ds, metric, term, keys):
    """Mean of the metric over the ok replicates of each design point, with parameters."""
    params = list(sweep_parameters(ds))
    frame = pd.DataFrame({name: ds[name].values for name in keys + params})
    frame["y"] = _metric_over_run(ds, metric, term)
    if "run_status" in ds.variables:
        frame.loc[ds["run_status"].values != 0, "y"] = np.nan
    grouped = frame.groupby(keys)
    means = grouped[params].first()
    means["y"] = grouped["y"].mean()  # NaN only when every replicate failed
    return means, params


def _ab_columns(table, params, k):
    """Finds, for each AB block, the parameter taken from B (the only one differing from A)."""
    a = table.xs(0, level=0)[params]
    columns = []
    for block in range(2, k + 2):
        differs = ~np.isclose(table.xs(block, level=0)[params].values, a.values)
        moved = np.flatnonzero(differs.any(axis=0))
        if moved.size != 1:
            raise ValueError(f"saltelli block {block} differs from A in {moved.size} parameters, "
                             "expected 1")
        columns.append(int(moved[0]))
    return columns


def sobol_from_sweep(ds, metric, term=-1, n_boot=1000, conf=0.95, seed=0):
    """Sobol indices of a metric from a sweep with a Saltelli design.

    Args:
        ds: A sweep Dataset with ``saltelli_block`` and ``saltelli_index`` over ``run``.
        metric: Variable name or DataArray over ``run`` (and ``term``).
        term: Term index used when the metric has a ``term`` dimension.
        n_boot: Bootstrap resamples for the intervals.
        conf: Confidence level.
        seed: Seed of the bootstrap.

    Returns:
        The DataFrame of :func:`sobol_indices`, indexed by dotted parameter key. Base
        samples with a design point whose replicates all failed are dropped;
        ``attrs["dropped"]`` counts them.
    """
    if "saltelli_block" not in ds.variables or "saltelli_index" not in ds.variables:
        raise ValueError("sweep has no Saltelli design metadata (saltelli_block, saltelli_index)"
                         f"; its sweep_design is {ds.attrs.get('sweep_design', 'unknown')!r}")
    means, params = _design_means(ds, metric, term, ["saltelli_block", "saltelli_index"])
    k = len(params)
    y = means["y"].unstack(0).reindex(columns=range(k + 2))
    complete = y.notna().all(axis=1)
    y = y[complete]
    columns = _ab_columns(means, params, k)
    f_ab = np.empty((k, len(y)))
    for block, column in enumerate(columns, start=2):
        f_ab[column] = y[block].values
    keys = sweep_parameters(ds)
    out = sobol_indices(y[0].values, y[1].values, f_ab, names=[keys[p] for p in params],
                        n_boot=n_boot, conf=conf, seed=seed)
    out.attrs["dropped"] = int((~complete).sum())
    return out


def _bounds_of(ds, params):
    bounds = []
    for name in params:
        attrs = ds[name].attrs
        if "valid_min" in attrs and "valid_max" in attrs:
            bounds.append((float(attrs["valid_min"]), float(attrs["valid_max"])))
        else:
            values = ds[name].values
            bounds.append((float(values.min()), float(values.max())))
    return bounds


def morris_from_sweep(ds, metric, term=-1):
    """Morris mu, mu* and sigma of a metric from a sweep with a Morris design.

    Elementary effects are scaled by each parameter's range, taken from its ``valid_min``
    and ``valid_max`` attributes (else the observed range).

    Args:
        ds: A sweep Dataset with ``morris_trajectory`` and ``morris_step`` over ``run``.
        metric: Variable name or DataArray over ``run`` (and ``term``).
        term: Term index used when the metric has a ``term`` dimension.

    Returns:
        The DataFrame of :func:`morris_effects`, indexed by dotted parameter key.
    """
    if "morris_trajectory" not in ds.variables or "morris_step" not in ds.variables:
        raise ValueError("sweep has no Morris design metadata (morris_trajectory, morris_step)"
                         f"; its sweep_design is {ds.attrs.get('sweep_design', 'unknown')!r}")
    means, params = _design_means(ds, metric, term, ["morris_trajectory", "morris_step"])
    keys = sweep_parameters(ds)
    return morris_effects(
        means[params].values, means["y"].values,
        means.index.get_level_values(0).values, means.index.get_level_values(1).values,
        bounds=_bounds_of(ds, params), names=[keys[p] for p in params])


def sensitivity_from_sweep(ds, metric, term=-1, **kwargs):
    """Runs :func:`sobol_from_sweep` or :func:`morris_from_sweep` by the sweep's design."""
    if "saltelli_block" in ds.variables:
        return sobol_from_sweep(ds, metric, term, **kwargs)
    if "morris_trajectory" in ds.variables:
        return morris_from_sweep(ds, metric, term)
    raise ValueError(f"sweep design {ds.attrs.get('sweep_design', 'unknown')!r} carries no "
                     "Saltelli or Morris metadata")
