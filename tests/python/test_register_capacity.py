"""`schoolsim capacity`: the NFER capacity analysis on the register fixture (hand counts) and
on the synthetic default world (the calibration targets of shared/targets/stylised_facts.yaml).

Hand counts on the fixture (make_fixture_register.py), with every school's attainment from
the fixture's KS2/KS4 files and brokering.min_capacity_to_give = 0, so that the brokers'
rules reduce to grades and attainment ranks within phase:

* primary (48 schools, ranks 0..47, LA = rank % 3): in need = the 5 lowest ranks (below the
  10% quantile: 0.1 x 47 = 4.7) or graded 3/4 (ranks 7, 10, 15, 20, 26, 36) = 11;
  high-performing = ranks 32..47 (at or above the 67% quantile: 0.67 x 47 = 31.49) graded
  1/2, i.e. without rank 36 = 15. By LA: Bolton 4 high / 4 in need, Bury 5 / 4,
  Manchester 6 / 3.
* secondary (12 schools): in need = ranks 0, 1 and graded 3/4 (ranks 5, 10) = 4;
  high-performing = ranks 8, 9, 11 (rank 10 is inadequate) = 3. By LA: Bolton 1 / 1,
  Bury 0 / 2, Manchester 2 / 1.
* With a 50 km radius every school of the LA is within reach: in the same LA each school in
  need has its LA's high-performing schools (primary 4, 5 or 6 -> median 5; secondary 1, 0,
  0, 2 -> median 0.5, two without a supporter); in any LA it has all of its phase (15, 3).
"""

import csv
import math

import h5py
import numpy as np
import pytest
import xarray as xr

from engine_support import REPO

WORLDS = REPO / "scenarios" / "worlds"
RADIUS_50 = ("--radius-primary", "50", "--radius-secondary", "50")
HAND = {  # (LA code or None for national, phase) -> (schools, high-performing, in need, median supporters)
    (None, "primary"): (48, 15, 11, 5.0),
    (None, "secondary"): (12, 3, 4, 0.5),
    (None, "all"): (60, 18, 15, 4.0),
    (350, "primary"): (16, 4, 4, 4.0),
    (351, "primary"): (16, 5, 4, 5.0),
    (352, "primary"): (16, 6, 3, 6.0),
    (350, "secondary"): (4, 1, 1, 1.0),
    (351, "secondary"): (4, 0, 2, 0.0),
    (352, "secondary"): (4, 2, 1, 2.0),
    (350, "all"): (20, 5, 5, 4.0),
    (351, "all"): (20, 5, 6, 5.0),
    (352, "all"): (20, 8, 4, 6.0),
}


@pytest.fixture(scope="module")
def world(tmp_path_factory, schoolsim):
    out = tmp_path_factory.mktemp("capacity") / "fixture.h5"
    schoolsim("world", "import", WORLDS / "fixture_register.csv", "-o", out, "--max-bad-share", "0.05",
              "--attainment", WORLDS / "fixture_ks2.csv", "--attainment", WORLDS / "fixture_ks4.csv", "-q",
              check=True)
    return out


def capacity(schoolsim, tmp_path, source, *args):
    out, summary, schools = tmp_path / "cap.h5", tmp_path / "summary.csv", tmp_path / "schools.csv"
    result = schoolsim("capacity", source, "-o", out, "--csv", summary, "--schools-csv", schools, *args,
                       check=True)
    with open(summary, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with open(schools, newline="", encoding="utf-8") as f:
        need = list(csv.DictReader(f))
    return result.stdout, xr.open_dataset(out, engine="h5netcdf"), rows, need


def test_fixture_summaries_match_the_hand_counts(world, schoolsim, tmp_path):
    stdout, ds, rows, need = capacity(schoolsim, tmp_path, world, *RADIUS_50,
                                      "--set", "brokering.min_capacity_to_give=0")
    for row in rows:
        key = (None if row["level"] != "la" else int(row["code"]), row["phase"])
        if row["level"] == "region":
            assert row["name"] == "North West"
            key = (None, row["phase"])
        schools, high, in_need, median = HAND[key]
        counts = (int(row["schools"]), int(row["high_performing"]), int(row["in_need"]))
        assert counts == (schools, high, in_need), row
        assert float(row["median_supporters"]) == median, row
        expected_ratio = high / in_need if in_need else math.nan
        assert float(row["ratio"] or "nan") == pytest.approx(expected_ratio, nan_ok=True)
    bury_secondary = next(r for r in rows if r["code"] == "351" and r["phase"] == "secondary")
    assert int(bury_secondary["without_supporter"]) == 2
    assert "national             all              60         18       15    1.200          4" in stdout
    # HDF5: the same summaries, and a pair table consistent with the school table.
    assert list(ds["phase_group"].values) == ["primary", "secondary", "all"]
    np.testing.assert_array_equal(ds["la_high_performing"].values, [[4, 1, 5], [5, 0, 5], [6, 2, 8]])
    np.testing.assert_array_equal(ds["la_in_need"].values, [[4, 1, 5], [4, 2, 6], [3, 1, 4]])
    np.testing.assert_array_equal(ds["national_median_supporters"].values, [5.0, 0.5, 4.0])
    assert ds.attrs["supply_demand_ratio"] == pytest.approx(1.2)
    assert ds.sizes["school_in_need"] == 15 and len(need) == 15
    assert ds.sizes["pair"] == int(ds["need_supporters"].sum()) == 4 * 4 + 4 * 5 + 3 * 6 + 1 + 0 + 0 + 2
    counts = np.bincount(ds["pair_need"].values, minlength=15)
    np.testing.assert_array_equal(counts, ds["need_supporters"].values)
    # Supporters are same-phase, same-LA, high-performing schools, nearest first.
    with h5py.File(world, "r") as f:
        urn, la, phase = f["school_urn"][:], f["school_la"][:], f["school_phase"][:]
    school, supporter = ds["pair_school"].values, ds["pair_supporter"].values
    assert np.all(la[school] == la[supporter]) and np.all(phase[school] == phase[supporter])
    np.testing.assert_array_equal(ds["pair_supporter_urn"].values, urn[supporter])
    for k in range(15):
        d = ds["pair_distance_km"].values[ds["pair_need"].values == k]
        assert np.all(np.diff(d) >= 0)
    # The schools CSV lists each school in need with its supporters' URNs.
    first = need[0]
    assert first["name"] == "St Mary's, St John's CofE Primary School"
    assert first["urn"] == "110000" and first["la_name"] == "Bolton"
    assert sorted(first["supporter_urns"].split()) == ["110033", "110039", "110042", "110045"]
    assert {r["name"] for r in need} >= {"Sacré Cœur RC Primary School", 'The "Beacon" Primary Academy'}


def test_fixture_supporters_in_any_la(world, schoolsim, tmp_path):
    _, ds, rows, _ = capacity(schoolsim, tmp_path, world, *RADIUS_50,
                              "--set", "brokering.min_capacity_to_give=0", "--any-la")
    np.testing.assert_array_equal(ds["national_median_supporters"].values, [15.0, 3.0, 15.0])
    assert ds.attrs["same_la"] == 0


def test_synthetic_default_world_matches_the_nfer_targets(schoolsim, tmp_path):
    # The full default world (20,214 schools): only the initial state is built, so it is fast.
    stdout, ds, rows, _ = capacity(schoolsim, tmp_path, REPO / "scenarios" / "baseline.yaml")
    national = {r["phase"]: r for r in rows if r["level"] == "national"}
    high, need = int(national["all"]["high_performing"]), int(national["all"]["in_need"])
    assert int(national["all"]["schools"]) == 20214
    # supply_demand_ratio: 5,677 / 2,511 = 2.26 +- 0.25 (NFER, seed 001 L46).
    assert high / need == pytest.approx(2.26, abs=0.25)
    assert ds.attrs["supply_demand_ratio"] == pytest.approx(high / need)
    # supporters_nearby: median 2 +- 1 high-performing secondaries within the broker radius (seed 001 L48).
    assert 1 <= float(national["secondary"]["median_supporters"]) <= 3
    assert ds.attrs["radius_secondary_km"] == 10.0 and ds.attrs["same_la"] == 1
    # LA rows add up to the national row.
    for phase in ("primary", "secondary", "all"):
        la_rows = [r for r in rows if r["level"] == "la" and r["phase"] == phase]
        assert len(la_rows) == 153
        for field in ("schools", "high_performing", "in_need", "without_supporter"):
            assert sum(int(r[field]) for r in la_rows) == int(national[phase][field])
    # The national median is the median of the school table's supporter counts.
    secondary = ds["need_phase"].values == 1
    median = float(np.median(ds["need_supporters"].values[secondary]))
    assert median == float(national["secondary"]["median_supporters"])


def test_capacity_input_errors(schoolsim, tmp_path, world):
    result = schoolsim("capacity", tmp_path / "none.h5")
    assert result.returncode == 2 and "no such file" in result.stderr
    existing = tmp_path / "cap.csv"
    existing.write_text("keep")
    result = schoolsim("capacity", world, "--csv", existing)
    assert result.returncode == 2 and "--force" in result.stderr
    assert existing.read_text() == "keep"
    result = schoolsim("capacity", world, "--same-la", "--any-la")
    assert result.returncode == 2
