"""At what cost: cost-effectiveness of a scenario against a paired reference, where it acts.

The way education economists report it (EEF cost evaluation guidance, HM Treasury Green
Book; docs/compare.md "At what cost"):

- the **cost** of a scenario in a run is, per term, the programme grants paid (the increase
  of ``money_spent``), broker time for each partnership formed through a broker
  (``partnerships_brokered`` x ``costs.broker_time_per_partnership``) and school staff time
  for each active partnership (``partnerships_active`` summed over types x
  ``costs.staff_time_per_partnership_term``), discounted to the first school year at
  ``costs.discount_rate`` a year (term t >= 1 is in school year (t - 1) // terms_per_year;
  year 0 is not discounted);
- the **incremental cost** is the scenario's cost minus the reference's, replicate by
  replicate (common random numbers pair them), over terms 1..T;
- **cost per pupil** is that divided by the pupils of the treated area at term 0
  (``pupils_by_region``), and **per pupil per year** divided also by the school years in
  which the mean incremental cost is not zero (the programme's years, at least one);
- the **effect** is the paired difference of the area's pupil-weighted mean attainment
  (``attainment_mean_pw_by_region``) in pupil SD at term T;
- **cost per pupil per 0.1 SD** is cost per pupil / (effect / 0.1), with a percentile
  bootstrap interval over replicate pairs (seeded numpy Generator); resamples without a
  positive effect count as infinitely costly;
- the **EEF cost rating** bands cost per pupil per year: very low (< £80), low (< £200),
  moderate (< £700), high (< £1,200), very high.

Every function takes numpy arrays, pandas Series or xarray DataArrays over replicates.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, fields, replace
from pathlib import Path

import numpy as np
import pandas as pd

from .stats import Estimate, difference_interval, replicate_series, verdict

#: EEF cost rating bands: (upper bound in GBP per pupil per year, rating).
EEF_BANDS = ((80.0, "very low"), (200.0, "low"), (700.0, "moderate"), (1200.0, "high"),
             (math.inf, "very high"))
#: Columns of :func:`cost_effectiveness_table`.
TABLE_COLUMNS = ("scenario", "reference", "region", "term", "year", "effect", "effect_lo", "effect_hi",
                 "n", "paired", "verdict", "pupils", "cost", "cost_per_pupil", "cost_per_pupil_per_year",
                 "eef_cost_rating", "cost_per_pupil_per_0.1sd", "cost_per_pupil_per_0.1sd_lo",
                 "cost_per_pupil_per_0.1sd_hi")


@dataclass(frozen=True)
class CostParameters:
    """The ``costs.*`` scenario keys (docs/parameters.md), GBP at first-year prices."""

    broker_time_per_partnership: float = 1000.0
    staff_time_per_partnership_term: float = 1500.0
    discount_rate: float = 0.035
    terms_per_year: int = 3

    @classmethod
    def of(cls, ds):
        """The parameters stored in a run or sweep file's ``scenario_yaml`` (defaults if absent)."""
        from .io import scenario

        stored = (scenario(ds) or {}).get("costs") or {}
        known = {f.name for f in fields(cls)}
        return replace(cls(), **{k: v for k, v in stored.items() if k in known})

    def overridden(self, overrides):
        """A copy with ``{key: value}`` replaced (keys with or without the ``costs.`` prefix)."""
        known = {f.name: f.type for f in fields(self)}
        values = {}
        for key, value in overrides.items():
            name = key[len("costs."):] if key.startswith("costs.") else key
            if name not in known:
                raise ValueError(f"unknown cost parameter {key!r}; known: "
                                 f"{', '.join('costs.' + k for k in known)}")
            values[name] = int(value) if name == "terms_per_year" else float(value)
        return replace(self, **values)


def read_costs_csv(path):
    """Cost parameter overrides from a CSV file of ``key,value`` rows (a header row is allowed).

    Raises:
        ValueError: A row is not ``key,value`` with a number, naming the file and line.
    """
    overrides = {}
    with open(path, newline="") as fh:
        for line, row in enumerate(csv.reader(fh), start=1):
            if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
                continue
            if len(row) != 2:
                raise ValueError(f"{path}:{line}: expected 'key,value', got {len(row)} fields")
            key, value = row[0].strip(), row[1].strip()
            if line == 1 and key == "key":
                continue
            try:
                number = float(value)
            except ValueError:
                raise ValueError(f"{path}:{line}: {key}: {value!r} is not a number") from None
            if not math.isfinite(number) or number < 0:
                raise ValueError(f"{path}:{line}: {key}: {value} must be a finite number >= 0")
            overrides[key] = number
    CostParameters().overridden(overrides)  # names checked here, with the file in the message
    return overrides


def eef_cost_rating(per_pupil_per_year):
    """The EEF cost rating of a cost per pupil per year in GBP ("n/a" for NaN)."""
    value = float(per_pupil_per_year)
    if math.isnan(value):
        return "n/a"
    for bound, rating in EEF_BANDS:
        if value < bound:
            return rating
    return EEF_BANDS[-1][1]


def discount_factors(terms, rate, terms_per_year=3):
    """Green Book discount factor of each term: 1 / (1 + rate) ** ((term - 1) // terms_per_year).

    Term 0 (the initial state, no spending) and the terms of the first school year get 1.
    """
    terms = np.asarray(terms, int)
    years = np.maximum(terms - 1, 0) // int(terms_per_year)
    return 1.0 / (1.0 + float(rate)) ** years


def cost_per_term(ds, params=None):
    """Cost of each run in each term (GBP, undiscounted) over ``(run, term)``: grants, broker time
    and staff time (0 at term 0).

    Args:
        ds: A run or sweep Dataset with ``money_spent``, ``partnerships_brokered`` and
            ``partnerships_active``.
        params: :class:`CostParameters` (default those stored in the file).

    Returns:
        A DataArray with the dimensions of ``money_spent``.
    """
    params = CostParameters.of(ds) if params is None else params
    for name in ("money_spent", "partnerships_brokered", "partnerships_active"):
        if name not in ds.variables:
            raise KeyError(f"{ds.attrs.get('source_file', 'the file')} has no {name!r}: written by "
                           "schoolsim versions before cost accounting; run it again")
    spent = ds["money_spent"]
    grants = spent.diff("term", label="upper").reindex(term=spent["term"], fill_value=0.0)
    active = ds["partnerships_active"].sum("partnership_type")
    cost = grants + params.broker_time_per_partnership * ds["partnerships_brokered"] \
        + params.staff_time_per_partnership_term * active.where(active["term"] > 0, 0.0)
    return cost.where(cost["term"] > 0, 0.0)


def discounted_cost(ds, at_term, params=None):
    """Present value (GBP) of each run's cost over terms 1..``at_term``, as a DataArray."""
    params = CostParameters.of(ds) if params is None else params
    cost = cost_per_term(ds, params).sel(term=slice(None, int(at_term)))
    factors = discount_factors(cost["term"].values, params.discount_rate, params.terms_per_year)
    return (cost * xr_like(cost, factors)).sum("term")


def xr_like(da, factors):
    """``factors`` over ``da``'s ``term`` dimension (a DataArray that broadcasts)."""
    import xarray as xr

    return xr.DataArray(np.asarray(factors, float), dims=["term"], coords={"term": da["term"]})


def cost_years(incremental_by_term, terms_per_year=3):
    """School years in which the mean incremental cost is not zero: last - first + 1 (at least 1)."""
    values = np.asarray(incremental_by_term, float)
    terms = np.nonzero(np.abs(values) > 0)[0]
    if terms.size == 0:
        return 1
    first, last = (max(int(terms[0]) - 1, 0) // terms_per_year, max(int(terms[-1]) - 1, 0) // terms_per_year)
    return last - first + 1


def cost_per_pupil(cost, pupils):
    """Mean incremental cost (GBP) per pupil: mean over replicates of ``cost`` / ``pupils``."""
    c = replicate_series(cost)[0]
    p = float(np.nanmean(np.asarray(replicate_series(pupils)[0], float)))
    if not p > 0:
        raise ValueError(f"the treated area has {p} pupils: no cost per pupil")
    return float(np.nanmean(np.asarray(c, float))) / p


def cost_per_effect(cost, effect_scenario, effect_reference, pupils, per=0.1, conf=0.95, n_boot=2000,
                    seed=0):
    """Cost per pupil per ``per`` pupil SD of effect, with a percentile bootstrap interval.

    ``cost_per_pupil / (mean effect / per)`` where the effect is the paired difference
    ``effect_scenario - effect_reference`` (Welch when unpaired); NaN when the mean effect is
    not positive. Replicates are resampled jointly (cost with both effects) when paired.

    Args:
        cost: Incremental cost (GBP) per replicate.
        effect_scenario: The outcome (pupil SD) of the scenario per replicate.
        effect_reference: The outcome of the reference per replicate.
        pupils: Pupils of the area (a number or per-replicate values).
        per: The effect size unit (0.1 SD).
        conf: Confidence level.
        n_boot: Bootstrap resamples.
        seed: Seed of the bootstrap.

    Returns:
        ``(effect, ratio)``: two :class:`Estimate` s.
    """
    sc, _ = replicate_series(cost)
    sa, la = replicate_series(effect_scenario)
    sb, lb = replicate_series(effect_reference)
    effect = difference_interval(sa if la else np.asarray(sa), sb if lb else np.asarray(sb), conf)
    pupils_mean = float(np.nanmean(np.asarray(replicate_series(pupils)[0], float)))
    per_pupil = float(np.nanmean(np.asarray(sc, float))) / pupils_mean
    point = per_pupil / (effect.mean / per) if effect.mean > 0 else math.nan
    c, a = np.asarray(sc, float), np.asarray(sa, float)
    b = np.asarray(sb.reindex(sa.index) if effect.paired else sb, float)
    if math.isnan(point) or a.size < 2 or b.size < 2:
        return effect, Estimate(point, n=effect.n, paired=effect.paired)
    rng = np.random.default_rng(seed)
    i = rng.integers(0, a.size, size=(n_boot, a.size))
    j = i if effect.paired else rng.integers(0, b.size, size=(n_boot, b.size))
    gain = (a[i].mean(axis=1) - b[j].mean(axis=1)) / per
    spend = c[i].mean(axis=1) / pupils_mean if c.size == a.size else np.full(n_boot, per_pupil)
    ratios = np.where(gain > 0, spend / np.where(gain > 0, gain, 1.0), np.inf)
    with np.errstate(invalid="ignore"):
        lo, hi = np.nan_to_num(np.quantile(ratios, [0.5 - conf / 2, 0.5 + conf / 2]), nan=np.inf,
                               posinf=np.inf)
    return effect, Estimate(point, float(lo), float(hi), effect.n, effect.paired)


def _region_values(ds, variable, region, term):
    if "region" not in ds.dims or region not in [str(r) for r in ds["region"].values]:
        names = [str(r) for r in ds["region"].values] if "region" in ds.dims else []
        raise ValueError(f"{ds.attrs.get('source_file', 'a file')} has no region {region!r}; regions: "
                         f"{', '.join(names) or 'none (define world.regions or a programme region)'}")
    da = ds[f"{variable}_by_region"].sel(region=region).sel(term=term)
    return da


def cost_effectiveness_table(datasets, labels, reference, region, at_term=None, costs=None, conf=0.95,
                             n_boot=2000, seed=0):
    """One row per scenario other than the reference: effect in ``region`` and its cost.

    Args:
        datasets: Opened run or sweep Datasets (replicates of one scenario each).
        labels: Their labels.
        reference: Index of the reference (control) scenario.
        region: A name along the files' ``region`` dimension (a ``world.regions`` entry or
            ``programme_k_treated``).
        at_term: The term of the effect and the cost horizon (default the last common term).
        costs: Cost parameter overrides ``{key: value}`` applied to every scenario.
        conf, n_boot, seed: Interval level and bootstrap settings.

    Returns:
        A DataFrame with :data:`TABLE_COLUMNS`.
    """
    from .compare import _key_index
    from .runs import ok_runs

    datasets = [ok_runs(ds) for ds in datasets]
    terms = [set(np.asarray(ds["term"].values, int).tolist()) for ds in datasets]
    common = sorted(set.intersection(*terms))
    term = common[-1] if at_term is None else int(at_term)
    if term not in common:
        raise ValueError(f"term {term} is not in every scenario")
    ref = datasets[reference]
    params = [CostParameters.of(ds).overridden(costs or {}) for ds in datasets]
    keys = [_key_index(ds) for ds in datasets]

    def series(ds, key, da):
        return pd.Series(np.atleast_1d(np.asarray(da.values, float)), index=key)

    ref_outcome = series(ref, keys[reference], _region_values(ref, "attainment_mean_pw", region, term))
    pupils = float(np.nanmean(np.atleast_1d(_region_values(ref, "pupils", region, 0).values)))
    ref_cost = series(ref, keys[reference], discounted_cost(ref, term, params[reference]))
    ref_by_term = cost_per_term(ref, params[reference]).sel(term=slice(None, term))
    rows = []
    for i, (label, ds) in enumerate(zip(labels, datasets)):
        if i == reference:
            continue
        outcome = series(ds, keys[i], _region_values(ds, "attainment_mean_pw", region, term))
        cost = series(ds, keys[i], discounted_cost(ds, term, params[i]))
        paired = outcome.index.equals(ref_outcome.index) or set(outcome.index) == set(ref_outcome.index)
        incremental = cost - ref_cost.reindex(cost.index) if paired else cost - float(ref_cost.mean())
        by_term = cost_per_term(ds, params[i]).sel(term=slice(None, term))
        mean_by_term = _mean_over_runs(by_term) - _mean_over_runs(ref_by_term)
        years = cost_years(mean_by_term, params[i].terms_per_year)
        effect, ratio = cost_per_effect(incremental, outcome, ref_outcome, pupils, 0.1, conf, n_boot, seed)
        per_pupil = float(incremental.mean()) / pupils
        word = verdict(effect)
        rows.append({"scenario": label, "reference": labels[reference], "region": region, "term": term,
                     "year": term / params[i].terms_per_year, "effect": effect.mean, "effect_lo": effect.lo,
                     "effect_hi": effect.hi, "n": effect.n, "paired": effect.paired, "verdict": word,
                     "pupils": pupils, "cost": float(incremental.mean()), "cost_per_pupil": per_pupil,
                     "cost_per_pupil_per_year": per_pupil / years,
                     "eef_cost_rating": eef_cost_rating(per_pupil / years),
                     "cost_per_pupil_per_0.1sd": ratio.mean if word == "increase" else math.nan,
                     "cost_per_pupil_per_0.1sd_lo": ratio.lo if word == "increase" else math.nan,
                     "cost_per_pupil_per_0.1sd_hi": ratio.hi if word == "increase" else math.nan})
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


def _mean_over_runs(da):
    return np.asarray(da.mean("run").values if "run" in da.dims else da.values, float)


def _money(value):
    if not np.isfinite(value):
        return "n/a"
    return f"-£{-value:,.0f}" if value < 0 else f"£{value:,.0f}"


def cost_effectiveness_text(table, conf=0.95):
    """The table in plain words, one paragraph line per scenario; "no effect" said as such."""
    lines = []
    for _, r in table.iterrows():
        head = (f"{r['scenario']} vs {r['reference']} in {r['region']} at term {r['term']} "
                f"(year {r['year']:g}): ")
        effect = (f"effect {r['effect']:+.4f} pupil SD [{r['effect_lo']:+.4f}, {r['effect_hi']:+.4f}] "
                  f"({conf:.0%} CI, n={r['n']}{', paired' if r['paired'] else ''})")
        if r["verdict"] == "no effect":
            effect += ": no effect (the interval includes 0)"
        elif r["verdict"] == "decrease":
            effect += ": a decrease"
        cost = (f"; cost {_money(r['cost'])} ({_money(r['cost_per_pupil'])} per pupil of "
                f"{r['pupils']:,.0f}, {_money(r['cost_per_pupil_per_year'])} per pupil per year: "
                f"EEF cost rating {r['eef_cost_rating']})")
        if r["verdict"] == "increase":
            ratio = (f"; {_money(r['cost_per_pupil_per_0.1sd'])} per pupil per 0.1 SD "
                     f"[{_money(r['cost_per_pupil_per_0.1sd_lo'])}, {_money(r['cost_per_pupil_per_0.1sd_hi'])}]")
        else:
            ratio = "; no cost per 0.1 SD (no positive effect)"
        lines.append(head + effect + cost + ratio)
    return "\n".join(lines)


def markdown_table(table):
    """The cost-effectiveness table as GitHub markdown (money rounded to pounds)."""
    head = ("| scenario | area | effect (pupil SD, 95% CI) | verdict | cost per pupil | "
            "per pupil per year | EEF cost rating | cost per pupil per 0.1 SD (95% CI) |")
    lines = [head, "|---|---|---|---|---:|---:|---|---|"]
    for _, r in table.iterrows():
        ratio = "n/a (no positive effect)" if r["verdict"] != "increase" else \
            (f"{_money(r['cost_per_pupil_per_0.1sd'])} [{_money(r['cost_per_pupil_per_0.1sd_lo'])}, "
             f"{_money(r['cost_per_pupil_per_0.1sd_hi'])}]")
        lines.append(f"| {r['scenario']} | {r['region']} | "
                     f"{r['effect']:+.4f} [{r['effect_lo']:+.4f}, {r['effect_hi']:+.4f}] | "
                     f"{r['verdict']} | {_money(r['cost_per_pupil'])} | {_money(r['cost_per_pupil_per_year'])} | "
                     f"{r['eef_cost_rating']} | {ratio} |")
    return "\n".join(lines)


def write_costs_template(path):
    """Writes a ``key,value`` CSV with the default cost parameters (to edit and pass to --costs)."""
    defaults = CostParameters()
    with open(Path(path), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["key", "value"])
        for f in fields(defaults):
            w.writerow([f"costs.{f.name}", getattr(defaults, f.name)])
