"""Matplotlib figures of runs and sweeps.

Every function draws on ``ax`` (a new figure when ``None``) and returns the Figure.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.collections import LineCollection

from .events import active_partnerships
from .events import partnerships as event_table
from .runs import ok_runs, parameter_name, sweep_parameters

GRADE_NAMES = {1: "outstanding", 2: "good", 3: "requires improvement", 4: "inadequate"}
GRADE_COLOURS = {1: "#1a9850", 2: "#91cf60", 3: "#fc8d59", 4: "#d73027"}
TYPE_COLOURS = {"pair": "tab:blue", "network": "tab:orange", "federation": "tab:purple",
                "mat": "tab:red"}
FAN_BANDS = ((0.05, 0.95), (0.10, 0.90), (0.25, 0.75))


def _axes(ax):
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.0, 4.5), layout="constrained")
        return fig, ax
    return ax.figure, ax


def axis_label(da):
    """``long_name [units]`` of a variable (units omitted when dimensionless)."""
    name = da.attrs.get("long_name", da.name)
    units = da.attrs.get("units")
    return f"{name} [{units}]" if units and units != "1" else str(name)


def scenario_label(ds, i=0):
    """A short label for a Dataset: its scenario name, else its file name, else its position."""
    if ds.attrs.get("scenario_name"):
        return str(ds.attrs["scenario_name"])
    if ds.attrs.get("source_file"):
        return Path(ds.attrs["source_file"]).stem
    return f"scenario {i + 1}"


def metric_over_time(ds, metric):
    """The metric of the ok runs, checked to be over ``term`` (and ``run``) only.

    Raises:
        KeyError: ``metric`` is not a variable of ``ds``.
        ValueError: The metric has other dimensions (select them first).
    """
    if metric not in ds.variables:
        names = sorted(n for n in ds.data_vars if "term" in ds[n].dims)
        raise KeyError(f"no metric {metric!r}; metrics over term: {', '.join(names)}")
    da = ok_runs(ds)[metric]
    extra = [d for d in da.dims if d not in ("run", "term")]
    if extra or "term" not in da.dims:
        raise ValueError(f"{metric} has dimensions {da.dims}: select {extra} first, "
                         f"e.g. ds.sel({extra[0] if extra else 'term'}=...)")
    return da


def plot_trajectories(data, metric, labels=None, band=(0.05, 0.95), ax=None):
    """Plots a system metric over terms for one or several scenarios.

    For a sweep, the line is the mean over its ok runs and the shaded band spans the
    ``band`` quantiles across runs (select one design point first with
    :func:`schoolsim.select_runs` so that the band shows replicate variation only).

    Args:
        data: A Dataset or a list of Datasets (runs or sweeps).
        metric: Variable over ``term`` (and ``run``), e.g. ``"attainment_sd"``.
        labels: One label per Dataset; defaults to the scenario names.
        band: Lower and upper quantile of the band across runs; ``None`` for no band.
        ax: Axes to draw on.

    Returns:
        The Figure.
    """
    datasets = [data] if isinstance(data, xr.Dataset) else list(data)
    explicit = labels is not None
    labels = list(labels) if labels is not None else [scenario_label(d, i) for i, d in enumerate(datasets)]
    if len(labels) != len(datasets):
        raise ValueError(f"{len(labels)} labels for {len(datasets)} datasets")
    fig, ax = _axes(ax)
    for ds, label in zip(datasets, labels):
        da = metric_over_time(ds, metric)
        terms = da["term"].values
        if "run" not in da.dims:
            ax.plot(terms, da.values, label=label)
            continue
        values = da.transpose("run", "term").values
        (line,) = ax.plot(terms, np.nanmean(values, axis=0), label=label)
        if band is not None and values.shape[0] > 1:
            lo, hi = np.nanquantile(values, band, axis=0)
            ax.fill_between(terms, lo, hi, color=line.get_color(), alpha=0.25, linewidth=0)
    ax.set_xlabel("term")
    ax.set_ylabel(axis_label(da))
    ax.set_title(metric)
    if explicit or len(datasets) > 1:
        ax.legend()
    return fig


def plot_response_surface(sweep_ds, x, y, metric, term=-1, ax=None, cmap="viridis"):
    """Heatmap of a metric's mean over replicates against two swept parameters.

    A full grid of (x, y) values is drawn as cells; any other design as coloured points.

    Args:
        sweep_ds: A sweep Dataset.
        x: Parameter on the horizontal axis (dotted key or variable name).
        y: Parameter on the vertical axis.
        metric: Variable over ``run`` (and ``term``).
        term: Term index when the metric has a ``term`` dimension.
        ax: Axes to draw on.
        cmap: Colour map.

    Returns:
        The Figure.
    """
    if "run" not in sweep_ds.dims:
        raise ValueError("plot_response_surface needs a sweep (a Dataset with a 'run' dimension)")
    xname, yname = parameter_name(sweep_ds, x), parameter_name(sweep_ds, y)
    ds = ok_runs(sweep_ds)
    da = ds[metric].isel(term=term) if "term" in ds[metric].dims else ds[metric]
    if da.dims != ("run",):
        raise ValueError(f"{metric} has dimensions {ds[metric].dims}: select all but run and term")
    frame = pd.DataFrame({"x": ds[xname].values, "y": ds[yname].values, "v": da.values})
    means = frame.groupby(["x", "y"])["v"].mean()
    surface = means.unstack("y")
    fig, ax = _axes(ax)
    if surface.notna().all().all():
        mesh = ax.pcolormesh(surface.index.values, surface.columns.values, surface.values.T,
                             shading="nearest", cmap=cmap)
    else:
        xy = means.index.to_frame()
        mesh = ax.scatter(xy["x"], xy["y"], c=means.values, cmap=cmap, s=40)
    keys = sweep_parameters(sweep_ds)
    fig.colorbar(mesh, ax=ax, label=axis_label(ds[metric]))
    ax.set_xlabel(keys[xname])
    ax.set_ylabel(keys[yname])
    when = f" at term {int(ds['term'].values[term])}" if "term" in ds[metric].dims else ""
    ax.set_title(f"{metric}{when}: mean over replicates")
    return fig


def plot_distribution(ds, term=None, variable="school_attainment", bands=FAN_BANDS, ax=None):
    """Distribution of school attainment: a fan chart over terms, or a histogram at one term.

    Quantiles pool the schools of every ok run.

    Args:
        ds: A run or sweep Dataset with per-school trajectories.
        term: ``None`` for the fan chart over all terms; a term index for a histogram.
        variable: Per-school variable over ``term`` and ``school``.
        bands: Quantile pairs of the fan, outermost first.
        ax: Axes to draw on.

    Returns:
        The Figure.
    """
    ds = ok_runs(ds)
    if variable not in ds.variables:
        raise KeyError(f"no per-school variable {variable!r} (written only with output.per_school)")
    da = ds[variable]
    fig, ax = _axes(ax)
    if term is not None:
        values = da.isel(term=term).values.ravel()
        ax.hist(values[np.isfinite(values)], bins="auto", color="tab:blue", alpha=0.8)
        ax.set_xlabel(axis_label(da))
        ax.set_ylabel("schools" if "run" not in da.dims else "schools x runs")
        ax.set_title(f"{scenario_label(ds)}: term {int(ds['term'].values[term])}")
        return fig
    terms = da["term"].values
    values = da.transpose("term", ...).values.reshape(terms.size, -1)
    for i, (lo, hi) in enumerate(bands):
        q = np.nanquantile(values, [lo, hi], axis=1)
        ax.fill_between(terms, q[0], q[1], color="tab:blue", alpha=0.15 + 0.15 * i,
                        linewidth=0, label=f"{lo:.0%}-{hi:.0%}")
    ax.plot(terms, np.nanmedian(values, axis=1), color="navy", label="median")
    ax.set_xlabel("term")
    ax.set_ylabel(axis_label(da))
    ax.set_title(f"{scenario_label(ds)}: distribution over schools")
    ax.legend(loc="best")
    return fig


def _links(active, xy):
    """Line segments of the active partnerships by type: a star from each first member."""
    out = {}
    for ptype, group in active.groupby("type", observed=True):
        out[str(ptype)] = [[xy[m[0]], xy[other]] for m in group["members"] for other in m[1:]]
    return out


def plot_map(ds, term=-1, partnerships=None, run=0, variable="school_attainment", ax=None,
             cmap="viridis"):
    """Map of schools coloured by attainment, with the partnerships active at the term.

    Each partnership is drawn as a star from its first member to the others, coloured by
    type. Active means formed at or before the term and not ended at or before it.

    Args:
        ds: A run or sweep Dataset.
        term: Term index.
        partnerships: Event DataFrame from :func:`schoolsim.partnerships`; ``None`` reads
            the Dataset's own event table (if any); ``False`` draws no links.
        run: Run index for sweeps.
        variable: Per-school variable for the colours.
        ax: Axes to draw on.
        cmap: Colour map.

    Returns:
        The Figure.
    """
    run_value = None
    if "run" in ds.dims:
        run_value = int(ds["run"].values[run])
        one = ds.isel(run=run)
    else:
        one = ds
    t = int(ds["term"].values[term])
    fig, ax = _axes(ax)
    values = one[variable].isel(term=term).values
    size = float(np.clip(4000.0 / max(values.size, 1), 1.0, 20.0))  # smaller when crowded
    points = ax.scatter(ds["x"].values, ds["y"].values, c=values, cmap=cmap, s=size, zorder=3,
                        edgecolors="none")
    fig.colorbar(points, ax=ax, label=axis_label(one[variable]))
    if partnerships is None and "event_term" in ds.variables:
        partnerships = event_table(ds)
    if partnerships is not None and partnerships is not False:
        xy = np.column_stack([ds["x"].values, ds["y"].values])
        active = active_partnerships(partnerships, t, run=run_value)
        for ptype, segments in _links(active, xy).items():
            count = int((active["type"] == ptype).sum())
            ax.add_collection(LineCollection(segments, colors=TYPE_COLOURS.get(ptype, "grey"),
                                             linewidths=1.0, alpha=0.8, zorder=2,
                                             label=f"{ptype} ({count})"))
        if len(active):
            ax.legend(loc="upper right", title="active partnerships", fontsize="small")
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel(axis_label(ds["x"]))
    ax.set_ylabel(axis_label(ds["y"]))
    ax.set_title(f"{scenario_label(ds)}: term {t}" + (f", run {run_value}" if run_value is not None else ""))
    return fig


def plot_grade_shares(ds, phase=None, ax=None):
    """Stacked area of the share of schools per inspection grade over terms.

    Args:
        ds: A run or sweep Dataset (sweeps: mean over ok runs).
        phase: ``"primary"`` or ``"secondary"`` to use ``grade_share_by_phase``.
        ax: Axes to draw on.

    Returns:
        The Figure.
    """
    ds = ok_runs(ds)
    da = ds["grade_share"] if phase is None else ds["grade_share_by_phase"].sel(phase=phase)
    if "run" in da.dims:
        da = da.mean("run")
    shares = da.transpose("term", "grade").values
    grades = [int(g) for g in da["grade"].values]
    fig, ax = _axes(ax)
    terms = da["term"].values
    ax.stackplot(terms, shares.T, labels=[GRADE_NAMES.get(g, str(g)) for g in grades],
                 colors=[GRADE_COLOURS.get(g, "grey") for g in grades])
    ax.set_ylim(0, 1)
    ax.set_xlim(terms[0], terms[-1])
    ax.set_xlabel("term")
    ax.set_ylabel("share of schools")
    ax.set_title(f"{scenario_label(ds)}: inspection grades" + (f" ({phase})" if phase else ""))
    ax.legend(loc="lower left", fontsize="small")
    return fig
