"""Comparing scenarios against a reference: levels, paired differences and cost per gain.

``schoolsim.compare(...)`` is the function :func:`compare`: this module is callable, so
``schoolsim.compare(datasets)``, ``schoolsim.compare.compare(datasets)`` and
``from schoolsim.compare import compare`` all work.
"""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .io import open_output
from .plots import scenario_label
from .runs import ok_runs, sweep_parameters
from .stats import as_frame, cost_per_gain, difference_interval, mean_interval, verdict

#: Metrics of the comparison, with their headings.
REPORT_METRICS = {
    "attainment_mean": "Attainment (mean)",
    "attainment_sd": "Polarisation: SD",
    "attainment_p90_p10": "Polarisation: P90-P10",
    "der_polarisation": "Polarisation: DER",
    "disadvantage_gap": "Disadvantage gap",
    "money_spent": "Money spent (cumulative)",
}
COST = "cost_per_gain"
#: Terms per school year (docs/MODEL.md: one step is one term; 3 terms make a school year).
TERMS_PER_YEAR = 3
#: Dimensions a compared variable may have besides ``run`` and ``term``: each becomes a column.
NOT_COMPARABLE = ("school", "event", "member", "domain")
#: Columns of :attr:`Comparison.effects`, before and after the category columns.
EFFECT_COLUMNS = ("scenario", "reference", "variable")
EFFECT_VALUES = ("term", "year", "mean", "lo", "hi", "n", "paired", "effect",
                 "scenario_mean", "reference_mean", "units")


@dataclass(frozen=True)
class Comparison:
    """Scenarios compared with a reference scenario.

    Attributes:
        labels: Scenario labels, in the order given.
        levels: DataFrame indexed by (scenario, metric) at ``term``: mean, lo, hi, n, paired
            (variables over ``term`` only; see ``effects`` for the others).
        differences: Same for each scenario other than the reference minus the reference,
            plus ``cost_per_gain`` (money spent / mean attainment gained) when both
            ``money_spent`` and ``attainment_mean`` are compared.
        units: Units of each metric.
        reference: Label of the reference scenario.
        term: The term of ``levels`` and ``differences``.
        effects: Tidy DataFrame, one row per scenario, variable, category and term (every
            term with ``over_time``): columns ``scenario``, ``reference``, ``variable``, one
            column per category dimension (``phase``, ``grade``, ...), ``term``, ``year``,
            ``mean`` (the difference), ``lo``, ``hi``, ``n``, ``paired``, ``effect``
            (``"no effect"`` when the interval covers 0, ``"increase"``, ``"decrease"``,
            ``"no interval"``), ``scenario_mean``, ``reference_mean``, ``units``.
        long_names: ``long_name`` of each variable (for titles).
        conf: The confidence level.
    """

    labels: list
    levels: pd.DataFrame
    differences: pd.DataFrame
    units: dict
    reference: str = None
    term: int = None
    effects: pd.DataFrame = None
    long_names: dict = field(default_factory=dict)
    conf: float = 0.95

    def __post_init__(self):
        if self.reference is None:
            object.__setattr__(self, "reference", self.labels[0])

    @property
    def baseline(self):
        """Label of the reference scenario (the old name)."""
        return self.reference

    @property
    def others(self):
        """Labels of the scenarios compared with the reference."""
        return [label for label in self.labels if label != self.reference]


def replicate_key(ds):
    """``(seed, replicate)`` of each run (a list of one tuple for a single run)."""
    if "run" not in ds.dims:
        return [(int(ds.attrs.get("seed", 0)), int(ds.attrs.get("replicate", 0)))]
    seeds = ds["seed"].values if "seed" in ds.variables else np.zeros(ds.sizes["run"], int)
    reps = ds["replicate"].values if "replicate" in ds.variables else ds["run"].values
    return list(zip(seeds.astype(int).tolist(), reps.astype(int).tolist()))


def _key_index(ds):
    return pd.MultiIndex.from_tuples(replicate_key(ds), names=["seed", "replicate"])


def final_values(ds, metric):
    """The metric at the last term of each ok run, indexed by (seed, replicate)."""
    ds = ok_runs(ds)
    da = ds[metric].isel(term=-1)
    return pd.Series(np.atleast_1d(da.values).astype(float), index=_key_index(ds), name=metric)


def check_one_design_point(ds):
    """Raises ValueError when a sweep mixes several parameter values (compare replicates only)."""
    if "run" not in ds.dims:
        return
    ds = ok_runs(ds)
    varying = [key for name, key in sweep_parameters(ds).items() if np.unique(ds[name].values).size > 1]
    if varying:
        raise ValueError(f"{ds.attrs.get('source_file', 'sweep')} varies {', '.join(varying)}: a "
                         "comparison needs one design point per scenario (schoolsim.select_runs)")


def unique_labels(datasets, labels=None):
    """Labels for the datasets: given ones, else scenario names made unique."""
    if labels is not None:
        if len(labels) != len(datasets):
            raise ValueError(f"{len(labels)} labels for {len(datasets)} scenarios")
        if len(set(labels)) != len(labels):
            raise ValueError(f"labels must differ: {', '.join(labels)}")
        return list(labels)
    out = []
    for i, ds in enumerate(datasets):
        label = scenario_label(ds, i)
        out.append(label if label not in out else f"{label} ({i + 1})")
    return out


def reference_index(reference, labels, datasets):
    """Position of the reference scenario: an index, a label, or a file path or stem."""
    if reference is None:
        return 0
    if isinstance(reference, (int, np.integer)):
        if not -len(labels) <= reference < len(labels):
            raise ValueError(f"reference {reference} out of range for {len(labels)} scenarios")
        return int(reference) % len(labels)
    ref = str(reference)
    if ref in labels:
        return labels.index(ref)
    for i, ds in enumerate(datasets):
        source = ds.attrs.get("source_file")
        if source and (ref == source or Path(ref) == Path(source) or ref == Path(source).stem):
            return i
    raise ValueError(f"reference {ref!r} is neither a scenario label ({', '.join(labels)}) nor one "
                     "of the files")


def comparable_variables(ds):
    """Variables that can be compared: over ``term`` (and ``run``), not per school or event."""
    return [n for n in ds.data_vars if "term" in ds[n].dims
            and not any(d in NOT_COMPARABLE for d in ds[n].dims)]


def _check_variables(datasets, labels, variables):
    for label, ds in zip(labels, datasets):
        for v in variables:
            if v not in ds.variables:
                raise KeyError(f"scenario {label} has no variable {v!r}; comparable: "
                               f"{', '.join(comparable_variables(ds))}")
            bad = [d for d in ds[v].dims if d in NOT_COMPARABLE] or \
                ([] if "term" in ds[v].dims else ["no term"])
            if bad:
                raise ValueError(f"{v} has dimensions {ds[v].dims}: compare variables over term "
                                 f"(and phase, grade, ...), not per school or event")


def common_terms(datasets):
    """Terms present in every Dataset, in order."""
    terms = [np.asarray(ds["term"].values).astype(int) for ds in datasets]
    common = terms[0]
    for t in terms[1:]:
        common = common[np.isin(common, t)]
    if common.size == 0:
        raise ValueError("the scenarios have no term in common")
    return common


def _categories(da):
    return [d for d in da.dims if d not in ("run", "term")]


def _cells(da, terms):
    """``(category values, term, values over run)`` for every category cell and term."""
    cats = _categories(da)
    da = da.sel(term=terms)
    if "run" not in da.dims:
        da = da.expand_dims("run")
    order = ["run", "term", *cats]
    arr = np.asarray(da.transpose(*order).values, float)
    coords = [da[c].values.tolist() for c in cats]
    for combo in np.ndindex(*[len(c) for c in coords]):
        labels = tuple(c[i] for c, i in zip(coords, combo))
        for k, t in enumerate(terms):
            yield labels, int(t), arr[(slice(None), k, *combo)]


def _effects(datasets, labels, ref, variables, terms, conf):
    keys = [_key_index(ds) for ds in datasets]
    rows = []
    cat_names = []
    for v in variables:
        cats = _categories(datasets[ref][v])
        cat_names += [c for c in cats if c not in cat_names]
        units = datasets[ref][v].attrs.get("units", "")
        ref_cells = {(c, t): pd.Series(x, index=keys[ref]) for c, t, x in _cells(datasets[ref][v], terms)}
        for i, (label, ds) in enumerate(zip(labels, datasets)):
            if i == ref:
                continue
            for c, t, x in _cells(ds[v], terms):
                a, b = pd.Series(x, index=keys[i]), ref_cells[(c, t)]
                est = difference_interval(a, b, conf)
                row = {"scenario": label, "reference": labels[ref], "variable": v,
                       **dict(zip(cats, c)), "term": t, "year": t / TERMS_PER_YEAR,
                       "mean": est.mean, "lo": est.lo, "hi": est.hi, "n": est.n,
                       "paired": est.paired, "effect": verdict(est),
                       "scenario_mean": float(np.nanmean(a)) if np.isfinite(a).any() else np.nan,
                       "reference_mean": float(np.nanmean(b)) if np.isfinite(b).any() else np.nan,
                       "units": units}
                rows.append(row)
    columns = [*EFFECT_COLUMNS, *cat_names, *EFFECT_VALUES]
    return pd.DataFrame(rows, columns=columns)


def _open_all(sources):
    opened = [open_output(s) if isinstance(s, (str, Path)) else s for s in sources]
    owned = [isinstance(s, (str, Path)) for s in sources]
    return opened, owned


def compare(datasets, labels=None, conf=0.95, n_boot=2000, seed=0, *, reference=0, at_term=None,
            over_time=False, variables=None):
    """Compares scenarios with a reference scenario, at one term or at every term.

    Differences are paired by replicate (Student-t interval of the per-replicate
    differences) when both scenarios ran the same ``(seed, replicate)`` pairs (common
    random numbers, e.g. ``schoolsim sweep`` files with the same seed), else Welch;
    single runs give point values without intervals.

    Args:
        datasets: Run or sweep Datasets, or file paths (each sweep one design point).
        labels: Scenario labels; default the scenario names.
        conf: Confidence level of the intervals.
        n_boot: Bootstrap resamples for the cost-per-gain interval.
        seed: Seed of that bootstrap.
        reference: The reference scenario: position, label, or file path/stem (default the
            first).
        at_term: Term number of ``levels`` and ``differences`` (default the last term common
            to all scenarios).
        over_time: Also put every common term in ``effects`` (default only ``at_term``).
        variables: Variables to compare (over ``term``, optionally ``phase``, ``grade``,
            ...); default :data:`REPORT_METRICS`.

    Returns:
        A :class:`Comparison`.

    Raises:
        KeyError: A variable is missing.
        ValueError: A sweep varies parameters, a term is missing, or a bad reference.
    """
    opened, owned = _open_all(datasets)
    try:
        return _compare(opened, labels, conf, n_boot, seed, reference, at_term, over_time, variables)
    finally:
        for ds, own in zip(opened, owned):
            if own:
                ds.close()


def _compare(datasets, labels, conf, n_boot, seed, reference, at_term, over_time, variables):
    if not datasets:
        raise ValueError("nothing to compare: give at least one scenario")
    for ds in datasets:
        check_one_design_point(ds)
    labels = unique_labels(datasets, labels)
    ref = reference_index(reference, labels, datasets)
    variables = list(REPORT_METRICS) if variables is None else list(variables)
    _check_variables(datasets, labels, variables)
    terms = common_terms(datasets)
    term = int(terms[-1]) if at_term is None else int(at_term)
    if term not in terms:
        raise ValueError(f"term {term} is not in every scenario (common terms {terms[0]}..{terms[-1]})")
    datasets = [ok_runs(ds) for ds in datasets]
    keys = [_key_index(ds) for ds in datasets]
    scalar = [v for v in variables if not _categories(datasets[ref][v])]
    values = [{v: pd.Series(np.atleast_1d(ds[v].sel(term=term).values).astype(float), index=k, name=v)
               for v in scalar} for ds, k in zip(datasets, keys)]
    levels = {(label, m): mean_interval(v[m], conf) for label, v in zip(labels, values) for m in scalar}
    diffs = {}
    base = values[ref]
    with_cost = "money_spent" in scalar and "attainment_mean" in scalar
    for i, (label, v) in enumerate(zip(labels, values)):
        if i == ref:
            continue
        for m in scalar:
            diffs[(label, m)] = difference_interval(v[m], base[m], conf)
        if with_cost:
            diffs[(label, COST)] = cost_per_gain(v["money_spent"], v["attainment_mean"],
                                                 base["attainment_mean"], conf, n_boot, seed)
    units = {m: datasets[ref][m].attrs.get("units", "") for m in variables}
    long_names = {m: datasets[ref][m].attrs.get("long_name", m) for m in variables}
    if with_cost:
        units[COST] = f"{units['money_spent']} per {units['attainment_mean']}"
    effects = _effects(datasets, labels, ref, variables, terms if over_time else np.array([term]), conf)
    empty = pd.DataFrame(columns=["mean", "lo", "hi", "n", "paired"],
                         index=pd.MultiIndex.from_arrays([[], []], names=["scenario", "metric"]))
    return Comparison(labels, as_frame(levels) if levels else empty, as_frame(diffs) if diffs else empty,
                      units, labels[ref], term, effects, long_names, conf)


def effects_text(comparison, max_rows=None):
    """The effects as aligned plain text, one line per row, with "no effect" spelled out."""
    frame = comparison.effects
    if max_rows is not None:
        frame = frame.head(max_rows)
    pct = f"{comparison.conf:.0%}"
    lines = [f"Differences from {comparison.reference} ({pct} confidence intervals; paired by "
             "replicate where the scenarios share (seed, replicate), else Welch):"]
    cats = [c for c in frame.columns if c not in EFFECT_COLUMNS + EFFECT_VALUES]
    for _, row in frame.iterrows():
        where = "".join(f" {c}={row[c]}" for c in cats if pd.notna(row[c]))
        head = f"  {row['scenario']} - {row['reference']}: {row['variable']}{where} term {row['term']}"
        if np.isnan(row["mean"]):
            lines.append(f"{head}: n/a")
            continue
        value = f"{row['mean']:+.4g} {row['units']}".rstrip()
        if np.isnan(row["lo"]):
            lines.append(f"{head}: {value} (no interval: a single run on one side)")
            continue
        tail = f" [{row['lo']:+.4g}, {row['hi']:+.4g}], n={row['n']}{', paired' if row['paired'] else ''}"
        word = {"no effect": "no effect (interval covers 0)"}.get(row["effect"], row["effect"])
        lines.append(f"{head}: {value}{tail}: {word}")
    return "\n".join(lines)


class _CallableModule(types.ModuleType):
    """Makes ``schoolsim.compare(...)`` call :func:`compare` while staying this module."""

    def __call__(self, *args, **kwargs):
        return compare(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
