"""Helpers shared by the sweep tests: the example sweep, the journal of a sweep in progress,
and exact comparison of sweep files."""

import h5py
import numpy as np

from engine_support import REPO

#: The 3 x 3 grid x 4 replicates example on a reduced world (300 schools, 6 terms).
GRID_SPEC = REPO / "scenarios" / "sweeps" / "la_brokered_grid.yaml"
GRID_RUNS = 36

#: Global attributes allowed to differ between two files holding the same sweep.
PROVENANCE = {"history"}


def datasets(path):
    """Returns ``{name: (dtype, values, attributes)}`` of every dataset of an HDF5 file."""
    out = {}
    with h5py.File(path, "r") as f:
        for name, obj in f.items():
            attrs = {k: v for k, v in obj.attrs.items() if k not in ("DIMENSION_LIST", "REFERENCE_LIST")}
            out[name] = (obj.dtype, obj[()], attrs)
    return out


def global_attrs(path, ignore=PROVENANCE):
    """Returns the global attributes of an HDF5 file but those named in ``ignore``."""
    with h5py.File(path, "r") as f:
        return {k: v for k, v in f.attrs.items() if k not in ignore}


def assert_same_sweep(a, b):
    """Asserts two sweep files hold exactly the same data (types, values, NaNs, attributes)."""
    da, db = datasets(a), datasets(b)
    assert sorted(da) == sorted(db)
    for name in da:
        (ta, va, aa), (tb, vb, ab) = da[name], db[name]
        assert ta == tb, name
        assert va.shape == vb.shape, name
        if va.dtype.kind == "f":
            # Exact: same bits, NaN where NaN.
            assert np.array_equal(va.view(f"u{va.dtype.itemsize}"), vb.view(f"u{vb.dtype.itemsize}")), name
        else:
            assert np.array_equal(va, vb), name
        assert aa.keys() == ab.keys(), name
    assert global_attrs(a).keys() == global_attrs(b).keys()
    for key, value in global_attrs(a).items():
        assert np.array_equal(value, global_attrs(b)[key]), key


def journal_path(out):
    """The journal of an unfinished sweep writing ``out``."""
    return out.parent / (out.name + ".parts") / "runs.journal"


def journal_frames(out):
    """``(offset, length)`` of every whole record in the journal ([u64 length][record])."""
    frames = []
    try:
        with open(journal_path(out), "rb") as f:
            size = f.seek(0, 2)
            at = 0
            while at + 8 <= size:
                f.seek(at)
                length = int.from_bytes(f.read(8), "little")
                if at + 8 + length > size:
                    break
                frames.append((at, length))
                at += 8 + length
    except FileNotFoundError:
        pass
    return frames
