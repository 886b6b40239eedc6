"""An interactive, self-contained HTML map of one run (or two runs of the same world).

``write_view(["run.h5"], "view.html")`` writes one HTML file that opens offline: plotly.js
(Debian's ``python3-plotly``) and the run's data (JSON plus typed arrays) are embedded
gzip-compressed, and ``view.js`` draws them. The per-term school variables are stored
quantised (attainment in 16 bits, capacity and roll in 8, grade exactly; see
``QUANTISATION`` and docs/view.md), and colour ranges and trajectory means are computed here,
so the page decodes only the term it shows:

- every school at its location (km), coloured by a chosen variable, sized by its roll;
- the partnerships active at the term shown as links coloured by type; a network,
  federation or MAT is drawn as a star from its first-named member to the others;
- LA outlines (convex hulls of the LA's schools), the programme's region highlighted;
- a term slider, a play button, hover text per school, and a panel of the system and
  region means of the chosen variable with a marker at the term shown.

Two runs: side by side, or (``diff=True``) one map of B - A.

What is thinned for large runs (both are options of ``python -m schoolsim view``): terms
(``every``: every k-th term, plus the last) and links (``max_links``: at most this many
links drawn per term, in partnership id order; hover text still names every partner).
"""

from __future__ import annotations

import base64
import gzip
import html
import json
import os
import tempfile
from pathlib import Path

import h5py
import numpy as np
from scipy.spatial import ConvexHull, QhullError

from .events import partnerships
from .io import open_run, scenario
from .links import LINK_CATEGORIES, memberships_by_term

#: Colour variables: name -> (label, per-school variable or None when derived).
COLOUR_VARIABLES = {
    "attainment": "attainment (pupil SD)",
    "grade": "inspection grade (1 outstanding .. 4 inadequate)",
    "capacity": "capacity for improvement work",
    "disadvantage": "disadvantage (FSM share)",
    "change": "attainment change since term 0 (pupil SD)",
}

_PER_SCHOOL = ("school_attainment", "school_grade", "school_capacity", "school_pupils")

#: Quantisation of the per-term school variables: levels per variable (the top code of each
#: plane marks a missing value). Attainment is shown to three decimals in the hover text, so
#: it gets 16 bits; capacity only colours markers and the roll only sizes them, so 8 bits.
QUANTISATION = {"attainment": np.uint16, "capacity": np.uint8, "pupils": np.uint8}


class _Binary:
    """Typed arrays packed into one buffer; the payload refers to them by offset and count."""

    def __init__(self):
        self.parts, self.size = [], 0

    def add(self, array, dtype):
        """Appends ``array`` as little-endian ``dtype``; returns its reference for view.js."""
        data = np.ascontiguousarray(array, dtype=dtype).tobytes()
        kind = np.dtype(dtype)
        ref = {"offset": self.size, "count": len(data) // kind.itemsize, "type": kind.name}
        padding = -len(data) % 8  # typed arrays need offsets aligned to their element size
        self.parts += [data, bytes(padding)]
        self.size += len(data) + padding
        return ref

    def bytes(self):
        return b"".join(self.parts)


def _quantised(values, dtype):
    """``values`` as codes of an unsigned ``dtype`` with ``value = offset + scale * code``.

    The codes span the finite values' range in equal steps, so the error is at most
    ``scale / 2``; the largest code marks a missing (not finite) value.
    """
    values = np.asarray(values, dtype=np.float64)
    missing_code = np.iinfo(dtype).max
    finite = np.isfinite(values)
    lo = float(values[finite].min()) if finite.any() else 0.0
    hi = float(values[finite].max()) if finite.any() else 0.0
    scale = (hi - lo) / (missing_code - 1) if hi > lo else 1.0
    codes = np.full(values.shape, missing_code, dtype=dtype)
    codes[finite] = np.rint((values[finite] - lo) / scale).astype(dtype)
    return codes, lo, scale


def _selected_terms(terms, every):
    """Every ``every``-th term from the first, plus the last."""
    picked = list(terms[::every])
    if picked[-1] != terms[-1]:
        picked.append(terms[-1])
    return picked


def _world_file(spec, run_path, world_file):
    """The register world file named by the run's scenario (or ``world_file``), if found."""
    name = world_file or (spec.get("world") or {}).get("file") or ""
    if not name:
        return None
    for candidate in (Path(name), Path(run_path).parent / name):
        if candidate.is_file():
            return candidate
    if world_file:
        raise FileNotFoundError(f"world file not found: {world_file}")
    return None


def _register_labels(path, n_schools):
    """URN, establishment name per school and LA names from a world file, or None."""
    with h5py.File(path, "r") as f:
        if "school_urn" not in f or f["school_urn"].shape[0] != n_schools:
            raise ValueError(f"world file {path} does not describe the run's {n_schools} schools")

        def strings(name):
            return [v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in f[name][()]]

        return {"urn": f["school_urn"][()].astype(int).tolist(), "name": strings("school_name"),
                "la_name": strings("la_name") if "la_name" in f else []}


def _la_outlines(x, y, la):
    """Convex hulls of each LA's schools as one polyline with null breaks, by LA."""
    hulls = {}
    for code in np.unique(la):
        pts = np.column_stack([x[la == code], y[la == code]])
        if len(pts) < 3:
            continue
        try:
            hull = ConvexHull(pts)
        except QhullError:  # all schools of the LA on one line
            continue
        ring = pts[np.append(hull.vertices, hull.vertices[0])]
        hulls[int(code)] = np.round(ring, 2).tolist()
    return hulls


def _grid_km_to_lon_lat(x_km, y_km):
    """British National Grid km (EPSG:27700, the register's Easting/Northing / 1000) to WGS84
    longitude and latitude in degrees (Debian's ``python3-pyproj``)."""
    try:
        from pyproj import Transformer
    except ImportError as err:
        raise ImportError("mapping a register world in longitude/latitude needs pyproj "
                          "(Debian: apt-get install python3-pyproj)") from err

    transformer = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    lon, lat = transformer.transform(np.asarray(x_km, dtype=np.float64) * 1000.0,
                                     np.asarray(y_km, dtype=np.float64) * 1000.0)
    return np.asarray(lon), np.asarray(lat)


def _map_coordinates(x, y, hulls, register):
    """School locations, LA outlines and axis description as the map shows them: km for
    synthetic worlds; longitude/latitude for register worlds (whose km are grid km)."""
    if not register:
        axes = {"x": "x (km)", "y": "y (km)", "aspect": 1.0}
        return np.round(x, 3), np.round(y, 3), hulls, axes
    lon, lat = _grid_km_to_lon_lat(x, y)
    rings = {}
    for code, ring in hulls.items():
        ring_lon, ring_lat = _grid_km_to_lon_lat([p[0] for p in ring], [p[1] for p in ring])
        rings[code] = np.round(np.column_stack([ring_lon, ring_lat]), 5).tolist()
    # A degree of latitude is 1 / cos(latitude) degrees of longitude long on the ground.
    axes = {"x": "longitude (°)", "y": "latitude (°)",
            "aspect": float(1.0 / np.cos(np.radians(np.mean(lat)))) if len(lat) else 1.0}
    return np.round(lon, 5), np.round(lat, 5), rings, axes


def _polyline(rings):
    xs, ys = [], []
    for ring in rings:
        xs += [p[0] for p in ring] + [None]
        ys += [p[1] for p in ring] + [None]
    return {"x": xs, "y": ys}


def _programme_region(spec):
    """(name, LA list) of the region(s) the scenario's programmes run in; (None, []) if none."""
    regions = (spec.get("world") or {}).get("regions") or {}
    names = [p.get("region") for p in spec.get("programmes") or [] if p.get("region")]
    names = list(dict.fromkeys(n for n in names if n in regions))
    if not names:
        return None, []
    las = sorted({int(la) for n in names for la in regions[n]})
    return " + ".join(names), las


def _run_payload(path, terms, binary):
    """The embedded data of one run: per-term school arrays and partnerships."""
    ds = open_run(path, replicates=False)
    try:
        missing = [v for v in _PER_SCHOOL if v not in ds.variables]
        if missing:
            raise ValueError(f"{path} has no per-school trajectories ({', '.join(missing)}): "
                             "run with output.per_school: true to view it")
        index = [int(np.flatnonzero(ds["term"].values == t)[0]) for t in terms]
        per_term = {v: ds[v].values[index] for v in _PER_SCHOOL}
        has_events = "event_term" in ds.variables
        frames = memberships_by_term(partnerships(ds), terms) if has_events else [[] for _ in terms]
        flat = []
        for frame in frames:
            codes = []
            for p in frame:
                codes += [p.category, len(p.members), *p.members]
            flat.append(binary.add(codes, "<i4"))
        run = {
            "file": str(path),
            "scenario": str(ds.attrs.get("scenario_name", "")),
            "hasEvents": has_events,
            # Grades are small whole numbers: stored exactly (scale 1, offset 0).
            "grade": {"plane": binary.add(per_term["school_grade"], "<u1"), "offset": 0.0, "scale": 1.0},
            "partnerships": flat,
        }
        for name, dtype in QUANTISATION.items():
            codes, offset, scale = _quantised(per_term["school_" + name], dtype)
            run[name] = {"plane": binary.add(codes, np.dtype(dtype).newbyteorder("<")), "offset": offset,
                         "scale": scale}
        values = {"attainment": per_term["school_attainment"].astype(np.float64),
                  "grade": per_term["school_grade"].astype(np.float64),
                  "capacity": per_term["school_capacity"].astype(np.float64)}
        return run, values
    finally:
        ds.close()


def _static_payload(path, world_file):
    ds = open_run(path, replicates=False)
    try:
        spec = scenario(ds)
        x, y = ds["x"].values, ds["y"].values
        la = ds["la"].values.astype(int)
        phase = (ds["phase_of_school"].values == "secondary").astype(int)
        static = {
            "n": int(ds.sizes["school"]),
            "terms": ds["term"].values.astype(int).tolist(),
            "la": la.tolist(),
            "phase": phase.tolist(),
            "disadvantage": np.round(ds["disadvantage"].values, 4).tolist(),
        }
    finally:
        ds.close()
    region_name, region_las = _programme_region(spec)
    # A register world (the scenario names a world file) is in British National Grid km.
    register = bool((spec.get("world") or {}).get("file"))
    map_x, map_y, hulls, axes = _map_coordinates(x, y, _la_outlines(x, y, la), register)
    static.update(x=map_x.tolist(), y=map_y.tolist(), axes=axes)
    static["laOutline"] = _polyline(hulls.values())
    static["region"] = {"name": region_name, "las": region_las,
                        "outline": _polyline(hulls[c] for c in region_las if c in hulls)}
    found = _world_file(spec, path, world_file)
    static["labels"] = _register_labels(found, static["n"]) if found else None
    return static


def _same_world(a, b, path_a, path_b):
    if a["terms"] != b["terms"]:
        raise ValueError(f"{path_a} has terms {a['terms'][0]}..{a['terms'][-1]} and {path_b} "
                         f"{b['terms'][0]}..{b['terms'][-1]}: compare runs of the same length")
    for key in ("n", "x", "y", "la"):
        if a[key] != b[key]:
            raise ValueError(f"{path_a} and {path_b} are runs of different worlds (their school {key} "
                             "differ): compare runs of the same world")


def _variable_values(values, disadvantage, variable):
    """(frames, schools) values of a colour variable for one run, from the file's values."""
    if variable == "disadvantage":
        return np.broadcast_to(disadvantage, values["attainment"].shape)
    if variable == "change":
        return values["attainment"] - values["attainment"][0]
    return values[variable]


def _finite_list(array):
    return [float(v) if np.isfinite(v) else None for v in array]


def _panels(mode, labels, run_values, static):
    """Per map: title, the runs it draws, and for every colour variable its colour range (one
    for all terms) and the trajectory means over all schools and over the programme region.

    Computed here from the file's values, so the page decodes only the term it shows.
    """
    if mode == "side":
        members = [[0], [1]]
    else:
        members = [[0, 1]] if mode == "diff" else [[0]]
    disadvantage = np.asarray(static["disadvantage"], dtype=np.float64)
    in_region = np.isin(np.asarray(static["la"]), static["region"]["las"])
    panels = []
    for runs in members:
        title = f"{labels[1]} − {labels[0]}" if len(runs) == 2 else labels[runs[0]]
        ranges, means = {}, {}
        for variable in COLOUR_VARIABLES:
            series = [_variable_values(run_values[r], disadvantage, variable) for r in runs]
            values = series[-1] - series[0] if len(runs) == 2 else series[0]
            finite = values[np.isfinite(values)]
            diverging = variable == "change" or mode == "diff"
            if variable == "grade" and mode != "diff":
                ranges[variable] = [1.0, 4.0]
            elif finite.size == 0:
                ranges[variable] = [0.0, 1.0]
            elif diverging:
                m = float(np.abs(finite).max()) or 1.0
                ranges[variable] = [-m, m]
            else:
                lo, hi = float(finite.min()), float(finite.max())
                ranges[variable] = [lo, hi] if lo < hi else [lo - 1, hi + 1]
            with np.errstate(invalid="ignore"):
                means[variable] = {"all": _finite_list(np.nanmean(values, axis=1)),
                                   "region": _finite_list(np.nanmean(values[:, in_region], axis=1))
                                   if in_region.any() else []}
        panels.append({"title": title, "runs": runs, "ranges": ranges, "means": means})
    return panels


def view_payload(paths, *, diff=False, variable="attainment", every=1, max_links=20000,
                 labels=None, world_file=None):
    """Everything ``view.js`` draws.

    Args:
        paths: One run file, or two run files of the same world.
        diff: With two runs, one map of B - A instead of two maps side by side.
        variable: Colour variable shown first (a key of COLOUR_VARIABLES).
        every: Keep every ``every``-th term (plus the last).
        max_links: Most links drawn per term and map.
        labels: Run labels (default: scenario names).
        world_file: Register world file for URNs and names (default: the scenario's
            ``world.file`` when it is found).

    Returns:
        ``(payload, binary)``: the JSON-serialisable dict, and the bytes of the typed arrays it
        refers to (``{"offset", "count", "type"}``).

    Raises:
        ValueError: Bad arguments, a file without per-school output, or runs of different worlds.
        FileNotFoundError: A file does not exist.
    """
    paths = [str(p) for p in paths]
    if not 1 <= len(paths) <= 2:
        raise ValueError(f"view takes one or two run files, not {len(paths)}")
    if diff and len(paths) != 2:
        raise ValueError("--diff needs two run files (A and B)")
    if variable not in COLOUR_VARIABLES:
        raise ValueError(f"unknown colour variable {variable!r}; choose from {', '.join(COLOUR_VARIABLES)}")
    if every < 1 or max_links < 0:
        raise ValueError("--every must be at least 1 and --max-links at least 0")
    static = _static_payload(paths[0], world_file)
    if len(paths) == 2:
        _same_world(static, _static_payload(paths[1], world_file), paths[0], paths[1])
    terms = _selected_terms(static["terms"], every)
    binary = _Binary()
    runs, run_values = zip(*(_run_payload(p, terms, binary) for p in paths))
    if labels is None:
        labels = [r["scenario"] or Path(r["file"]).stem for r in runs]
    if len(labels) != len(paths):
        raise ValueError(f"{len(labels)} labels for {len(paths)} files")
    for run, label in zip(runs, labels):
        run["label"] = label
    mode = "diff" if diff else ("side" if len(paths) == 2 else "single")
    return {
        "static": static,
        "terms": terms,
        "runs": list(runs),
        "panels": _panels(mode, labels, run_values, static),
        "mode": mode,
        "variable": variable,
        "variables": COLOUR_VARIABLES,
        "linkCategories": list(LINK_CATEGORIES),
        "maxLinks": max_links,
    }, binary.bytes()


def _plotly_js():
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _gzip_base64(data):
    # mtime=0: the same run gives the same page bytes.
    return base64.b64encode(gzip.compress(data, compresslevel=6, mtime=0)).decode("ascii")


def render_html(payload, binary):
    """The self-contained HTML page of ``view_payload``'s result.

    plotly.js, the payload JSON and the typed arrays are embedded gzip-compressed (base64):
    the page is three times smaller, and chromium compiles plotly.js loaded as a script from
    a blob far faster than the same 8.6 MB inline (7 s against 2 s on a busy 2-core machine).
    view.js inflates them with the browser's DecompressionStream.
    """
    script = (Path(__file__).with_name("view.js")).read_text(encoding="utf-8")
    title = html.escape(" vs ".join(r["label"] for r in payload["runs"]))
    data = json.dumps(payload, separators=(",", ":"), allow_nan=False).encode("utf-8")
    embedded = {"plotly-js": _plotly_js().encode("utf-8"), "view-data": data, "view-binary": binary}
    blocks = "\n".join(
        f'<script id="{key}" type="application/gzip-base64">{_gzip_base64(value)}</script>'
        for key, value in embedded.items())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>schoolsim view: {title}</title>
<style>
body {{ font-family: sans-serif; margin: 8px; }}
#controls {{ display: flex; gap: 1em; align-items: center; flex-wrap: wrap; }}
#term-slider {{ width: 30em; }}
#maps {{ display: flex; }}
.map {{ flex: 1; height: 70vh; min-width: 0; }}
#trajectory {{ height: 22vh; }}
#note {{ color: #555; font-size: small; }}
</style>
</head><body>
<div id="controls">
  <label>colour <select id="colour-variable"></select></label>
  <button id="play" type="button">Play</button>
  <label>term <input id="term-slider" type="range" min="0" value="0" step="1"></label>
  <span id="term-label">loading…</span>
</div>
<div id="maps"></div>
<div id="trajectory"></div>
<div id="note"></div>
{blocks}
<script>{script}</script>
</body></html>
"""


def write_view(paths, output, **kwargs):
    """Writes the view of one run, or two runs, to an HTML file.

    The file is written under a temporary name and renamed when complete, so a failure never
    leaves a half-written page.

    Args:
        paths: One or two run files.
        output: Path of the HTML file.
        **kwargs: Options of :func:`view_payload`.

    Returns:
        The output path as a ``Path``.
    """
    page = render_html(*view_payload(paths, **kwargs))
    output = Path(output)
    fd, tmp = tempfile.mkstemp(prefix=output.name + ".tmp-", dir=output.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(page)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the page is meant to be shared
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return output
