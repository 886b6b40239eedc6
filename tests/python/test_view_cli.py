"""`schoolsim view`: the engine binary runs `python -m schoolsim view` with the arguments unchanged."""

import re

from engine_support import REPO


def test_view_writes_a_page_of_the_run(schoolsim, baseline_run, tmp_path):
    out = tmp_path / "view.html"
    result = schoolsim("view", baseline_run, "-o", out, "--every", "3", check=True)
    assert result.stdout.strip() == str(out)
    assert re.search(r'<script id="view-binary" type="application/gzip-base64">', out.read_text())


def test_view_passes_exit_status_and_help_through(schoolsim, tmp_path):
    missing = schoolsim("view", tmp_path / "missing.h5", "-o", tmp_path / "v.html")
    assert missing.returncode == 1 and "not found" in missing.stderr
    usage = schoolsim("view", REPO / "README.md", "-o", tmp_path / "v.html", "--every", "0")
    assert usage.returncode == 2 and "--every must be at least 1" in usage.stderr
    assert not (tmp_path / "v.html").exists()
    assert "--max-links" in schoolsim("view", "-h", check=True).stdout


def test_view_reports_an_interpreter_that_cannot_start(schoolsim, baseline_run, tmp_path, monkeypatch):
    monkeypatch.setenv("SCHOOLSIM_PYTHON", str(tmp_path / "no-python"))
    result = schoolsim("view", baseline_run, "-o", tmp_path / "v.html")
    assert result.returncode == 1 and "SCHOOLSIM_PYTHON" in result.stderr


def test_view_of_a_register_world_names_schools_by_urn(schoolsim, tmp_path):
    import h5py

    from schoolsim.view import view_payload

    world = tmp_path / "world.h5"
    schoolsim("world", "import", REPO / "scenarios" / "worlds" / "fixture_register.csv", "-o", world,
              "--max-bad-share", "0.05", check=True)
    run = tmp_path / "run.h5"
    schoolsim("run", REPO / "scenarios" / "baseline.yaml", "-o", run, "--set", f"world.file={world}",
              "--set", "run.terms=2", check=True)
    labels = view_payload([run])[0]["static"]["labels"]
    with h5py.File(world, "r") as f:
        assert labels["urn"] == f["school_urn"][()].tolist()
        assert labels["name"] == [v.decode() for v in f["school_name"][()]]
        assert labels["la_name"] == [v.decode() for v in f["la_name"][()]]
    assert "Sacré Cœur RC Primary School" in labels["name"]
