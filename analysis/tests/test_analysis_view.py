"""The data behind ``python -m schoolsim view`` (the page itself is tested in tests/browser)."""

import base64
import gzip
import json
import re

import numpy as np
import pandas as pd
import pytest

import schoolsim
from engine_files import N_PRIMARY, WORLD, write_run
from schoolsim.__main__ import main
from schoolsim.links import LINK_CATEGORIES, link_category, memberships_by_term
from schoolsim.view import view_payload, write_view


def _events(rows):
    """An event table like schoolsim.partnerships() from (term, kind, id, type, programme, members)."""
    return pd.DataFrame({
        "term": [r[0] for r in rows], "kind": [r[1] for r in rows], "partnership": [r[2] for r in rows],
        "type": [r[3] for r in rows], "programme": [r[4] for r in rows], "members": [r[5] for r in rows],
    })


def test_memberships_follow_formed_joined_and_ended_events():
    events = _events([
        (1, "formed", 7, "network", -1, [3, 4]),
        (1, "formed", 2, "pair", -1, [5, 6]),
        (2, "joined", 7, "network", -1, [9]),
        (3, "ended", 2, "pair", -1, [5, 6]),
        (3, "formed", 8, "pair", -1, [1, 2]),
        (3, "ended", 8, "pair", -1, [1, 2]),  # formed and ended in one term: never active
        (4, "formed", 11, "network", 0, [1, 2, 3]),
    ])
    frames = memberships_by_term(events, [0, 1, 2, 3, 4])
    as_tuples = [[(p.id, LINK_CATEGORIES[p.category], p.members) for p in frame] for frame in frames]
    assert as_tuples == [
        [],
        [(2, "support pair", (5, 6)), (7, "network", (3, 4))],
        [(2, "support pair", (5, 6)), (7, "network", (3, 4, 9))],
        [(7, "network", (3, 4, 9))],
        [(7, "network", (3, 4, 9)), (11, "programme family", (1, 2, 3))],
    ]


def test_link_categories_name_every_partnership_type():
    assert [LINK_CATEGORIES[link_category(t, -1)] for t in ("pair", "network", "federation", "mat")] == \
        ["support pair", "network", "federation", "MAT"]
    assert LINK_CATEGORIES[link_category("network", 2)] == "programme family"
    assert LINK_CATEGORIES[link_category("pair", 2)] == "support pair"


def _typed(binary, ref):
    return np.frombuffer(binary, dtype=np.dtype(ref["type"]).newbyteorder("<"), count=ref["count"],
                         offset=ref["offset"])


def test_payload_holds_the_file_values_of_the_kept_terms(files):
    payload, binary = view_payload([files["run_a"]], every=3)
    with schoolsim.open_run(files["run_a"]) as ds:
        terms = ds["term"].values.tolist()
        expected_terms = terms[::3] + ([terms[-1]] if terms[-1] not in terms[::3] else [])
        assert payload["terms"] == expected_terms
        run = payload["runs"][0]
        # Quantised: within half a step of the file's values, the step spanning their range.
        for name, levels in (("attainment", 65535), ("capacity", 255), ("pupils", 255)):
            stored = run[name]
            decoded = stored["offset"] + stored["scale"] * _typed(binary, stored["plane"]).astype(np.float64)
            expected = ds["school_" + name].sel(term=expected_terms).values.astype(np.float64)
            step = (expected.max() - expected.min()) / (levels - 1)
            assert stored["scale"] == pytest.approx(step)
            np.testing.assert_allclose(decoded.reshape(expected.shape), expected, rtol=0, atol=step / 2 * 1.001)
        grade = _typed(binary, run["grade"]["plane"]).reshape(len(expected_terms), -1)
        np.testing.assert_array_equal(grade, ds["school_grade"].sel(term=expected_terms).values)
        # The trajectory means are the file's, exactly.
        means = payload["panels"][0]["means"]["attainment"]["all"]
        np.testing.assert_allclose(means, ds["school_attainment"].sel(term=expected_terms).values
                                   .astype(np.float64).mean(axis=1), rtol=1e-12)
        active = schoolsim.active_partnerships(schoolsim.partnerships(ds), expected_terms[-1])
    codes = _typed(binary, run["partnerships"][-1]).tolist()
    ids, k = 0, 0
    while k < len(codes):
        ids += 1
        k += 2 + codes[k + 1]
    assert ids == len(active) > 0


def test_page_is_self_contained_and_reproducible(files, tmp_path):
    first = write_view([files["run_a"]], tmp_path / "a.html").read_bytes()
    again = write_view([files["run_a"]], tmp_path / "b.html").read_bytes()
    assert first == again
    text = first.decode("utf-8")
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", text)  # nothing fetched
    blocks = dict(re.findall(r'<script id="([a-z-]+)" type="application/gzip-base64">([^<]*)</script>', text))
    assert set(blocks) == {"plotly-js", "view-data", "view-binary"}
    plotly = gzip.decompress(base64.b64decode(blocks["plotly-js"])).decode("utf-8")
    assert "plotly.js" in plotly[:2000]
    payload = json.loads(gzip.decompress(base64.b64decode(blocks["view-data"])))
    assert payload["mode"] == "single" and payload["runs"][0]["label"] == "baseline"
    assert sorted(tmp_path.iterdir()) == [tmp_path / "a.html", tmp_path / "b.html"]  # no temporary left


def test_two_runs_of_one_world_side_by_side_or_as_difference(files):
    side, _ = view_payload([files["run_a"], files["run_b"]])
    diff, _ = view_payload([files["run_a"], files["run_b"]], diff=True, labels=["A", "B"])
    assert side["mode"] == "side" and [r["label"] for r in side["runs"]] == ["baseline", "pathfinder"]
    assert diff["mode"] == "diff" and [r["label"] for r in diff["runs"]] == ["A", "B"]


def test_runs_of_different_worlds_are_refused(files, tmp_path):
    other = write_run(tmp_path / "other.h5", "baseline", dict(WORLD, **{"world.n_primary": N_PRIMARY + 1}))
    with pytest.raises(ValueError, match="different worlds"):
        view_payload([files["run_a"], other])


def test_command_line_exit_status(files, tmp_path, capsys):
    out = tmp_path / "v.html"
    assert main(["view", str(files["run_a"]), "-o", str(out), "--variable", "grade"]) == 0
    assert out.is_file()
    assert main(["view", str(tmp_path / "missing.h5"), "-o", str(tmp_path / "m.html")]) == 1
    assert "not found" in capsys.readouterr().err
    assert main(["view", str(files["grid"]), "-o", str(tmp_path / "s.html")]) == 1
    assert "sweep file" in capsys.readouterr().err
    assert not (tmp_path / "m.html").exists() and not (tmp_path / "s.html").exists()
    for bad in (["--every", "0"], ["--diff"], ["--variable", "wealth"]):
        with pytest.raises(SystemExit) as exit_info:
            main(["view", str(files["run_a"]), "-o", str(out), *bad])
        assert exit_info.value.code == 2


def test_register_world_maps_in_longitude_latitude_and_synthetic_in_km(files):
    from schoolsim.view import _grid_km_to_lon_lat

    # The grid's true origin, 400 km east and -100 km north of its false origin, is 2° W 49° N
    # on the OSGB36 datum; WGS84 differs from it by well under 0.002° there.
    lon, lat = _grid_km_to_lon_lat([400.0], [-100.0])
    assert abs(lon[0] + 2.0) < 0.002 and abs(lat[0] - 49.0) < 0.002
    payload, _ = view_payload([files["run_a"]])
    with schoolsim.open_run(files["run_a"]) as ds:
        np.testing.assert_allclose(payload["static"]["x"], ds["x"].values, atol=5e-4)
    assert payload["static"]["axes"] == {"x": "x (km)", "y": "y (km)", "aspect": 1.0}


def test_missing_pyproj_is_a_clear_error_not_a_traceback(monkeypatch):
    import sys

    from schoolsim.view import _grid_km_to_lon_lat

    monkeypatch.setitem(sys.modules, "pyproj", None)  # import pyproj now raises ImportError
    with pytest.raises(ImportError, match="apt-get install python3-pyproj"):
        _grid_km_to_lon_lat([400.0], [-100.0])
