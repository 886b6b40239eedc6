"""A run or sweep file as one tidy long table (like NetLogo BehaviorSpace's table output).

One row per run, term, variable and category cell: ``run``, ``replicate``, ``seed``, one
column per swept parameter (dotted key), ``term``, ``year``, ``variable``, one column per
category dimension any exported variable has (``phase``, ``grade``, ``partnership_type``,
and ``region`` or ``la`` when the file has them; empty where a variable has not), ``value``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .compare import TERMS_PER_YEAR
from .io import open_output
from .runs import ok_runs, sweep_parameters

#: Dimensions never exported (events are a table of their own: schoolsim.partnerships).
EVENT_DIMS = ("event", "member")
#: Per-school dimensions, exported only with ``per_school=True``.
SCHOOL_DIMS = ("school", "domain")


def exportable_variables(ds, per_school=False):
    """Data variables over ``term`` that the table can hold."""
    skip = EVENT_DIMS + (() if per_school else SCHOOL_DIMS)
    return [n for n in ds.data_vars if "term" in ds[n].dims and not any(d in skip for d in ds[n].dims)]


def _run_columns(ds):
    """DataFrame indexed by ``run`` with replicate, seed and the swept parameters."""
    if "run" not in ds.dims:
        return pd.DataFrame({"replicate": [int(ds.attrs.get("replicate", 0))],
                             "seed": [int(ds.attrs.get("seed", 0))]}, index=pd.Index([0], name="run"))
    runs = pd.Index(ds["run"].values.astype(int), name="run")
    out = pd.DataFrame(index=runs)
    out["replicate"] = ds["replicate"].values.astype(int) if "replicate" in ds.variables else runs.values
    if "seed" in ds.variables:
        out["seed"] = ds["seed"].values.astype(np.int64)
    for name, key in sweep_parameters(ds).items():
        out[key] = ds[name].values
    return out


def tidy_table(ds, variables=None, per_school=False):
    """The Dataset's results as a long DataFrame (failed runs of a sweep left out).

    Args:
        ds: A run or sweep Dataset (``schoolsim.open_output``).
        variables: Variables to export; default every variable over ``term`` except per-school
            and event variables.
        per_school: Also export per-school variables (a ``school`` column; large).

    Returns:
        The DataFrame, columns as in the module description.

    Raises:
        KeyError: A named variable is missing.
        ValueError: A named variable has no ``term`` dimension or is an event variable.
    """
    ds = ok_runs(ds)
    if variables is None:
        variables = exportable_variables(ds, per_school)
    for v in variables:
        if v not in ds.variables:
            raise KeyError(f"no variable {v!r}; exportable: {', '.join(exportable_variables(ds, True))}")
        if "term" not in ds[v].dims or any(d in EVENT_DIMS for d in ds[v].dims):
            raise ValueError(f"{v} has dimensions {ds[v].dims}: export takes variables over term")
    runs = _run_columns(ds)
    frames, cats = [], []
    for v in variables:
        da = ds[v]
        if "run" not in da.dims:
            da = da.expand_dims(run=[0])
        extra = [d for d in da.dims if d not in ("run", "term")]
        cats += [d for d in extra if d not in cats]
        frame = da.transpose("run", "term", *extra).to_series().rename("value").reset_index()
        frame.insert(2, "variable", v)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["run", *runs.columns, "term", "year", "variable", "value"])
    table = pd.concat(frames, ignore_index=True)
    table = table.merge(runs, left_on="run", right_index=True, how="left")
    table["year"] = table["term"] / TERMS_PER_YEAR
    for c in cats:
        if table[c].dtype == float and table[c].dropna().mod(1).eq(0).all():
            table[c] = table[c].astype("Int64")
    columns = ["run", *runs.columns, "term", "year", "variable", *cats, "value"]
    return table[columns]


def export_csv(path, out_csv, variables=None, per_school=False):
    """Writes :func:`tidy_table` of a file to CSV; returns the number of rows."""
    with open_output(path) as ds:
        table = tidy_table(ds, variables, per_school)
    Path(out_csv).parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out_csv, index=False)
    return len(table)
