"""`schoolsim compare` and `schoolsim export` run `python -m schoolsim` with the arguments unchanged."""

import csv

from engine_support import REPO, SMALL_WORLD


def test_compare_and_export_are_forwarded(schoolsim, baseline_run, tmp_path):
    market = tmp_path / "market.h5"
    schoolsim("run", REPO / "scenarios" / "market.yaml", "-o", market, *SMALL_WORLD, check=True)
    effects = tmp_path / "effects.csv"
    result = schoolsim("compare", baseline_run, market, "--reference", baseline_run, "--at-term", "3",
                       "--csv", effects, check=True)
    assert result.stdout.startswith("Differences from baseline")
    rows = list(csv.DictReader(effects.open()))
    assert {r["scenario"] for r in rows} == {"market"} and {r["term"] for r in rows} == {"3"}
    table = tmp_path / "baseline.csv"
    result = schoolsim("export", baseline_run, "--csv", table, "--variable", "attainment_sd", check=True)
    assert result.stdout.strip() == f"{table}: 10 rows"
    assert table.read_text().splitlines()[0] == "run,replicate,seed,term,year,variable,value"


def test_compare_passes_exit_status_and_help_through(schoolsim, baseline_run, tmp_path):
    missing = schoolsim("compare", baseline_run, tmp_path / "missing.h5")
    assert missing.returncode == 1 and "not found" in missing.stderr
    usage = schoolsim("compare", baseline_run, "--at-term", "2", "--over-time")
    assert usage.returncode == 2 and "not allowed with argument" in usage.stderr
    assert "--over-time" in schoolsim("compare", "-h", check=True).stdout
    assert "--per-school" in schoolsim("export", "-h", check=True).stdout
    assert schoolsim("export", baseline_run).returncode == 2  # --csv is required
