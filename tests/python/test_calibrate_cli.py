"""`schoolsim calibrate` and `schoolsim evaluate` from the command line: the reduced-world
check meets the directional targets, the report file is a netCDF-style table over `target`,
bad targets files are input errors (exit 2) naming file, line and key, and the fit and the
virtual evaluation run end to end."""

import h5py
import numpy as np
import pytest

from engine_support import REPO

TARGETS = REPO / "scenarios" / "targets" / "stylised_facts.yaml"

# A few hundred schools in 4 LAs; the Greater Manchester region becomes LA 0.
REDUCED = [
    "--world-set", "world.n_primary=400",
    "--world-set", "world.n_secondary=100",
    "--world-set", "world.n_las=4",
    "--world-set", "world.width_km=60",
    "--world-set", "world.height_km=40",
    "--world-set", "world.regions.greater_manchester=[0]",
]
DIRECTIONAL = "brokered_reduces_polarisation,self_organised_does_not_depolarise,funding_cliff"


def strings(ds):
    return [v.decode() if isinstance(v, bytes) else v for v in ds[()]]


def test_reduced_world_check_meets_directional_targets(tmp_path, schoolsim):
    out = tmp_path / "report.h5"
    result = schoolsim("calibrate", "check", "--replicates", "5", "--only", DIRECTIONAL, *REDUCED,
                       "-o", out, "--threads", "2", "--fail-on-miss", check=True)
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line and not line.startswith(" ")}
    for target in DIRECTIONAL.split(","):
        assert lines[target].rstrip().endswith("PASS"), result.stdout
    assert "3 of 3 targets pass" in result.stdout
    with h5py.File(out, "r") as f:
        assert strings(f["target"]) == DIRECTIONAL.split(",")
        assert f["pass"][()].tolist() == [1, 1, 1]
        assert f["model_value"].dims[0][0].name == "/target"
        assert 0.1 < f["model_value"][2] < 0.9  # funding cliff: some but not all survive
        assert f["replicates"][0] == 5
        assert "Duclos-Esteban-Ray" in strings(f["statistic"])[0]
        assert f.attrs["Conventions"] in (b"CF-1.8", "CF-1.8")


def test_check_is_the_same_for_any_thread_count(tmp_path, schoolsim):
    outputs = []
    for threads in ("1", "2"):
        r = schoolsim("calibrate", "check", "--replicates", "2", "--only", "supply_demand_ratio,funding_cliff",
                      *REDUCED, "--threads", threads, check=True)
        outputs.append([line for line in r.stdout.splitlines() if "took" not in line])
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("targets:\n  - id: supply_demand_ratio\n    value: 2\n    tolernce: 1\n",
         "targets.yaml:4:5: targets[0].tolernce: unknown key (did you mean 'tolerance'?)"),
        ("targets:\n  - id: polarisation\n    value: 2\n",
         "targets.yaml:2:9: targets[0].id: unknown target 'polarisation'"),
        ("targets:\n  - id: supply_demand_ratio\n    value: about two\n",
         "targets.yaml:3:12: targets[0] (supply_demand_ratio).value"),
        ("targets: {id: x}\n", "targets.yaml:1:10: targets: expected a list"),
    ],
)
def test_bad_targets_file_is_an_input_error(tmp_path, schoolsim, text, expected):
    targets = tmp_path / "targets.yaml"
    targets.write_text(text)
    out = tmp_path / "report.h5"
    result = schoolsim("calibrate", "check", "--targets", targets, "--scenarios", REPO / "scenarios", "-o", out)
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr
    assert not out.exists()


def test_usage_errors(tmp_path, schoolsim):
    assert schoolsim("calibrate", "check", "--only", "nope", *REDUCED).returncode == 2
    assert schoolsim("calibrate", "check", "--world-set", "run.terms=3").returncode == 2
    assert schoolsim("calibrate", "fit", "--params", "brokering.w_gapp=0:1").returncode == 2
    assert schoolsim("calibrate", "fit").returncode == 2  # --params is required
    assert schoolsim("calibrate").returncode == 2
    missing = schoolsim("calibrate", "check", "--targets", tmp_path / "none.yaml")
    assert missing.returncode == 2 and "none.yaml: no such file" in missing.stderr


def test_fit_reports_best_parameters_and_identification(tmp_path, schoolsim):
    out = tmp_path / "fit.h5"
    result = schoolsim("calibrate", "fit", "--params", "brokering.support_quantile=0.2:0.45", "--only",
                       "supply_demand_ratio", "--budget", "10", "--replicates", "2", *REDUCED, "-o", out, "-q",
                       check=True)
    assert "brokering.support_quantile" in result.stdout
    assert "half-width" in result.stdout
    with h5py.File(out, "r") as f:
        assert f["objective"].shape == (10,)
        assert f["x"].shape == (10, 1)
        best = int(f.attrs["best_evaluation"])
        assert f["objective"][best] == np.min(f["objective"][()])
        assert 0.2 <= f["best"][0] <= 0.45


def test_evaluate_writes_designs_against_the_true_effect(tmp_path, schoolsim):
    out = tmp_path / "evaluation.h5"
    result = schoolsim("evaluate", REPO / "scenarios" / "la_brokered.yaml", "--replicates", "3", "--role", "receiver",
                       "--set", "world.n_primary=400", "--set", "world.n_secondary=100", "--set", "world.n_las=4",
                       "--set", "world.width_km=60", "--set", "world.height_km=40", "--set", "run.terms=20",
                       "-o", out, "-q", check=True)
    assert "true average effect on the treated" in result.stdout
    with h5py.File(out, "r") as f:
        assert strings(f["design"]) == ["matched_comparison", "event_time_did", "naive_comparison"]
        assert f["estimate"].shape == (3, 3)
        assert np.all(f["true_att"][()] > 0)
        assert np.all(f["ci_lower"][()] <= f["ci_upper"][()])
    bad = schoolsim("evaluate", REPO / "scenarios" / "la_brokered.yaml", "--post-width", "9")
    assert bad.returncode == 2
