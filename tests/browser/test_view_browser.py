"""The page of ``python -m schoolsim view`` in a real browser (Debian's chromium, puppeteer-core).

The engine writes small runs; expected marker counts, link counts per type, colours and hover
text are computed here from the run files (with the event table, independently of view.py's
encoding) and handed to ``view_checks.mjs``, which loads each page in headless chromium.

Needs ``chromium``, ``node`` and ``npm ci`` in this folder (scripts/test_all.sh does both).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.spatial import cKDTree

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tests" / "python"))
sys.path.insert(0, str(REPO / "analysis"))

import schoolsim  # noqa: E402
from engine_support import schoolsim_binary  # noqa: E402
from schoolsim.view import write_view  # noqa: E402

CATEGORIES = ["support pair", "network", "federation", "MAT", "programme family"]
TYPE_CATEGORY = {"pair": "support pair", "network": "network", "federation": "federation", "mat": "MAT"}

# A small world with a two-LA programme region: pairs, networks and programme families form.
SMALL_CHALLENGE = [
    "--set", "world.n_primary=300",
    "--set", "world.n_secondary=60",
    "--set", "world.n_las=6",
    "--set", "world.regions.greater_manchester=[0,1]",
    "--set", "run.terms=6",
]


def _run(scenario, out):
    result = subprocess.run([str(schoolsim_binary()), "run", str(REPO / "scenarios" / scenario), "-o",
                             str(out), *SMALL_CHALLENGE], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("view")
    return _run("baseline.yaml", folder / "a.h5"), _run("city_challenge.yaml", folder / "b.h5")


def active_members(events, term):
    """{partnership: (category, member set)} at ``term``, from the events."""
    active = {}
    for row in events[events["term"] <= term].sort_values("term", kind="stable").itertuples():
        if row.kind == "formed":
            category = "programme family" if row.type == "network" and row.programme >= 0 \
                else TYPE_CATEGORY[row.type]
            active[row.partnership] = (category, list(row.members))
        elif row.kind == "joined" and row.partnership in active:
            active[row.partnership][1].extend(m for m in row.members if m not in active[row.partnership][1])
        elif row.kind == "ended":
            active.pop(row.partnership, None)
    return active


def link_counts(active, max_links=None):
    """Links drawn per category: a partnership of k members is drawn as k - 1 links."""
    counts = dict.fromkeys(CATEGORIES, 0)
    drawn = 0
    for pid in sorted(active):
        category, members = active[pid]
        for _ in members[1:]:
            if max_links is not None and drawn >= max_links:
                break
            counts[category] += 1
            drawn += 1
    return [counts[c] for c in CATEGORIES]


def attainment(ds, term):
    return ds["school_attainment"].sel(term=term).values.astype(np.float32)


def half_step(ds):
    """The most a colour of attainment may differ from the file's value: view.py stores it in
    16 bits spanning the run's range (docs/view.md), so by half a step."""
    values = ds["school_attainment"].values.astype(np.float64)
    return float(values.max() - values.min()) / (65535 - 1) / 2 * 1.001


def sample_schools(n):
    return [0, n // 3, n // 2, n - 1]


def isolated_school(ds, candidates):
    """Of ``candidates``, the school farthest from its nearest neighbour (alone under the mouse)."""
    xy = np.column_stack([ds["x"].values, ds["y"].values])
    distance, _ = cKDTree(xy).query(xy, k=2)
    candidates = sorted(candidates)
    return candidates[int(np.argmax(distance[candidates, 1]))]


def run_checks(tmp_path, pages):
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"categories": CATEGORIES, "pages": pages}))
    if not (HERE / "node_modules" / "puppeteer-core").is_dir():
        pytest.fail(f"puppeteer-core is not installed: run `npm ci` in {HERE}")
    result = subprocess.run(["node", str(HERE / "view_checks.mjs"), str(spec)], capture_output=True,
                            text=True, timeout=600, env={**os.environ})
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr


def test_single_run_page_draws_the_file(runs, tmp_path):
    path = runs[1]
    html = write_view([path], tmp_path / "view.html")
    capped = write_view([path], tmp_path / "capped.html", max_links=7)
    with schoolsim.open_run(path) as ds:
        events = schoolsim.partnerships(ds)
        terms = ds["term"].values.tolist()
        n = ds.sizes["school"]
        late = terms[-1]
        first_links = link_counts(active_members(events, 0))
        late_active = active_members(events, late)
        late_links = link_counts(late_active)
        # The slider must change something visible, or the test proves nothing.
        assert first_links != late_links and late_links[CATEGORIES.index("programme family")] > 0
        schools = sample_schools(n)
        hovered = isolated_school(ds, {m for _, members in late_active.values() for m in members})
        partners = sorted({m for _, members in late_active.values() if hovered in members
                           for m in members} - {hovered})
        grade = int(ds["school_grade"].sel(term=late, school=hovered))
        colours = lambda term: [{"map": 0, "school": s, "value": float(attainment(ds, term)[s]),  # noqa: E731
                                 "tolerance": half_step(ds)} for s in schools]
        assert [c["value"] for c in colours(0)] != [c["value"] for c in colours(late)]
        page = {
            "html": str(html), "maps": 1, "markers": n,
            "frames": [{"frame": 0, "links": [first_links], "colours": colours(0)},
                       {"frame": terms.index(late), "links": [late_links], "colours": colours(late)},
                       {"frame": 2, "links": [link_counts(active_members(events, terms[2]))],
                        "colours": colours(terms[2])}],
            "hover": {"map": 0, "frame": terms.index(late), "school": hovered,
                      "x": float(ds["x"].values[hovered]), "y": float(ds["y"].values[hovered]),
                      "contains": [f"school {hovered}", f"LA {int(ds['la'].values[hovered])}",
                                   str(ds["phase_of_school"].values[hovered]), f"grade {grade}",
                                   f"partners ({len(partners)}): " + ", ".join(map(str, partners[:12]))]},
        }
        capped_page = {"html": str(capped), "maps": 1, "markers": n,
                       "frames": [{"frame": terms.index(late), "links": [link_counts(late_active, 7)],
                                   "colours": []}]}
        assert sum(capped_page["frames"][0]["links"][0]) == 7 < sum(late_links)
    run_checks(tmp_path, [page, capped_page])


def test_two_runs_side_by_side_and_difference(runs, tmp_path):
    a, b = runs
    side = write_view([a, b], tmp_path / "side.html")
    diff = write_view([a, b], tmp_path / "diff.html", diff=True)
    with schoolsim.open_run(a) as da, schoolsim.open_run(b) as db:
        n = da.sizes["school"]
        terms = da["term"].values.tolist()
        late = terms[-1]
        links = [link_counts(active_members(schoolsim.partnerships(d), late)) for d in (da, db)]
        assert links[0] != links[1]
        schools = sample_schools(n)
        side_colours = [{"map": m, "school": s, "value": float(attainment(d, late)[s]),
                         "tolerance": half_step(d)} for m, d in enumerate((da, db)) for s in schools]
        diff_colours = [{"map": 0, "school": s,
                         "value": float(attainment(db, late)[s]) - float(attainment(da, late)[s]),
                         "tolerance": half_step(da) + half_step(db)} for s in schools]
        assert any(c["value"] != 0 for c in diff_colours)
    run_checks(tmp_path, [
        {"html": str(side), "maps": 2, "markers": n,
         "frames": [{"frame": terms.index(late), "links": links, "colours": side_colours}]},
        {"html": str(diff), "maps": 1, "markers": n,
         "frames": [{"frame": terms.index(late), "links": [links[1]], "colours": diff_colours}]},
    ])


def test_register_world_hover_names_the_school(tmp_path):
    world = tmp_path / "world.h5"
    result = subprocess.run([str(schoolsim_binary()), "world", "import",
                             str(REPO / "scenarios" / "worlds" / "fixture_register.csv"), "-o", str(world),
                             "--max-bad-share", "0.05"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    run = tmp_path / "run.h5"
    result = subprocess.run([str(schoolsim_binary()), "run", str(REPO / "scenarios" / "baseline.yaml"), "-o",
                             str(run), "--set", f"world.file={world}", "--set", "run.terms=2"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    html = write_view([run], tmp_path / "register.html")
    import h5py

    from pyproj import Transformer

    with schoolsim.open_run(run) as ds, h5py.File(world, "r") as f:
        school = isolated_school(ds, range(ds.sizes["school"]))
        urn = int(f["school_urn"][school])
        name = f["school_name"][school].decode()
        la_name = f["la_name"][int(ds["la"].values[school])].decode()
        # The map of a register world is in longitude/latitude: the mouse finds the school there.
        lon, lat = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True).transform(
            float(ds["x"].values[school]) * 1000, float(ds["y"].values[school]) * 1000)
        assert -7 < lon < 2 and 49.8 < lat < 56  # England
        page = {"html": str(html), "maps": 1, "markers": ds.sizes["school"], "frames": [],
                "hover": {"map": 0, "frame": 0, "school": school, "x": lon, "y": lat,
                          "contains": [f"school {school} · URN {urn} {name}", la_name]}}
    run_checks(tmp_path, [page])
