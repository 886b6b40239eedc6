"""Synthetic schoolsim output files in the documented layout, written with h5py.

The files follow ``docs/output_format.md`` (run files) and the sweep layout of
``analysis/README.md`` exactly: every dimension is a coordinate variable made an HDF5
dimension scale and attached to every dataset using it, string attributes are
fixed-length null-terminated scalars, datasets are chunked with shuffle + deflate(4) +
Fletcher-32. Real engine output can replace these files in the tests.

The numbers come from a toy model, not from schoolsim: school ``i`` has a latent
attainment ``z_i`` (fixed by the world, lower for disadvantaged schools) and at term
``t`` of ``T`` its measured attainment is::

    a_i(t) = z_i * (1 + spread * t / T) + effect * t / T + noise_sd * e_i(t)

with ``e_i(t)`` standard normal draws from ``seed`` and ``z`` centred on 0. Every system metric is computed
from ``a`` exactly as documented, so the files are internally consistent. The world
(phases, LAs, locations, disadvantage, ``z``) depends on ``world_seed`` only, so files
with the same seed and different ``effect`` differ by exactly ``effect`` in
``attainment_mean`` at the last term (common random numbers).
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import h5py
import numpy as np
import yaml

PHASES = ("primary", "secondary")
PARTNERSHIP_TYPES = ("pair", "network", "federation", "mat")
DOMAINS = ("teaching", "leadership", "data")
GRADE_SHARES_TERM0 = (0.20, 0.66, 0.11, 0.03)
REASON_MEANINGS = "not_ended funding_ended hazard graduated joined_mat"
GRANT_PER_TERM = 20000.0
PARTNERSHIP_TERMS = 6
NOISE_SD = 0.05
RUN_SCHOOLS = 60
RUN_TERMS = 12

DEFAULT_SWEEP_PARAMETERS = {
    "trust.trust_gain": (0.05, 0.30),
    "enrolment.lambda_attainment": (0.0, 2.5),
}


# --------------------------------------------------------------------------- writing


def _fixed_string_attr(obj, name, text):
    """Writes a fixed-length, null-terminated UTF-8 scalar string attribute."""
    raw = text.encode("utf-8")
    tid = h5py.h5t.C_S1.copy()
    tid.set_size(len(raw) + 1)
    tid.set_strpad(h5py.h5t.STR_NULLTERM)
    tid.set_cset(h5py.h5t.CSET_UTF8)
    if name in obj.attrs:
        del obj.attrs[name]
    aid = h5py.h5a.create(obj.id, name.encode(), tid, h5py.h5s.create(h5py.h5s.SCALAR))
    aid.write(np.array(raw, dtype=f"S{len(raw) + 1}"), mtype=tid)


def _write_attrs(obj, attrs):
    for name, value in attrs.items():
        if isinstance(value, str):
            _fixed_string_attr(obj, name, value)
        elif isinstance(value, int):
            obj.attrs.create(name, np.int64(value))
        else:
            obj.attrs.create(name, value)


def _create(group, name, data, fixed_strings=False):
    """Creates a dataset: chunked and compressed, or contiguous when empty or strings."""
    if data.dtype.kind == "U" and fixed_strings:
        return group.create_dataset(name, data=np.char.encode(data, "utf-8"))
    if data.dtype.kind == "U":
        return group.create_dataset(name, data=data.astype(object), dtype=h5py.string_dtype())
    if data.size == 0:
        return group.create_dataset(name, shape=data.shape, dtype=data.dtype)
    return group.create_dataset(
        name, data=data, chunks=True, shuffle=True, compression="gzip",
        compression_opts=4, fletcher32=True,
    )


def write_netcdf(path, coords, variables, global_attrs, fixed_strings=False):
    """Writes an HDF5 file that netCDF-4 reads with named dimensions.

    Args:
        path: Output path.
        coords: ``{dim: (values, attrs)}``, in dimension order.
        variables: ``{name: (dims, values, attrs)}``.
        global_attrs: File attributes (str, int or numpy values).
        fixed_strings: Write string coordinates as fixed-length byte strings instead of
            variable-length UTF-8 strings (netCDF-4 ``string``).
    """
    with h5py.File(path, "w", track_order=True) as f:
        _write_attrs(f, global_attrs)
        scales = {}
        for dim, (values, attrs) in coords.items():
            ds = _create(f, dim, np.asarray(values), fixed_strings)
            ds.make_scale(dim)
            _write_attrs(ds, attrs)
            scales[dim] = ds
        for name, (dims, values, attrs) in variables.items():
            values = np.asarray(values)
            assert values.shape == tuple(len(coords[d][0]) for d in dims), name
            ds = _create(f, name, values)
            for i, dim in enumerate(dims):
                ds.dims[i].attach_scale(scales[dim])
            _write_attrs(ds, attrs)


# --------------------------------------------------------------------------- toy model


def make_world(n_schools, n_las=4, world_seed=0):
    """Returns the static school table of a toy world as a dict of arrays."""
    rng = np.random.default_rng(world_seed)
    n_primary = max(1, int(round(0.8 * n_schools)))
    phase = np.zeros(n_schools, np.int8)
    phase[n_primary:] = 1
    la = rng.integers(0, n_las, n_schools).astype(np.int32)
    centres = rng.uniform([0.0, 0.0], [60.0, 40.0], size=(n_las, 2))
    xy = centres[la] + rng.normal(0.0, 4.0, size=(n_schools, 2))
    disadvantage = rng.beta(2.0, 10.0, n_schools)
    z = -1.5 * (disadvantage - disadvantage.mean()) + rng.normal(0.0, 0.4, n_schools)
    z -= z.mean()
    places = np.where(phase == 0, 300.0, 1000.0) * rng.lognormal(0.0, 0.3, n_schools)
    return {
        "phase": phase, "la": la, "x": xy[:, 0], "y": xy[:, 1],
        "disadvantage": disadvantage, "z": z, "pupils": np.rint(0.9 * places),
    }


def _attainment(world, n_terms, seed, effect, spread):
    rng = np.random.default_rng([seed, 7])
    frac = np.arange(n_terms + 1)[:, None] / max(n_terms, 1)
    noise = rng.standard_normal((n_terms + 1, world["z"].size))
    return world["z"][None, :] * (1.0 + spread * frac) + effect * frac + NOISE_SD * noise


def _grades(a, a0):
    cuts = np.quantile(a0, np.cumsum(GRADE_SHARES_TERM0[::-1])[:-1])  # 3%, 14%, 80%
    return (4 - np.searchsorted(cuts, a, side="right")).astype(np.int8)


def _partnership_events(n_schools, n_terms, seed):
    """Forms one or two partnerships per term; each lasts PARTNERSHIP_TERMS terms or less."""
    rng = np.random.default_rng([seed, 11])
    rows, pid = [], 0
    for t in range(1, n_terms + 1):
        for _ in range(1 + t % 2):
            ptype = int(rng.integers(0, 4))
            size = 2 if ptype == 0 else int(rng.integers(3, 6))
            members = rng.choice(n_schools, size=min(size, n_schools), replace=False)
            broker = int(rng.integers(-2, 4))
            rows.append((t, 0, pid, ptype, broker, 0 if broker >= 0 else -1, 0, members))
            end = t + int(rng.integers(2, PARTNERSHIP_TERMS + 1))
            if end <= n_terms:
                reason = int(rng.integers(1, 5))
                rows.append((end, 1, pid, ptype, broker, 0 if broker >= 0 else -1, reason, members))
            pid += 1
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    return rows


def _active(rows, n_schools, n_terms):
    """Active partnerships per term and school, per term and type (formed <= t < ended)."""
    per_school = np.zeros((n_terms + 1, n_schools), np.int16)
    per_type = np.zeros((n_terms + 1, len(PARTNERSHIP_TYPES)), np.int32)
    start = {r[2]: r for r in rows if r[1] == 0}
    stop = {r[2]: r[0] for r in rows if r[1] == 1}
    for pid, r in start.items():
        terms = slice(r[0], stop.get(pid, n_terms + 1))
        per_school[terms, r[7]] += 1
        per_type[terms, r[3]] += 1
    return per_school, per_type


def der_polarisation(y, alpha=0.5):
    """Duclos-Esteban-Ray polarisation (absolute form) with a Gaussian kernel density.

    Args:
        y: Attainment, shape ``(..., n)``; the index is computed over the last axis.
        alpha: Polarisation sensitivity.
    """
    y = np.asarray(y, float)
    n = y.shape[-1]
    q75, q25 = np.quantile(y, [0.75, 0.25], axis=-1)
    h = 0.9 * np.minimum(y.std(axis=-1), (q75 - q25) / 1.349) * n ** -0.2
    diff = y[..., :, None] - y[..., None, :]
    kernel = np.exp(-0.5 * (diff / h[..., None, None]) ** 2).sum(axis=-1)
    dens = kernel / (n * h[..., None] * math.sqrt(2 * math.pi))
    return np.mean(dens ** alpha * np.abs(diff).mean(axis=-1), axis=-1)


def er_polarisation(y, alpha=1.3):
    """Esteban-Ray polarisation over attainment quintile groups (over the last axis)."""
    groups = np.array_split(np.sort(np.asarray(y, float), axis=-1), 5, axis=-1)
    share = np.array([g.shape[-1] for g in groups]) / np.shape(y)[-1]
    mean = np.stack([g.mean(axis=-1) for g in groups], axis=-1)
    weight = share[:, None] ** (1 + alpha) * share[None, :]
    return np.sum(weight * np.abs(mean[..., :, None] - mean[..., None, :]), axis=(-2, -1))


def _quintile_gap(a, disadvantage, phase):
    """Least minus most disadvantaged quintile (by d, within phase), over the last axis."""
    low, high = [], []
    for p in (0, 1):
        idx = np.flatnonzero(phase == p)
        if idx.size < 5:
            continue
        order = idx[np.argsort(disadvantage[idx], kind="stable")]
        q = idx.size // 5
        low.append(order[:q])
        high.append(order[-q:])
    if not low:
        return np.full(a.shape[:-1], np.nan)
    return a[..., np.concatenate(low)].mean(axis=-1) - a[..., np.concatenate(high)].mean(axis=-1)


def _between_share(a, la):
    _, inverse = np.unique(la, return_inverse=True)
    onehot = np.eye(inverse.max() + 1)[inverse]  # (n, n_las)
    means = (a @ onehot) / onehot.sum(axis=0)
    between = np.mean((means[..., inverse] - a.mean(axis=-1, keepdims=True)) ** 2, axis=-1)
    return between / a.var(axis=-1)


def _weighted_sd(a, w):
    m = np.average(a, weights=w, axis=-1)
    return np.sqrt(np.average((a - m[..., None]) ** 2, weights=w, axis=-1))


def _metrics(a, w, world, idx):
    """System metrics over the schools ``idx``, for every term (rows of ``a``)."""
    if idx.size < 5:
        return {name: np.full(a.shape[0], np.nan) for name in SYSTEM_ATTRS if name != "mean_capacity"}
    a, w = a[:, idx], w[:, idx]
    p90, p10 = np.percentile(a, [90, 10], axis=-1)
    return {
        "attainment_mean": a.mean(axis=-1),
        "attainment_mean_pw": np.average(a, weights=w, axis=-1),
        "attainment_sd": a.std(axis=-1),
        "attainment_sd_pw": _weighted_sd(a, w),
        "attainment_p90_p10": p90 - p10,
        "der_polarisation": der_polarisation(a),
        "er_polarisation": er_polarisation(a),
        "disadvantage_gap": _quintile_gap(a, world["disadvantage"][idx], world["phase"][idx]),
        "between_la_share": _between_share(a, world["la"][idx]),
    }


def simulate(world, n_terms, seed, effect=0.0, spread=0.0, grant_per_term=GRANT_PER_TERM):
    """Runs the toy model and returns every documented variable as arrays (no run dim)."""
    n = world["z"].size
    a = _attainment(world, n_terms, seed, effect, spread).astype(np.float32)
    a64 = a.astype(float)
    grade = _grades(a64, a64[0])
    rng = np.random.default_rng([seed, 13])
    capacity = np.clip(0.45 + 0.1 * rng.standard_normal((n_terms + 1, n)), 0, 1).astype(np.float32)
    pupils = np.broadcast_to(world["pupils"], (n_terms + 1, n)).astype(np.int32)
    expertise = np.clip(0.5 + 0.1 * rng.standard_normal((n_terms + 1, n, 3)), 0, 1)
    rows = _partnership_events(n, n_terms, seed)
    school_partnerships, per_type = _active(rows, n, n_terms)
    out = {
        "school_attainment": a, "school_capacity": capacity, "school_pupils": pupils,
        "school_grade": grade, "school_partnerships": school_partnerships,
        "school_expertise": expertise.astype(np.float32), "partnerships_active": per_type,
    }
    by_phase = [np.flatnonzero(world["phase"] == p) for p in (0, 1)]
    overall = _metrics(a64, pupils, world, np.arange(n))
    per_phase = [_metrics(a64, pupils, world, idx) for idx in by_phase]
    for name in overall:
        out[name] = overall[name]
        out[name + "_by_phase"] = np.stack([m[name] for m in per_phase], axis=1)
    out["mean_capacity"] = capacity.astype(float).mean(axis=1)
    out["mean_capacity_by_phase"] = np.stack(
        [capacity[:, idx].astype(float).mean(axis=1) if idx.size else np.full(n_terms + 1, np.nan)
         for idx in by_phase], axis=1)
    out["grade_share"] = np.stack([(grade == g).mean(axis=1) for g in range(1, 5)], axis=1)
    out["grade_share_by_phase"] = np.stack(
        [np.stack([(grade[:, idx] == g).mean(axis=1) if idx.size else np.full(n_terms + 1, np.nan)
                   for g in range(1, 5)], axis=1) for idx in by_phase], axis=1)
    active = per_type.sum(axis=1)
    out["cross_quartile_share"] = np.where(active > 0, 0.4 + 0.02 * np.sin(np.arange(n_terms + 1)), 0.0)
    out["mean_trust"] = np.where(active > 0, 0.6 - 0.01 * np.cos(np.arange(n_terms + 1)), 0.0)
    out["pupils_moved"] = np.rint(0.05 * pupils.sum(axis=1) * (np.arange(n_terms + 1) % 3 == 1))
    out["money_spent"] = np.cumsum(grant_per_term * active).astype(float)
    out["events"] = rows
    return out


# --------------------------------------------------------------------------- layout

SYSTEM_ATTRS = {
    "attainment_mean": ("mean measured attainment", "pupil_sd"),
    "attainment_mean_pw": ("pupil-weighted mean measured attainment", "pupil_sd"),
    "attainment_sd": ("between-school standard deviation of attainment", "pupil_sd"),
    "attainment_sd_pw": ("pupil-weighted between-school standard deviation", "pupil_sd"),
    "attainment_p90_p10": ("90th minus 10th percentile of attainment", "pupil_sd"),
    "der_polarisation": ("Duclos-Esteban-Ray polarisation", "pupil_sd"),
    "er_polarisation": ("Esteban-Ray polarisation", "pupil_sd"),
    "disadvantage_gap": ("disadvantage gap", "pupil_sd"),
    "between_la_share": ("between-LA share of attainment variance", "1"),
    "mean_capacity": ("mean school capacity", "1"),
}
SCHOOL_ATTRS = {
    "school_attainment": ("school attainment", "pupil_sd"),
    "school_capacity": ("school capacity", "1"),
    "school_pupils": ("pupils on roll", "pupils"),
    "school_grade": ("inspection grade", "1"),
    "school_partnerships": ("active partnerships of the school", "1"),
    "school_expertise": ("school expertise", "1"),
}
ONLY_SYSTEM_ATTRS = {
    "cross_quartile_share": ("share of partnerships linking attainment quartiles", "1"),
    "mean_trust": ("mean pair trust in active partnerships", "1"),
    "pupils_moved": ("pupils placed away from their origin school", "pupils"),
    "money_spent": ("programme money spent, cumulative", "GBP"),
}


def _va(long_name, units, **extra):
    return {"long_name": long_name, "units": units, **extra}


def scenario_yaml(name, effect=0.0, overrides=None):
    """Returns a small resolved scenario as YAML text."""
    doc = {
        "name": name,
        "world": {"n_primary": 16764, "n_secondary": 3450, "n_las": 153},
        "funding": {"base_per_pupil": 5000, "grant_per_term": GRANT_PER_TERM},
        "trust": {"trust_gain": 0.15, "trust_loss": 0.3, "trust_decay": 0.05},
        "enrolment": {"lambda_attainment": 1.0, "lambda_distance": 4},
        "brokering": {"enabled": True, "slots_per_term": 3},
        "synthetic": {"effect": float(effect)},
    }
    for key, value in (overrides or {}).items():
        node = doc
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return yaml.safe_dump(doc, sort_keys=False)


def _coords(n_terms, n_schools, n_events, max_size, runs=None):
    coords = {}
    if runs is not None:
        coords["run"] = (np.arange(runs, dtype=np.int32),
                         {"long_name": "run", "standard_name": "realization", "units": "1"})
    coords.update({
        "term": (np.arange(n_terms + 1, dtype=np.int32), {"long_name": "term", "units": "term"}),
        "school": (np.arange(n_schools, dtype=np.int32), {"long_name": "school id", "units": "1"}),
        "phase": (np.array(PHASES), {"long_name": "phase"}),
        "grade": (np.arange(1, 5, dtype=np.int8),
                  {"long_name": "inspection grade", "units": "1",
                   "flag_meanings": "outstanding good requires_improvement inadequate"}),
        "partnership_type": (np.array(PARTNERSHIP_TYPES), {"long_name": "partnership type"}),
        "domain": (np.array(DOMAINS), {"long_name": "expertise domain"}),
        "event": (np.arange(n_events, dtype=np.int32), {"long_name": "event", "units": "1"}),
        "member": (np.arange(max_size, dtype=np.int32), {"long_name": "member slot", "units": "1"}),
    })
    return coords


def _school_table(world):
    return {
        "school_phase": (("school",), world["phase"], _va(
            "school phase", "1", flag_values=np.array([0, 1], np.int8),
            flag_meanings="primary secondary")),
        "school_la": (("school",), world["la"], _va("local authority index", "1")),
        "school_x": (("school",), world["x"], _va("school easting", "km")),
        "school_y": (("school",), world["y"], _va("school northing", "km")),
        "school_disadvantage": (("school",), world["disadvantage"],
                                _va("share of pupils eligible for free school meals", "1")),
    }


def _result_variables(results, lead):
    """Variables of stacked results; ``lead`` is ``()`` for a run, ``("run",)`` for a sweep."""
    first = results[0]
    stack = (lambda k: first[k]) if not lead else (lambda k: np.stack([r[k] for r in results]))
    out = {}
    for name, (long_name, units) in SYSTEM_ATTRS.items():
        out[name] = (lead + ("term",), stack(name), _va(long_name, units))
        out[name + "_by_phase"] = (lead + ("term", "phase"), stack(name + "_by_phase"),
                                   _va(long_name + " by phase", units))
    out["grade_share"] = (lead + ("term", "grade"), stack("grade_share"),
                          _va("share of schools per grade", "1"))
    out["grade_share_by_phase"] = (lead + ("term", "phase", "grade"), stack("grade_share_by_phase"),
                                   _va("share of schools per grade by phase", "1"))
    out["partnerships_active"] = (lead + ("term", "partnership_type"), stack("partnerships_active"),
                                  _va("active partnerships", "1"))
    for name, (long_name, units) in ONLY_SYSTEM_ATTRS.items():
        out[name] = (lead + ("term",), stack(name), _va(long_name, units))
    for name, (long_name, units) in SCHOOL_ATTRS.items():
        dims = lead + ("term", "school") + (("domain",) if name == "school_expertise" else ())
        out[name] = (dims, stack(name), _va(long_name, units))
    return out


def _event_variables(results, max_size, with_run):
    rows = [(i,) + r for i, res in enumerate(results) for r in res["events"]]

    def col(j, dtype):
        return np.array([r[j] for r in rows], dtype=dtype)

    members = np.full((len(rows), max_size), -1, np.int32)
    for k, r in enumerate(rows):
        members[k, : len(r[8])] = r[8]
    out = {
        "event_term": (("event",), col(1, np.int32), _va("term of the event", "term")),
        "event_kind": (("event",), col(2, np.int8), _va(
            "event kind", "1", flag_values=np.array([0, 1], np.int8), flag_meanings="formed ended")),
        "event_partnership": (("event",), col(3, np.int32), _va("partnership id", "1")),
        "event_type": (("event",), col(4, np.int8), _va("partnership type index", "1")),
        "event_broker": (("event",), col(5, np.int32), _va("broker LA index", "1")),
        "event_programme": (("event",), col(6, np.int16), _va("programme index", "1")),
        "event_reason": (("event",), col(7, np.int8), _va(
            "reason the partnership ended", "1",
            flag_values=np.arange(5, dtype=np.int8), flag_meanings=REASON_MEANINGS)),
        "event_size": (("event",), np.array([len(r[8]) for r in rows], np.int8), _va("members", "1")),
        "event_members": (("event", "member"), members, _va("member school ids", "1")),
    }
    if with_run:
        out["event_run"] = (("event",), col(0, np.int32), _va("run of the event", "1"))
    return out, len(rows)


def _global_attrs(name, yaml_text, seed, replicate, history):
    return {
        "Conventions": "CF-1.8",
        "title": f"schoolsim run: {name}",
        "source": "schoolsim 0.1.0 (git fixture)",
        "history": history,
        "scenario_yaml": yaml_text,
        "scenario_name": name,
        "seed": int(seed),
        "replicate": int(replicate),
    }


def _max_size(results):
    return max([len(r[7]) for res in results for r in res["events"]] + [1])


def write_run_file(path, n_schools=RUN_SCHOOLS, n_terms=RUN_TERMS, seed=0, effect=0.0, *, spread=0.0,
                   scenario_name=None, replicate=0, n_las=4, world_seed=0,
                   grant_per_term=GRANT_PER_TERM, fixed_strings=False):
    """Writes one run file in the documented layout.

    Args:
        path: Output path.
        n_schools: Number of schools.
        n_terms: Number of terms T (the file has T+1 terms).
        seed: Seed of the run's noise and partnership events.
        effect: Attainment gained by every school by the last term (pupil_sd).
        spread: Relative growth of the between-school spread by the last term.
        scenario_name: Scenario name; defaults to ``effect_<effect>``.
        replicate: Replicate number stored as a global attribute.
        n_las: Number of local authorities.
        world_seed: Seed of the static world (shared by files to compare).
        grant_per_term: Money per active partnership per term (``money_spent``).
        fixed_strings: Write label coordinates as fixed-length strings (see
            :func:`write_netcdf`).

    Returns:
        The path written, as a ``Path``.
    """
    name = scenario_name or f"effect_{effect:g}"
    world = make_world(n_schools, n_las, world_seed)
    result = simulate(world, n_terms, seed, effect, spread, grant_per_term)
    max_size = _max_size([result])
    events, n_events = _event_variables([result], max_size, with_run=False)
    variables = {**_school_table(world), **_result_variables([result], ()), **events}
    write_netcdf(path, _coords(n_terms, n_schools, n_events, max_size), variables,
                 _global_attrs(name, scenario_yaml(name, effect), seed, replicate,
                               f"schoolsim run scenarios/{name}.yaml --seed {seed}"),
                 fixed_strings=fixed_strings)
    return Path(path)


# --------------------------------------------------------------------------- sweeps


def default_response(values, parameters):
    """Maps parameter values to (effect, spread) of the toy model.

    With the parameters scaled to u_k in [0, 1] by their bounds:
    ``effect = 0.3 u_0 - 0.1 u_1`` and ``spread = -0.3 u_0 + 0.4 u_1 + 0.1 sum_{k>=2} u_k``.
    """
    u = [(values[key] - lo) / (hi - lo) for key, (lo, hi) in parameters.items()]
    u += [0.0] * (2 - len(u))
    return 0.3 * u[0] - 0.1 * u[1], -0.3 * u[0] + 0.4 * u[1] + 0.1 * sum(u[2:])


def _design(design, parameters, n, levels, seed):
    """Returns (points, metadata variables over design points)."""
    from schoolsim import designs

    bounds = list(parameters.values())
    if design == "replicates" or not bounds:
        return np.zeros((1, len(bounds))), {}
    if design == "grid":
        axes = [np.linspace(lo, hi, levels) for lo, hi in bounds]
        return np.array(list(itertools.product(*axes))), {}
    if design == "lhs":
        from scipy.stats import qmc

        u = qmc.LatinHypercube(d=len(bounds), seed=seed).random(n)
        return qmc.scale(u, *np.array(bounds).T), {}
    if design in ("saltelli", "sobol"):
        sample = designs.saltelli_sample(n, bounds, seed=seed)
        return sample.X, {
            "saltelli_block": (sample.block, np.int8, "Saltelli block: 0 A, 1 B, 2+k AB_k"),
            "saltelli_index": (sample.index, np.int32, "Saltelli base sample index"),
        }
    if design == "morris":
        sample = designs.morris_sample(n, bounds, levels=levels, seed=seed)
        return sample.X, {
            "morris_trajectory": (sample.trajectory, np.int32, "Morris trajectory"),
            "morris_step": (sample.step, np.int32, "Morris step within trajectory"),
        }
    raise ValueError(f"unknown design {design!r}")


def sweep_content(parameters=None, design="grid", n=8, replicates=2, n_schools=40, n_terms=8,
                  seed=0, levels=3, failed_runs=(), response=None, n_las=4, world_seed=0,
                  scenario_name="sweep_base", grant_per_term=GRANT_PER_TERM):
    """Builds the coordinates, variables and attributes of a sweep file.

    Runs are ordered design point-major, replicate-minor; replicate ``r`` of every design
    point uses seed ``1000 * seed + r`` (common random numbers).

    Returns:
        ``(coords, variables, global_attrs)`` for :func:`write_netcdf`.
    """
    parameters = dict(DEFAULT_SWEEP_PARAMETERS if parameters is None else parameters)
    response = response or default_response
    points, meta = _design(design, parameters, n, levels, seed)
    world = make_world(n_schools, n_las, world_seed)
    runs = [(p, r) for p in range(len(points)) for r in range(replicates)]
    results, seeds = [], []
    for p, r in runs:
        values = dict(zip(parameters, points[p]))
        effect, spread = response(values, parameters)
        seeds.append(1000 * seed + r)
        results.append(simulate(world, n_terms, seeds[-1], effect, spread, grant_per_term))
    status = np.zeros(len(runs), np.int8)
    status[list(failed_runs)] = 1
    for i in failed_runs:
        for key, value in results[i].items():
            if key != "events" and value.dtype.kind == "f":
                value[...] = np.nan
    max_size = _max_size(results)
    events, n_events = _event_variables(results, max_size, with_run=True)
    variables = {**_school_table(world), **_result_variables(results, ("run",)), **events}
    variables["replicate"] = (("run",), np.array([r for _, r in runs], np.int32), _va("replicate", "1"))
    variables["seed"] = (("run",), np.array(seeds, np.int64), _va("random seed", "1"))
    variables["run_status"] = (("run",), status, _va(
        "run status", "1", flag_values=np.array([0, 1], np.int8), flag_meanings="ok failed"))
    for k, (key, (lo, hi)) in enumerate(parameters.items()):
        variables[key.replace(".", "__")] = (("run",), points[[p for p, _ in runs], k], _va(
            key, "1", sweep_parameter=key, valid_min=float(lo), valid_max=float(hi)))
    for name, (values, dtype, long_name) in meta.items():
        variables[name] = (("run",), np.asarray(values, dtype)[[p for p, _ in runs]], _va(long_name, "1"))
    sweep_doc = {"design": design, "replicates": replicates, "seed": seed,
                 "parameters": {k: {"min": float(lo), "max": float(hi)}
                                for k, (lo, hi) in parameters.items()}}
    attrs = _global_attrs(scenario_name, scenario_yaml(scenario_name), seed, 0,
                          f"schoolsim sweep sweeps/{scenario_name}.yaml")
    attrs["title"] = f"schoolsim sweep: {scenario_name}"
    attrs["sweep_design"] = design
    attrs["sweep_yaml"] = yaml.safe_dump(sweep_doc, sort_keys=False)
    coords = _coords(n_terms, n_schools, n_events, max_size, runs=len(runs))
    return coords, variables, attrs


def write_sweep_file(path, parameters=None, design="grid", n=8, replicates=2, n_schools=40,
                     n_terms=8, seed=0, levels=3, failed_runs=(), response=None, **kwargs):
    """Writes a sweep file in the layout of ``analysis/README.md``.

    Args:
        path: Output path.
        parameters: ``{dotted key: (min, max)}``; defaults to trust gain and competition.
        design: ``"replicates"`` (one design point, no parameters needed), ``"grid"``
            (``levels`` per parameter), ``"lhs"`` (``n`` points),
            ``"saltelli"``/``"sobol"`` (``n`` base samples, n*(k+2) points) or
            ``"morris"`` (``n`` trajectories of k+1 points on ``levels`` levels).
        n: Sample size of the design (see ``design``).
        replicates: Runs per design point.
        n_schools: Number of schools.
        n_terms: Number of terms T.
        seed: Seed of the design and of the runs.
        levels: Grid levels or Morris levels.
        failed_runs: Run indices written with ``run_status = 1`` and NaN floats.
        response: ``f(values, parameters) -> (effect, spread)``; see
            :func:`default_response`.
        **kwargs: ``n_las``, ``world_seed``, ``scenario_name``, ``grant_per_term``.

    Returns:
        The path written, as a ``Path``.
    """
    coords, variables, attrs = sweep_content(parameters, design, n, replicates, n_schools,
                                             n_terms, seed, levels, failed_runs, response, **kwargs)
    write_netcdf(path, coords, variables, attrs)
    return Path(path)


def write_sharded_sweep(directory, n_shards=2, master_name="sweep.h5", **kwargs):
    """Writes a sweep as per-shard files joined by a master file of HDF5 virtual datasets.

    Shard ``k`` (``shards/shard_<k>.h5``) is a complete sweep file holding a contiguous
    block of runs and their events; the master maps every variable over ``run`` or
    ``event`` onto the shards and lists them in the ``shard_files`` attribute.

    Args:
        directory: Directory for the master file and the ``shards/`` folder.
        n_shards: Number of shards.
        master_name: File name of the master file.
        **kwargs: Passed to :func:`sweep_content`.

    Returns:
        ``(master path, list of shard paths)``.
    """
    directory = Path(directory)
    (directory / "shards").mkdir(parents=True, exist_ok=True)
    coords, variables, attrs = sweep_content(**kwargs)
    n_runs = len(coords["run"][0])
    blocks = np.array_split(np.arange(n_runs), n_shards)
    event_run = variables["event_run"][1]
    rel = [f"shards/shard_{k}.h5" for k in range(n_shards)]
    shard_events = []
    for k, runs in enumerate(blocks):
        ev = np.flatnonzero(np.isin(event_run, runs))
        shard_events.append(ev)
        sub_coords = dict(coords)
        sub_coords["run"] = (coords["run"][0][runs], coords["run"][1])
        sub_coords["event"] = (np.arange(ev.size, dtype=np.int32), coords["event"][1])
        sub_vars = {}
        for name, (dims, values, vattrs) in variables.items():
            if dims and dims[0] == "run":
                values = values[runs]
            elif dims and dims[0] == "event":
                values = values[ev]
            sub_vars[name] = (dims, values, vattrs)
        write_netcdf(directory / rel[k], sub_coords, sub_vars, attrs)
    master_attrs = dict(attrs, shard_files="\n".join(rel))
    master = directory / master_name
    static = {n: v for n, v in variables.items() if not v[0] or v[0][0] not in ("run", "event")}
    write_netcdf(master, coords, static, master_attrs)
    with h5py.File(master, "a") as f:
        for name, (dims, values, vattrs) in variables.items():
            if not dims or dims[0] not in ("run", "event"):
                continue
            parts = blocks if dims[0] == "run" else shard_events
            layout = h5py.VirtualLayout(shape=values.shape, dtype=values.dtype)
            offset = 0
            for k, part in enumerate(parts):
                if part.size:
                    shape = (part.size,) + values.shape[1:]
                    layout[offset:offset + part.size] = h5py.VirtualSource(rel[k], name, shape=shape)
                offset += part.size
            ds = f.create_virtual_dataset(name, layout)
            for i, dim in enumerate(dims):
                ds.dims[i].attach_scale(f[dim])
            _write_attrs(ds, vattrs)
    return master, [directory / r for r in rel]
