"""Comparing scenarios at their last term: levels, differences and cost per gain."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .plots import scenario_label
from .runs import ok_runs, sweep_parameters
from .stats import as_frame, cost_per_gain, difference_interval, mean_interval

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


@dataclass(frozen=True)
class Comparison:
    """Scenarios compared at their last term.

    Attributes:
        labels: Scenario labels; the first is the baseline.
        levels: Long DataFrame indexed by (scenario, metric): mean, lo, hi, n, paired.
        differences: Same for each scenario minus the baseline, plus the metric
            ``cost_per_gain`` (money spent / mean attainment gained).
        units: Units of each metric.
    """

    labels: list
    levels: pd.DataFrame
    differences: pd.DataFrame
    units: dict

    @property
    def baseline(self):
        """Label of the baseline scenario."""
        return self.labels[0]


def replicate_key(ds):
    """``(seed, replicate)`` of each run (a list of one tuple for a single run)."""
    if "run" not in ds.dims:
        return [(int(ds.attrs.get("seed", 0)), int(ds.attrs.get("replicate", 0)))]
    seeds = ds["seed"].values if "seed" in ds.variables else np.zeros(ds.sizes["run"], int)
    reps = ds["replicate"].values if "replicate" in ds.variables else ds["run"].values
    return list(zip(seeds.astype(int).tolist(), reps.astype(int).tolist()))


def final_values(ds, metric):
    """The metric at the last term of each ok run, indexed by (seed, replicate)."""
    ds = ok_runs(ds)
    da = ds[metric].isel(term=-1)
    index = pd.MultiIndex.from_tuples(replicate_key(ds), names=["seed", "replicate"])
    return pd.Series(np.atleast_1d(da.values).astype(float), index=index, name=metric)


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
        return list(labels)
    out = []
    for i, ds in enumerate(datasets):
        label = scenario_label(ds, i)
        out.append(label if label not in out else f"{label} ({i + 1})")
    return out


def compare(datasets, labels=None, conf=0.95, n_boot=2000, seed=0):
    """Compares scenarios at their last term; the first Dataset is the baseline.

    Args:
        datasets: Run or sweep Datasets (each sweep one design point, with replicates).
        labels: Scenario labels; default the scenario names.
        conf: Confidence level of the intervals.
        n_boot: Bootstrap resamples for the cost-per-gain interval.
        seed: Seed of that bootstrap.

    Returns:
        A :class:`Comparison`.
    """
    for ds in datasets:
        check_one_design_point(ds)
    labels = unique_labels(datasets, labels)
    values = [{m: final_values(ds, m) for m in REPORT_METRICS} for ds in datasets]
    levels = {(label, m): mean_interval(v[m], conf) for label, v in zip(labels, values) for m in v}
    diffs = {}
    base = values[0]
    for label, v in zip(labels[1:], values[1:]):
        for m in REPORT_METRICS:
            diffs[(label, m)] = difference_interval(v[m], base[m], conf)
        diffs[(label, COST)] = cost_per_gain(v["money_spent"], v["attainment_mean"],
                                             base["attainment_mean"], conf, n_boot, seed)
    units = {m: datasets[0][m].attrs.get("units", "") for m in REPORT_METRICS}
    units[COST] = f"{units['money_spent']} per {units['attainment_mean']}"
    return Comparison(labels, as_frame(levels), as_frame(diffs), units)
