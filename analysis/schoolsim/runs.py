"""Selecting runs of a sweep by parameter values, replicate and status."""

from __future__ import annotations

import numpy as np


def sweep_parameters(ds):
    """Returns the swept parameters of a sweep Dataset.

    Args:
        ds: A Dataset from :func:`schoolsim.open_sweep`.

    Returns:
        ``{variable name: dotted scenario key}``, in file order, e.g.
        ``{"brokering__slots_per_term": "brokering.slots_per_term"}``.
    """
    return {name: str(var.attrs["sweep_parameter"]) for name, var in ds.variables.items()
            if "sweep_parameter" in var.attrs}


def parameter_name(ds, key):
    """Returns the variable name of a swept parameter given by variable name or dotted key.

    Raises:
        KeyError: ``key`` is not a swept parameter of ``ds``.
    """
    params = sweep_parameters(ds)
    if key in params:
        return key
    for name, dotted in params.items():
        if dotted == key:
            return name
    raise KeyError(f"{key!r} is not a swept parameter; swept: {sorted(params.values()) or 'none'}")


def ok_runs(ds):
    """Drops failed runs (``run_status != 0``); returns ``ds`` unchanged without ``run``."""
    if "run" not in ds.dims or "run_status" not in ds.variables:
        return ds
    return ds.isel(run=np.flatnonzero(ds["run_status"].values == 0))


def select_runs(ds, values=None, *, ok_only=True, **kwargs):
    """Selects the runs of a sweep whose parameters equal given values.

    Args:
        ds: A sweep Dataset.
        values: ``{parameter: value or list of values}``; parameters by dotted key or
            variable name. ``"replicate"`` is accepted too.
        ok_only: Drop failed runs as well.
        **kwargs: More ``parameter=value`` pairs (variable names).

    Returns:
        ``ds`` restricted to the matching runs (floats compared with ``np.isclose``).

    Example:
        ``select_runs(ds, {"brokering.slots_per_term": 3}, replicate=[0, 1])``
    """
    wanted = {**(values or {}), **kwargs}
    mask = np.ones(ds.sizes["run"], bool)
    for key, value in wanted.items():
        name = key if key in ("replicate", "seed") else parameter_name(ds, key)
        column = ds[name].values
        mask &= np.isclose(column[:, None], np.atleast_1d(value)[None, :]).any(axis=1)
    selected = ds.isel(run=np.flatnonzero(mask))
    return ok_runs(selected) if ok_only else selected
