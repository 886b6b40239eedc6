"""Matplotlib figures of runs and sweeps.

Every function draws on ``ax`` (a new figure when ``None``) and returns the Figure.
Titles and axis labels are in words with units (long names wrapped), time is in school
years (3 terms a year; ``time="terms"`` for terms) and colours come from the Okabe-Ito
palette, which stays distinct for the common forms of colour blindness.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.collections import LineCollection
from matplotlib.patches import Patch

from scipy import stats

from .events import active_partnerships
from .events import partnerships as event_table
from .runs import ok_runs, parameter_name, sweep_parameters

#: Okabe & Ito (2008) colour-blind-safe palette, the order lines are drawn in.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442")
GRADE_NAMES = {1: "outstanding", 2: "good", 3: "requires improvement", 4: "inadequate"}
GRADE_COLOURS = {1: "#0072B2", 2: "#56B4E9", 3: "#E69F00", 4: "#D55E00"}
TYPE_COLOURS = {"pair": "#0072B2", "network": "#E69F00", "federation": "#009E73", "mat": "#CC79A7"}
FAN_BANDS = ((0.05, 0.95), (0.10, 0.90), (0.25, 0.75))
#: Terms per school year (docs/MODEL.md).
TERMS_PER_YEAR = 3
#: Units of the output format in words.
UNIT_WORDS = {"pupil_sd": "pupil SD", "GBP": "£", "pupils": "pupils", "km": "km", "term": "terms",
              "GBP per pupil_sd": "£ per pupil SD"}
#: Characters per line of wrapped titles and axis labels.
WRAP = 48


def colour(i):
    """The ``i``-th colour of :data:`PALETTE` (cycling)."""
    return PALETTE[i % len(PALETTE)]


def _axes(ax):
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.0, 4.5), layout="constrained")
        return fig, ax
    return ax.figure, ax


def wrap(text, width=WRAP):
    """``text`` broken into lines of at most ``width`` characters."""
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def units_in_words(units):
    """``"pupil_sd"`` -> ``"pupil SD"``; empty for dimensionless (``"1"``) or missing units."""
    if not units or units == "1":
        return ""
    return UNIT_WORDS.get(str(units), str(units).replace("_", " "))


def axis_label(da, width=WRAP):
    """``long_name (units in words)`` of a variable, wrapped (units omitted when dimensionless)."""
    name = da.attrs.get("long_name", da.name)
    units = units_in_words(da.attrs.get("units"))
    return wrap(f"{name} ({units})" if units else str(name), width)


def title_of(da, width=WRAP):
    """The variable's long name with a capital first letter, wrapped, as a figure title."""
    name = str(da.attrs.get("long_name", da.name))
    return wrap(name[:1].upper() + name[1:], width)


def time_axis(terms, time="years"):
    """``(x values, axis label)`` for term numbers: school years (default) or terms."""
    terms = np.asarray(terms)
    if time == "years":
        return terms / TERMS_PER_YEAR, f"years from the start ({TERMS_PER_YEAR} terms a year)"
    if time == "terms":
        return terms, "term"
    raise ValueError(f"time must be 'years' or 'terms', not {time!r}")


def mean_band(values, conf=0.95):
    """Mean over runs (axis 0) and the Student-t confidence interval of that mean."""
    values = np.asarray(values, float)
    n = np.isfinite(values).sum(axis=0)
    mean = np.nanmean(values, axis=0)
    sd = np.nanstd(values, axis=0, ddof=1) if values.shape[0] > 1 else np.full(mean.shape, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = stats.t.ppf(0.5 + conf / 2, np.maximum(n - 1, 1)) * sd / np.sqrt(n)
    half = np.where(n > 1, half, np.nan)
    return mean, mean - half, mean + half


def band_description(band, conf=0.95, n=None):
    """What a shaded band shows, in words (for legends and captions)."""
    runs = f" of {n} replicates" if n else " of the replicates"
    if band == "ci":
        return f"{conf:.0%} confidence interval of the mean{runs}"
    lo, hi = band
    return f"{lo:.0%}-{hi:.0%} range{runs}"


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


def plot_trajectories(data, metric, labels=None, band="ci", ax=None, time="years", conf=0.95):
    """Plots a system metric over time for one or several scenarios.

    For a sweep or replicates file the line is the mean over its ok runs and the shaded band
    is, by default, the Student-t confidence interval of that mean (``band="ci"``); a pair
    of quantiles such as ``(0.05, 0.95)`` shades that range of the runs instead. The legend
    says which. Select one design point first (:func:`schoolsim.select_runs`) so that the
    band shows replicate variation only. Single runs have no band.

    Args:
        data: A Dataset or a list of Datasets (runs or sweeps).
        metric: Variable over ``term`` (and ``run``), e.g. ``"attainment_sd"``.
        labels: One label per Dataset; defaults to the scenario names.
        band: ``"ci"``, a pair of quantiles across runs, or ``None`` for no band.
        ax: Axes to draw on.
        time: ``"years"`` (term / 3) or ``"terms"`` on the x-axis.
        conf: Confidence level of the ``"ci"`` band.

    Returns:
        The Figure.
    """
    datasets = [data] if isinstance(data, xr.Dataset) else list(data)
    explicit = labels is not None
    labels = list(labels) if labels is not None else [scenario_label(d, i) for i, d in enumerate(datasets)]
    if len(labels) != len(datasets):
        raise ValueError(f"{len(labels)} labels for {len(datasets)} datasets")
    if band is not None and band != "ci" and len(band) != 2:
        raise ValueError(f"band must be 'ci', a pair of quantiles or None, not {band!r}")
    fig, ax = _axes(ax)
    runs = set()
    for i, (ds, label) in enumerate(zip(datasets, labels)):
        da = metric_over_time(ds, metric)
        x, xlabel = time_axis(da["term"].values, time)
        if "run" not in da.dims:
            ax.plot(x, da.values, label=label, color=colour(i))
            continue
        values = da.transpose("run", "term").values
        (line,) = ax.plot(x, np.nanmean(values, axis=0), label=label, color=colour(i))
        if band is None or values.shape[0] < 2:
            continue
        if band == "ci":
            _, lo, hi = mean_band(values, conf)
        else:
            lo, hi = np.nanquantile(values, band, axis=0)
        ax.fill_between(x, lo, hi, color=line.get_color(), alpha=0.25, linewidth=0)
        runs.add(values.shape[0])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(axis_label(da))
    ax.set_title(title_of(da))
    handles, texts = ax.get_legend_handles_labels()
    if runs:
        handles.append(Patch(color="grey", alpha=0.35, linewidth=0))
        texts.append(wrap("shaded: " + band_description(band, conf, runs.pop() if len(runs) == 1 else None),
                          40))
    if explicit or len(datasets) > 1 or runs or len(handles) > 1:
        ax.legend(handles, texts, fontsize="small")
    return fig


def plot_differences(comparison, variable, ax=None, time="years", **category):
    """Difference from the reference scenario over time, with its confidence interval.

    Args:
        comparison: A :class:`schoolsim.compare.Comparison` made with ``over_time=True``.
        variable: A compared variable.
        ax: Axes to draw on.
        time: ``"years"`` or ``"terms"`` on the x-axis.
        **category: The category cell for variables with more dimensions, e.g. ``phase="primary"``.

    Returns:
        The Figure.

    Raises:
        KeyError: The variable was not compared.
        ValueError: The comparison has one term only, or a category is not chosen.
    """
    frame = comparison.effects
    rows = frame[frame["variable"] == variable]
    if rows.empty:
        raise KeyError(f"{variable!r} was not compared; compared: {', '.join(frame['variable'].unique())}")
    for name, value in category.items():
        rows = rows[rows[name] == value]
    cats = [c for c in frame.columns if c in rows and rows[c].notna().any() and c not in category
            and c not in ("scenario", "reference", "variable", "term", "year", "mean", "lo", "hi", "n",
                          "paired", "effect", "scenario_mean", "reference_mean", "units")]
    if cats:
        raise ValueError(f"{variable} is by {', '.join(cats)}: choose one, e.g. {cats[0]}=...")
    if rows["term"].nunique() < 2:
        raise ValueError("the comparison has one term: make it with over_time=True")
    fig, ax = _axes(ax)
    paired = []
    for i, label in enumerate(comparison.others):
        one = rows[rows["scenario"] == label].sort_values("term")
        x, xlabel = time_axis(one["term"].values, time)
        ax.plot(x, one["mean"].values, color=colour(i + 1), label=f"{label} - {comparison.reference}")
        if one["lo"].notna().any():
            ax.fill_between(x, one["lo"].values, one["hi"].values, color=colour(i + 1), alpha=0.25,
                            linewidth=0)
            paired.append(bool(one["paired"].all()))
    ax.axhline(0.0, color="grey", linewidth=0.8)
    name = comparison.long_names.get(variable, variable)
    where = "".join(f", {v}" for v in category.values())
    ax.set_title(wrap(f"Difference from {comparison.reference}: {name}{where}"))
    units = units_in_words(comparison.units.get(variable))
    ax.set_ylabel(wrap(f"difference in {name}" + (f" ({units})" if units else "")))
    ax.set_xlabel(xlabel)
    handles, texts = ax.get_legend_handles_labels()
    if paired:
        kind = "paired difference" if all(paired) else "difference"
        handles.append(Patch(color="grey", alpha=0.35, linewidth=0))
        texts.append(wrap(f"shaded: {comparison.conf:.0%} confidence interval of the mean {kind}", 40))
    ax.legend(handles, texts, fontsize="small")
    return fig


def plot_morris(frame, ax=None, title=None):
    """Morris screening: mu* (mean absolute elementary effect) against sigma, one point per parameter.

    Args:
        frame: DataFrame of :func:`schoolsim.sensitivity.morris_effects` or ``morris_from_sweep``.
        ax: Axes to draw on.
        title: Figure title (default "Morris screening").

    Returns:
        The Figure.
    """
    fig, ax = _axes(ax)
    for i, (name, row) in enumerate(frame.iterrows()):
        ax.scatter([row["mu_star"]], [row["sigma"]], color=colour(i), s=40, zorder=3, label=str(name))
        ax.annotate(str(name), (row["mu_star"], row["sigma"]), textcoords="offset points", xytext=(4, 4),
                    fontsize="small")
    top = float(np.nanmax(np.r_[frame["mu_star"].values, frame["sigma"].values, 0.0]))
    if top > 0:
        ax.plot([0, top], [0, top], color="grey", linewidth=0.8, linestyle="--", label="sigma = mu*")
    ax.set_xlim(0, 1.25 * top if top > 0 else None)  # room for the labels of the largest effects
    ax.set_ylim(bottom=0)
    ax.set_xlabel(wrap("mu*: mean absolute elementary effect (output units per full parameter range)"))
    ax.set_ylabel(wrap("sigma: standard deviation of the elementary effects (same units)"))
    ax.set_title(wrap(title or "Morris screening: influence (mu*) and interaction or non-linearity (sigma)"))
    ax.legend(fontsize="small")
    return fig


def plot_sobol(frame, ax=None, title=None):
    """Sobol indices: first-order S1 and total ST per parameter, with their intervals.

    Args:
        frame: DataFrame of :func:`schoolsim.sensitivity.sobol_indices` or ``sobol_from_sweep``.
        ax: Axes to draw on.
        title: Figure title (default "Sobol sensitivity indices").

    Returns:
        The Figure.
    """
    fig, ax = _axes(ax)
    names = [str(n) for n in frame.index]
    x = np.arange(len(names))
    conf = frame.attrs.get("conf", 0.95)
    has_ci = all(f"{c}_{e}" in frame for c in ("S1", "ST") for e in ("lo", "hi"))
    for k, (col, words) in enumerate((("S1", "first order S1"), ("ST", "total ST"))):
        values = frame[col].values.astype(float)
        err = None
        if has_ci and np.isfinite(frame[f"{col}_lo"].values).all():
            err = np.vstack([values - frame[f"{col}_lo"].values, frame[f"{col}_hi"].values - values])
            err = np.clip(err, 0, None)
        ax.bar(x + (k - 0.5) * 0.38, values, width=0.38, color=colour(k), yerr=err, capsize=3,
               label=words)
    ax.axhline(0.0, color="grey", linewidth=0.8)
    ax.set_xticks(x, [n.replace(".", ".\n", 1) if len(n) > 18 else n for n in names], fontsize="small")
    ax.set_ylabel("share of output variance")
    ax.set_xlabel("parameter")
    ax.set_title(wrap(title or "Sobol sensitivity indices"))
    handles, texts = ax.get_legend_handles_labels()
    if has_ci:
        texts.append(f"error bars: {conf:.0%} bootstrap confidence intervals")
        handles.append(Patch(color="none"))
    ax.legend(handles, texts, fontsize="small")
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
    ax.set_title(wrap(f"{title_of(ds[metric], 200)}{when}: mean over replicates"))
    return fig


def plot_distribution(ds, term=None, variable="school_attainment", bands=FAN_BANDS, ax=None, time="years"):
    """Distribution of school attainment: a fan chart over terms, or a histogram at one term.

    Quantiles pool the schools of every ok run.

    Args:
        ds: A run or sweep Dataset with per-school trajectories.
        term: ``None`` for the fan chart over all terms; a term index for a histogram.
        variable: Per-school variable over ``term`` and ``school``.
        bands: Quantile pairs of the fan, outermost first.
        ax: Axes to draw on.
        time: ``"years"`` or ``"terms"`` on the x-axis of the fan chart.

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
        ax.hist(values[np.isfinite(values)], bins="auto", color=PALETTE[0], alpha=0.8)
        ax.set_xlabel(axis_label(da))
        ax.set_ylabel("schools" if "run" not in da.dims else "schools x runs")
        ax.set_title(f"{scenario_label(ds)}: term {int(ds['term'].values[term])}")
        return fig
    terms = da["term"].values
    x, xlabel = time_axis(terms, time)
    values = da.transpose("term", ...).values.reshape(terms.size, -1)
    for i, (lo, hi) in enumerate(bands):
        q = np.nanquantile(values, [lo, hi], axis=1)
        ax.fill_between(x, q[0], q[1], color=PALETTE[0], alpha=0.15 + 0.15 * i,
                        linewidth=0, label=f"{lo:.0%}-{hi:.0%}")
    ax.plot(x, np.nanmedian(values, axis=1), color="#000000", label="median")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(axis_label(da))
    ax.set_title(f"{scenario_label(ds)}: distribution over schools")
    ax.legend(loc="best", title="schools", fontsize="small")
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


def plot_grade_shares(ds, phase=None, ax=None, time="years"):
    """Stacked area of the share of schools per inspection grade over terms.

    Args:
        ds: A run or sweep Dataset (sweeps: mean over ok runs).
        phase: ``"primary"`` or ``"secondary"`` to use ``grade_share_by_phase``.
        ax: Axes to draw on.
        time: ``"years"`` or ``"terms"`` on the x-axis.

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
    terms, xlabel = time_axis(da["term"].values, time)
    ax.stackplot(terms, shares.T, labels=[GRADE_NAMES.get(g, str(g)) for g in grades],
                 colors=[GRADE_COLOURS.get(g, "grey") for g in grades])
    ax.set_ylim(0, 1)
    ax.set_xlim(terms[0], terms[-1])
    ax.set_xlabel(xlabel)
    ax.set_ylabel("share of schools")
    ax.set_title(f"{scenario_label(ds)}: inspection grades" + (f" ({phase})" if phase else ""))
    ax.legend(loc="lower left", fontsize="small")
    return fig


def plot_regional_effects(table, title=None, conf=0.95):
    """Effects by area with their confidence intervals and costs: one panel per region.

    Costs are written beside the first region's effects only (they are per pupil of that area).

    Args:
        table: Rows of :func:`schoolsim.costs.cost_effectiveness_table` for one or more regions
            (e.g. a programme's treated and untreated areas), concatenated, treated first.
        title: Figure title (default: "Effect on attainment by area, against <reference>").
        conf: The confidence level of the intervals (for the legend).

    Returns:
        The Figure.
    """
    regions = list(dict.fromkeys(table["region"]))
    scenarios = list(dict.fromkeys(table["scenario"]))
    fig, axes = plt.subplots(1, len(regions), figsize=(4.2 * len(regions) + 1.5, 1.2 + 0.9 * len(scenarios)),
                             layout="constrained", sharex=True, squeeze=False)
    for panel, (ax, region) in enumerate(zip(axes[0], regions)):
        rows = table[table["region"] == region].set_index("scenario")
        for k, label in enumerate(scenarios):
            if label not in rows.index:
                continue
            r = rows.loc[label]
            y = len(scenarios) - 1 - k
            err = [[r["effect"] - r["effect_lo"]], [r["effect_hi"] - r["effect"]]]
            ax.errorbar([r["effect"]], [y], xerr=err, fmt="o", color=colour(k + 1), capsize=4)
            note = r["verdict"]
            if panel == 0:  # costs are per pupil of the first (treated) area only
                note += f"; £{r['cost_per_pupil']:,.0f} per pupil ({r['eef_cost_rating']} cost)"
            if panel == 0 and r["verdict"] == "increase" and np.isfinite(r["cost_per_pupil_per_0.1sd"]):
                note += f"\n£{r['cost_per_pupil_per_0.1sd']:,.0f} per pupil per 0.1 SD"
            ax.annotate(note, (r["effect"], y), textcoords="offset points", xytext=(0, 9), ha="center",
                        fontsize="x-small")
        ax.axvline(0.0, color="grey", linewidth=0.8)
        ax.set_yticks(range(len(scenarios)), [wrap(s, 18) for s in reversed(scenarios)])
        ax.set_ylim(-0.6, len(scenarios) - 0.2)
        ax.set_title(wrap(region_in_words(region), 36))
        ax.set_xlabel(wrap("difference in pupil-weighted mean attainment (pupil SD)", 36))
    reference = table["reference"].iloc[0] if len(table) else ""
    term = int(table["term"].iloc[0]) if len(table) else 0
    fig.suptitle(wrap(title or f"Effect on attainment by area against {reference}, after "
                      f"{term / TERMS_PER_YEAR:g} school years", 80))
    axes[0][0].annotate(f"bars: {conf:.0%} confidence interval of the paired difference",
                        (0, 0), xycoords="figure fraction", xytext=(4, 2), textcoords="offset points",
                        fontsize="x-small", color="grey")
    return fig


def region_in_words(region):
    """``programme_0_treated`` -> ``"programme 1's treated area"``; other names as written."""
    parts = str(region).split("_")
    if len(parts) == 3 and parts[0] == "programme" and parts[1].isdigit():
        return f"programme {int(parts[1]) + 1}'s {parts[2]} area" + \
            (" (outside its region)" if parts[2] == "untreated" else " (its region)")
    return str(region).replace("_", " ")
