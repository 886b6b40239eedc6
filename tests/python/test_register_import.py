"""`schoolsim world import` on the register fixture, world files in scenarios, and rejected input.

The fixture (scenarios/worlds/fixture_register.csv, written by make_fixture_register.py)
holds 74 rows whose outcome is counted by hand in the generator's docstring.
"""

import h5py
import numpy as np
import pytest
import xarray as xr

from engine_support import REPO

WORLDS = REPO / "scenarios" / "worlds"
REGISTER = WORLDS / "fixture_register.csv"
KS2 = WORLDS / "fixture_ks2.csv"
KS4 = WORLDS / "fixture_ks4.csv"

# Hand-counted outcome of the fixture's 74 rows (see make_fixture_register.py).
EXPECTED_COUNTS = {
    "rows": 74,
    "kept": 60,
    "kept_primary": 48,
    "kept_secondary": 12,
    "las": 3,
    "skipped": 14,
    "skipped_malformed": 3,
    "skipped_not_open": 3,
    "skipped_type_group": 3,
    "skipped_other_phase": 3,
    "skipped_duplicate_urn": 1,
    "skipped_no_location": 1,
    "filled_location": 2,
    "filled_places": 2,
    "filled_pupils": 2,
    "filled_disadvantage": 3,
    "filled_grade": 5,
    "raised_places": 1,
    "trust_schools": 9,
    "trusts": 4,
    "mats": 3,
    "mat_schools": 7,
    "attainment_set": 60,
}


@pytest.fixture(scope="module")
def fixture_world(tmp_path_factory, schoolsim):
    """The fixture register imported with its attainment files (and the import's stdout)."""
    out = tmp_path_factory.mktemp("world") / "fixture.h5"
    result = schoolsim("world", "import", REGISTER, "-o", out, "--max-bad-share", "0.05",
                       "--attainment", KS2, "--attainment", KS4, check=True)
    return out, result.stdout


def test_fixture_import_counts_every_reason_exactly(fixture_world):
    path, _ = fixture_world
    with h5py.File(path, "r") as f:
        counts = {k[len("import_"):]: int(f.attrs[k]) for k in f.attrs if k.startswith("import_")
                  and np.issubdtype(type(f.attrs[k]), np.integer)}
        encoding = f.attrs["register_encoding"]
        assert (encoding.decode() if isinstance(encoding, bytes) else encoding) == "windows-1252"
    assert counts == EXPECTED_COUNTS


def test_fixture_import_report_names_malformed_lines_and_fills(fixture_world):
    _, stdout = fixture_world
    assert "kept 60 schools (48 primary, 12 secondary) in 3 LAs" in stdout
    assert "line 26: has 20 fields, the header has 139" in stdout
    assert "line 42: has 140 fields, the header has 139" in stdout
    assert "line 56: Easting '38x500' is not a number (URN 130012)" in stdout
    assert "URN 110000 repeats line 2: skipped" in stdout
    assert "LA 906 has no located school: skipped" in stdout


def test_world_file_layout_and_values(fixture_world):
    path, _ = fixture_world
    ds = xr.open_dataset(path, engine="h5netcdf")
    assert dict(ds.sizes) == {"school": 60, "la": 3, "trust": 4}
    assert list(ds["la_code"].values) == [350, 351, 352]
    assert list(ds["la_name"].values) == ["Bolton", "Bury", "Manchester"]
    assert ds["school_x"].attrs["units"] == "km"
    urn = list(ds["school_urn"].values)
    assert urn == sorted(urn) and urn[0] == 110000
    names = list(ds["school_name"].values)
    # Windows-1252 names arrive as UTF-8; quoted commas and doubled quotes survive.
    assert "Sacré Cœur RC Primary School" in names
    assert "St Aidan’s C of E Primary School" in names
    assert "St Mary's, St John's CofE Primary School" in names
    assert 'The "Beacon" Primary Academy' in names
    assert "Café Academy, Bury" in names
    school = {u: k for k, u in enumerate(urn)}
    # British National Grid metres -> km; primary rank 0 sits at (369250, 406750) m.
    assert ds["school_x"].values[school[110000]] == pytest.approx(369.25)
    assert ds["school_y"].values[school[110000]] == pytest.approx(406.75)
    # Missing pupils: 0.9 x places; places raised to the roll; FSM as a share.
    assert ds["school_pupils"].values[school[110003]] == pytest.approx(0.9 * 225)
    assert ds["school_places"].values[school[110006]] == 450
    assert np.all(ds["school_pupils"].values <= ds["school_places"].values)
    assert np.all((ds["school_disadvantage"].values >= 0) & (ds["school_disadvantage"].values <= 1))
    grades = ds["school_initial_grade"].values
    assert grades[school[110007]] == 4 and grades[school[110015]] == 4 and grades[school[110026]] == 4
    assert grades[school[110012]] == 0 and grades[school[110028]] == 0
    att = ds["school_initial_attainment"].values
    assert np.isfinite(att).all()
    primary = ds["school_phase"].values == 0
    assert np.mean(att[primary]) == pytest.approx(0.0, abs=1e-12)
    assert np.std(att[primary]) == pytest.approx(1.0)


def test_default_bad_share_rejects_the_fixture(tmp_path, schoolsim):
    out = tmp_path / "w.h5"
    result = schoolsim("world", "import", REGISTER, "-o", out)
    assert result.returncode == 2
    assert "3 of 74 rows" in result.stderr and "--max-bad-share" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "name, content, problem",
    [
        ("empty.csv", b"", "is empty"),
        ("binary.csv", bytes(range(256)) * 4, "is binary data"),
        ("page.csv", b"<!DOCTYPE html>\r\n<html><head><title>Sign in</title></head><body></body></html>\r\n",
         "is an HTML page"),
        ("columns.csv", b"URN,LA (code),PhaseOfEducation (name),EstablishmentStatus (name),Eastings,Northing,"
         b"NumberOfPupils,SchoolCapacity,PercentageFSM\r\n1,350,Primary,Open,1,1,1,1,1\r\n",
         "missing required column 'Easting'"),
    ],
)
def test_unusable_registers_are_rejected_with_status_2_and_no_output(
    tmp_path, schoolsim, name, content, problem
):
    register = tmp_path / name
    register.write_bytes(content)
    out = tmp_path / "out" / "w.h5"
    out.parent.mkdir()
    result = schoolsim("world", "import", register, "-o", out)
    assert result.returncode == 2
    assert str(register) in result.stderr
    assert problem in result.stderr
    assert list(out.parent.iterdir()) == []


def test_existing_world_file_is_not_replaced_without_force(fixture_world, schoolsim, tmp_path):
    out = tmp_path / "w.h5"
    out.write_bytes(b"keep me")
    result = schoolsim("world", "import", REGISTER, "-o", out, "--max-bad-share", "0.05")
    assert result.returncode == 2 and "--force" in result.stderr
    assert out.read_bytes() == b"keep me"


def test_rules_are_configurable(tmp_path, schoolsim):
    out = tmp_path / "w.h5"
    schoolsim("world", "import", REGISTER, "-o", out, "--max-bad-share", "0.05", "--missing-location", "skip",
              "--secondary-phases", "Secondary;Middle deemed secondary", "--any-type-group", "-q", check=True)
    with h5py.File(out, "r") as f:
        assert int(f.attrs["import_skipped_no_location"]) == 3  # the two unlocated schools and LA 906
        assert int(f.attrs["import_skipped_type_group"]) == 0
        # All-through is now another phase; the independent primary is kept.
        assert int(f.attrs["import_kept_secondary"]) == 11
        assert int(f.attrs["import_kept_primary"]) == 48 - 2 + 1


def test_world_info_prints_the_report(fixture_world, schoolsim):
    path, _ = fixture_world
    result = schoolsim("world", "info", path, check=True)
    summary = "60 schools (48 primary, 12 secondary) in 3 LAs, 4 trusts, with initial attainment"
    assert summary in result.stdout
    assert "skipped 14" in result.stdout


def test_a_scenario_runs_on_the_register_world(fixture_world, schoolsim, tmp_path):
    path, _ = fixture_world
    (tmp_path / "worlds").mkdir()
    (tmp_path / "worlds" / "fixture.h5").write_bytes(path.read_bytes())
    scenario = tmp_path / "register.yaml"
    scenario.write_text("name: register\nextends: " + str(REPO / "scenarios" / "baseline.yaml") +
                        "\nworld: {file: worlds/fixture.h5}\nrun: {terms: 6}\n")
    out = tmp_path / "run.h5"
    schoolsim("run", scenario, "-o", out, check=True)
    ds = xr.open_dataset(out, engine="h5netcdf")
    assert ds.sizes["school"] == 60 and ds.sizes["term"] == 7
    with h5py.File(path, "r") as f:
        np.testing.assert_array_equal(ds["school_x"].values, f["school_x"][:])
        np.testing.assert_array_equal(ds["school_la"].values, f["school_la"][:])
        grade0 = f["school_initial_grade"][:]
        pupils0 = f["school_pupils"][:]
    known = grade0 > 0
    np.testing.assert_array_equal(ds["school_grade"].values[0][known], grade0[known])
    assert np.all(np.abs(ds["school_pupils"].values[0] - pupils0) <= 0.5)
    # The register's three MATs are formed at term 0.
    formed0 = (ds["event_term"].values == 0) & (ds["event_kind"].values == 0)
    assert formed0.sum() == 3
    assert sorted(ds["event_size"].values[formed0]) == [2, 2, 3]


def test_scenarios_with_bad_world_files_are_input_errors(tmp_path, schoolsim, fixture_world):
    path, _ = fixture_world
    missing = tmp_path / "missing.yaml"
    missing.write_text("world: {file: nowhere.h5}\n")
    result = schoolsim("run", missing, "-o", tmp_path / "out.h5")
    assert result.returncode == 2
    assert "world.file" in result.stderr and "nowhere.h5" in result.stderr
    las = tmp_path / "las.yaml"
    las.write_text(f"world: {{file: {path}}}\nbrokering: {{las: [0, 3]}}\n")
    result = schoolsim("run", las, "-o", tmp_path / "out.h5")
    assert result.returncode == 2
    assert "brokering.las: LA 3 does not exist" in result.stderr
    assert not (tmp_path / "out.h5").exists()
