"""Opening schoolsim run and sweep files as xarray Datasets.

Files are HDF5 files that are also netCDF-4 (``docs/output_format.md``); they are opened
with xarray's ``h5netcdf`` engine, so per-school arrays stay on disk until used.
"""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import xarray as xr
import yaml

#: Static school variables and the names of the coordinates they become.
SCHOOL_COORDS = {
    "school_phase": "phase_of_school",
    "school_la": "la",
    "school_x": "x",
    "school_y": "y",
    "school_disadvantage": "disadvantage",
}

#: Variables over ``run`` that describe a run rather than its results.
RUN_COORDS = (
    "replicate",
    "seed",
    "run_status",
    "saltelli_block",
    "saltelli_index",
    "morris_trajectory",
    "morris_step",
)

#: String-valued dimensions of the output format.
LABEL_DIMS = ("phase", "partnership_type", "domain", "region")


def _check_file(path):
    """Checks that ``path`` is a readable schoolsim file and that its shards exist.

    Args:
        path: Path of the file.

    Returns:
        The path as a ``Path``.

    Raises:
        FileNotFoundError: The file, or one of its shards, does not exist.
        ValueError: The file is not HDF5/netCDF-4 or lacks the schoolsim layout.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"schoolsim file not found: {path}")
    if not h5py.is_hdf5(path):
        raise ValueError(f"{path} is not an HDF5/netCDF-4 file (expected schoolsim output)")
    with h5py.File(path, "r") as f:
        missing = [name for name in ("term", "school") if name not in f]
        if "scenario_yaml" not in f.attrs:
            missing.append("attribute scenario_yaml")
        if missing:
            raise ValueError(f"{path} is not a schoolsim output file: missing {', '.join(missing)}")
        if not h5py.h5ds.is_scale(f["term"].id):
            raise ValueError(f"{path}: 'term' is not an HDF5 dimension scale (see docs/output_format.md)")
        shards = _text(f.attrs.get("shard_files", ""))
    _check_shards(path, shards)
    return path


def _check_shards(path, shard_files):
    for line in shard_files.splitlines():
        name = line.strip()
        if name and not (path.parent / name).is_file():
            raise FileNotFoundError(f"shard {name!r} of sweep file {path} not found "
                                    f"(looked for {path.parent / name})")


def _text(value):
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode("utf-8").rstrip("\x00")
    return value


def _decode_labels(ds):
    """Turns byte-string label coordinates into str and byte attributes into str."""
    ds.attrs = {k: _text(v) for k, v in ds.attrs.items()}
    for name in ds.variables:
        ds[name].attrs = {k: _text(v) for k, v in ds[name].attrs.items()}
    labels = {d: [str(_text(v)) for v in ds[d].values] for d in LABEL_DIMS
              if d in ds.coords and ds[d].dtype.kind == "S"}
    return ds.assign_coords(labels) if labels else ds


def _phase_labels(ds):
    codes = ds["school_phase"]
    meanings = codes.attrs.get("flag_meanings")
    names = meanings.split() if meanings else [str(v) for v in ds["phase"].values]
    flag_values = codes.attrs.get("flag_values", np.arange(len(names)))
    lookup = dict(zip(np.atleast_1d(flag_values).tolist(), names))
    labels = np.array([lookup.get(int(v), "unknown") for v in codes.values])
    attrs = {k: v for k, v in codes.attrs.items() if k not in ("flag_values", "flag_meanings")}
    return xr.DataArray(labels, dims=codes.dims, attrs=attrs)


def _school_coords(ds):
    """Makes the static school table coordinates over ``school``."""
    present = {k: v for k, v in SCHOOL_COORDS.items() if k in ds.variables}
    if "school_phase" in present:
        ds = ds.assign(school_phase=_phase_labels(ds))
    ds = ds.set_coords(list(present)).rename(present)
    return ds


def _run_coords(ds):
    names = [n for n in ds.data_vars if ds[n].dims == ("run",)
             and (n in RUN_COORDS or "sweep_parameter" in ds[n].attrs)]
    return ds.set_coords(names)


def _open(path):
    path = _check_file(path)
    try:
        ds = xr.open_dataset(path, engine="h5netcdf")
    except (ValueError, KeyError, OSError) as err:
        raise ValueError(f"{path} cannot be read as netCDF-4 schoolsim output: {err}") from err
    ds = _school_coords(_decode_labels(ds))
    ds.attrs.setdefault("source_file", str(path))
    return _run_coords(ds) if "run" in ds.dims else ds


def open_run(path, replicates=True):
    """Opens one run file, or a file of replicates of one scenario.

    Args:
        path: Path of a file written by ``schoolsim run`` (or ``run --replicates N``, or a
            sweep without parameters).
        replicates: Whether a file of replicates is accepted (``False``: only single runs).

    Returns:
        An ``xarray.Dataset`` over ``term`` and ``school`` (plus ``phase``, ``grade``,
        ``partnership_type``, ``domain``, ``event``, ``member``). The static school table
        is a set of coordinates over ``school``: ``phase_of_school`` (``"primary"`` or
        ``"secondary"``), ``la``, ``x``, ``y`` (km) and ``disadvantage``. Data variables are
        loaded lazily. A file of replicates keeps its leading ``run`` dimension, with
        ``replicate``, ``seed`` and ``run_status`` as coordinates over it (as
        :func:`open_sweep` gives it).

    Raises:
        FileNotFoundError: The file does not exist.
        ValueError: The file is not a schoolsim run file (or is a sweep over parameters).
    """
    ds = _open(path)
    if "run" in ds.dims and not (replicates and is_replicates(ds)):
        ds.close()
        if is_replicates(ds):
            raise ValueError(f"{path} holds {ds.sizes['run']} replicates (a 'run' dimension): "
                             "this needs a single run")
        raise ValueError(f"{path} is a sweep file (it has a 'run' dimension): use open_sweep")
    return ds


def is_replicates(ds):
    """Whether a Dataset holds replicates of one scenario (``run --replicates`` or a sweep
    without parameters): a ``run`` dimension and ``sweep_design == "replicates"``."""
    return "run" in ds.dims and ds.attrs.get("sweep_design") == "replicates"


def open_sweep(path):
    """Opens a sweep file (or the master file of a sharded sweep).

    Args:
        path: Path of a file written by ``schoolsim sweep``.

    Returns:
        An ``xarray.Dataset`` like :func:`open_run`'s with a leading ``run`` dimension.
        ``replicate``, ``seed``, ``run_status``, the design metadata and one variable per
        swept parameter (``brokering__slots_per_term`` for ``brokering.slots_per_term``)
        are coordinates over ``run``.

    Raises:
        FileNotFoundError: The file or one of the shards it lists does not exist.
        ValueError: The file is not a schoolsim sweep file.
    """
    ds = _open(path)
    if "run" not in ds.dims:
        ds.close()
        raise ValueError(f"{path} is not a sweep file (no 'run' dimension): use open_run")
    return ds


def open_output(path):
    """Opens a run or a sweep file, whichever it is.

    Args:
        path: Path of a schoolsim output file.

    Returns:
        The Dataset of :func:`open_run` or :func:`open_sweep`.
    """
    return _open(path)


def scenario(ds):
    """Returns the resolved scenario of a run or sweep as a dict.

    Args:
        ds: A Dataset from :func:`open_run` or :func:`open_sweep`.

    Returns:
        The parsed ``scenario_yaml`` attribute.

    Raises:
        ValueError: The Dataset has no ``scenario_yaml`` attribute.
    """
    text = ds.attrs.get("scenario_yaml")
    if text is None:
        raise ValueError("dataset has no 'scenario_yaml' attribute (not schoolsim output?)")
    return yaml.safe_load(text)


def sweep_spec(ds):
    """Returns the sweep specification (``sweep_yaml``) as a dict, or ``{}`` for a run."""
    return yaml.safe_load(ds.attrs.get("sweep_yaml", "")) or {}
