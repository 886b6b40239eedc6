"""The command line: exit statuses (0 ok, 1 runtime error, 2 usage or input error), clear
messages naming file, line and key, and no output file when anything is wrong."""

import pytest

from engine_support import REPO, SMALL_WORLD

BASELINE = REPO / "scenarios" / "baseline.yaml"


def write(tmp_path, text, name="scenario.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    "text, expected",
    [
        ("name: x\nbrokering:\n  w_gapp: 1\n",
         "scenario.yaml:3:3: brokering.w_gapp: unknown key (did you mean 'brokering.w_gap'?)"),
        ("brokering:\n  broker_radius_km: -5\n",
         "scenario.yaml:2:21: brokering.broker_radius_km: value -5 is out of range"),
        ("name: [unclosed\n", "malformed YAML"),
        ("run:\n  terms: many\n", "run.terms: expected an integer, got 'many'"),
        ("\x00\x01binary", "not a YAML text file"),
    ],
)
def test_bad_scenario_is_rejected_with_location_and_no_output(tmp_path, schoolsim, text, expected):
    scenario = write(tmp_path, text)
    out = tmp_path / "out.h5"
    result = schoolsim("run", scenario, "-o", out)
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [scenario], "no temporary file may be left behind"


def test_bad_set_override_is_rejected(tmp_path, schoolsim):
    out = tmp_path / "out.h5"
    result = schoolsim("run", BASELINE, "-o", out, "--set", "run.termz=3")
    assert result.returncode == 2
    assert "run.termz: unknown key (did you mean 'run.terms'?)" in result.stderr
    assert not out.exists()


def test_missing_scenario_file(tmp_path, schoolsim):
    result = schoolsim("run", tmp_path / "nope.yaml", "-o", tmp_path / "out.h5")
    assert result.returncode == 2
    assert "nope.yaml: no such file" in result.stderr


def test_existing_output_needs_force(tmp_path, schoolsim):
    out = tmp_path / "out.h5"
    out.write_bytes(b"precious")
    result = schoolsim("run", BASELINE, "-o", out, *SMALL_WORLD)
    assert result.returncode == 2
    assert "exists already (use --force" in result.stderr
    assert out.read_bytes() == b"precious"
    schoolsim("run", BASELINE, "-o", out, "--force", *SMALL_WORLD, check=True)
    assert out.read_bytes()[:8] == b"\x89HDF\r\n\x1a\n"


def test_output_folder_must_exist(tmp_path, schoolsim):
    result = schoolsim("run", BASELINE, "-o", tmp_path / "missing" / "out.h5", *SMALL_WORLD)
    assert result.returncode == 2
    assert "does not exist" in result.stderr


def test_usage_errors_exit_2(schoolsim):
    assert schoolsim().returncode == 2
    assert schoolsim("frobnicate").returncode == 2
    assert schoolsim("run").returncode == 2
    assert schoolsim("run", BASELINE, "-o", "x.h5", "--threads", "0").returncode == 2


def test_help_and_version(schoolsim):
    for command in ([], ["run"], ["validate"], ["params"]):
        result = schoolsim(*command, "--help")
        assert result.returncode == 0 and "Usage" in result.stdout, command
    version = schoolsim("--version")
    assert version.returncode == 0 and version.stdout.startswith("schoolsim 0.1.0")


def test_validate_prints_resolved_scenario(schoolsim):
    import yaml

    result = schoolsim("validate", REPO / "scenarios" / "la_brokered.yaml", "--set", "brokering.slots_per_term=5",
                       check=True)
    resolved = yaml.safe_load(result.stdout)
    assert resolved["name"] == "la_brokered"
    assert resolved["competition"]["lambda_attainment"] == 2.5  # inherited from market.yaml
    assert resolved["brokering"]["enabled"] is True
    assert resolved["brokering"]["slots_per_term"] == 5


def test_every_shipped_scenario_validates(schoolsim):
    scenarios = sorted((REPO / "scenarios").glob("*.yaml"))
    assert len(scenarios) >= 4
    for path in scenarios:
        result = schoolsim("validate", path)
        assert result.returncode == 0, f"{path.name}: {result.stderr}"


def test_parameters_doc_matches_the_code(schoolsim):
    generated = schoolsim("params", "--markdown", check=True).stdout
    assert (REPO / "docs" / "parameters.md").read_text() == generated, \
        "regenerate: schoolsim params --markdown > docs/parameters.md"


def test_per_school_output_switches_off_above_the_limit(tmp_path, schoolsim):
    import xarray as xr

    out = tmp_path / "out.h5"
    result = schoolsim("run", BASELINE, "-o", out, *SMALL_WORLD, "--set", "output.per_school_limit=1000", check=True)
    assert "per-school output switched off" in result.stderr
    with xr.open_dataset(out, engine="h5netcdf") as ds:
        assert "school_attainment" not in ds and "attainment_sd" in ds
        assert "per_school: false" in ds.attrs["scenario_yaml"]
