"""The partnership event table as a pandas DataFrame."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from .io import open_output

_DEFAULT_MEANINGS = {
    "event_kind": "formed ended",
    "event_reason": "not_ended funding_ended hazard graduated joined_mat",
}


def _flag_labels(var):
    """Categorical labels of a flag variable from its ``flag_values``/``flag_meanings``."""
    meanings = str(var.attrs.get("flag_meanings", _DEFAULT_MEANINGS.get(var.name, ""))).split()
    flag_values = np.atleast_1d(var.attrs.get("flag_values", np.arange(len(meanings)))).tolist()
    lookup = dict(zip(flag_values, meanings))
    labels = [lookup.get(int(v)) if np.isfinite(v) else None for v in var.values]
    return pd.Categorical(labels, categories=meanings)


def _members(values):
    return [[int(m) for m in row if np.isfinite(m) and m >= 0] for row in values]


def _table(ds):
    n = ds.sizes.get("event", 0)
    types = [str(t) for t in ds["partnership_type"].values]
    type_codes = ds["event_type"].values if n else np.array([], int)
    frame = {
        "term": ds["event_term"].values.astype(int),
        "kind": _flag_labels(ds["event_kind"]),
        "partnership": ds["event_partnership"].values.astype(int),
        "type": pd.Categorical.from_codes(type_codes.astype(int), categories=types),
        "broker": ds["event_broker"].values.astype(int),
        "programme": ds["event_programme"].values.astype(int),
        "reason": _flag_labels(ds["event_reason"]),
        "size": ds["event_size"].values.astype(int),
        "members": _members(ds["event_members"].values) if n else [],
    }
    if "event_run" in ds.variables:
        frame = {"run": ds["event_run"].values.astype(int), **frame}
    return pd.DataFrame(frame, index=pd.Index(ds["event"].values.astype(int), name="event"))


def partnerships(source):
    """Returns the partnership events of a run or sweep, one row per event.

    Args:
        source: A file path or a Dataset from :func:`schoolsim.open_run` /
            :func:`schoolsim.open_sweep`.

    Returns:
        A DataFrame indexed by ``event`` with columns ``run`` (sweeps only), ``term``,
        ``kind`` (categorical ``formed``/``ended``), ``partnership``, ``type``
        (categorical ``pair``/``network``/``federation``/``mat``), ``broker``,
        ``programme``, ``reason`` (categorical ``not_ended``, ``funding_ended``,
        ``hazard``, ``graduated``, ``joined_mat``), ``size`` and ``members`` (a list of
        school ids per row).

    Raises:
        ValueError: The source has no event table.
    """
    if isinstance(source, xr.Dataset):
        if "event_term" not in source.variables:
            raise ValueError("dataset has no partnership events (no 'event_term' variable)")
        return _table(source)
    with open_output(source) as ds:
        if "event_term" not in ds.variables:
            raise ValueError(f"{source} has no partnership events (no 'event_term' variable)")
        return _table(ds)


def active_partnerships(events, term, run=None):
    """Returns the partnerships active at a term.

    A partnership is active at term ``t`` when it formed at or before ``t`` and has not
    ended at or before ``t`` (formed <= t < ended).

    Args:
        events: A DataFrame from :func:`partnerships`.
        term: The term (value of the ``term`` coordinate).
        run: For sweeps, the run whose partnerships are wanted.

    Returns:
        The ``formed`` rows of the active partnerships.
    """
    if run is not None and "run" in events.columns:
        events = events[events["run"] == run]
    elif "run" in events.columns and events["run"].nunique() > 1:
        raise ValueError("events of several runs: pass run=")
    formed = events[(events["kind"] == "formed") & (events["term"] <= term)]
    ended = events[(events["kind"] == "ended") & (events["term"] <= term)]
    return formed[~formed["partnership"].isin(ended["partnership"])]
