"""`schoolsim world describe`: the LA table researchers choose regions from, and the LAs of each
region of a scenario (lists and rules evaluated on its world) (issue 15 item 4)."""

import csv

import pytest

from engine_support import REPO

SCENARIO = """extends: {base}
name: described
world:
  n_primary: 200
  n_secondary: 40
  n_las: 6
  regions:
    listed: [5, 1]
    around_two: {{rule: nearest, la: 2, count: 3}}
    deprived: {{rule: most_disadvantaged, percentile: 50}}
"""


@pytest.fixture
def described(tmp_path):
    path = tmp_path / "described.yaml"
    path.write_text(SCENARIO.format(base=REPO / "scenarios" / "baseline.yaml"))
    return path


def read_table(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_the_csv_has_one_row_per_la_that_adds_up_to_the_world(described, tmp_path, schoolsim):
    out = tmp_path / "las.csv"
    schoolsim("world", "describe", described, "--csv", out, check=True)
    rows = read_table(out)
    assert [int(r["la"]) for r in rows] == list(range(6))
    assert sum(int(r["schools"]) for r in rows) == 240
    assert sum(int(r["primary"]) for r in rows) == 200
    assert all(int(r["primary"]) + int(r["secondary"]) == int(r["schools"]) for r in rows)
    assert "listed" in rows[5]["regions"].split(";") and "listed" in rows[1]["regions"].split(";")
    # nearest: LA 2 itself and its two nearest centres.
    around = [r for r in rows if "around_two" in r["regions"].split(";")]
    assert len(around) == 3 and "around_two" in rows[2]["regions"].split(";")
    centre = (float(rows[2]["centre_x_km"]), float(rows[2]["centre_y_km"]))

    def distance(r):
        return ((float(r["centre_x_km"]) - centre[0]) ** 2 + (float(r["centre_y_km"]) - centre[1]) ** 2) ** 0.5
    assert max(distance(r) for r in around) <= min(distance(r) for r in rows if r not in around)
    # most_disadvantaged at the 50th percentile: the three LAs with the highest mean disadvantage.
    deprived = {int(r["la"]) for r in rows if "deprived" in r["regions"].split(";")}
    by_disadvantage = sorted(rows, key=lambda r: -float(r["mean_disadvantage"]))
    assert deprived == {int(r["la"]) for r in by_disadvantage[:3]}


def test_the_text_table_names_each_region_with_its_definition(described, schoolsim):
    out = schoolsim("world", "describe", described, check=True).stdout
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["la", "code", "name", "schools"]
    assert len([line for line in lines if line.split()[0].isdigit()]) == 6
    regions = [line for line in lines if line.startswith("region ")]
    assert regions[0].startswith("region around_two {rule: nearest, la: 2, count: 3}: 3 LAs, ")
    assert regions[1].startswith("region deprived {rule: most_disadvantaged, percentile: 50}: 3 LAs, ")
    assert regions[2].startswith("region listed (list): 2 LAs, ")
    assert regions[2].endswith(": 5, 1")  # as listed


def test_a_rule_region_is_written_to_run_files_as_its_las(described, tmp_path, schoolsim):
    import h5py
    table = tmp_path / "las.csv"
    schoolsim("world", "describe", described, "--csv", table, check=True)
    expected = [int(r["la"]) for r in read_table(table) if "around_two" in r["regions"].split(";")]
    out = tmp_path / "run.h5"
    schoolsim("run", described, "-o", out, "--set", "run.terms=1", check=True)
    with h5py.File(out, "r") as f:
        names = [n.decode() for n in f["region"][()]]
        member = f["region_la"][names.index("around_two")]
    assert [la for la in range(6) if member[la]] == expected


def test_errors_name_the_key_and_exit_2(tmp_path, schoolsim):
    bad = tmp_path / "bad.yaml"
    bad.write_text("world:\n  n_las: 4\n  regions:\n    r: {rule: nearest, la: 9, count: 2}\n")
    result = schoolsim("world", "describe", bad)
    assert result.returncode == 2
    assert "world.regions.r.la: LA 9 does not exist (world.n_las = 4)" in result.stderr
    out = tmp_path / "x.csv"
    out.write_text("keep")
    result = schoolsim("world", "describe", REPO / "scenarios" / "baseline.yaml", "--csv", out)
    assert result.returncode == 2 and "exists" in result.stderr and out.read_text() == "keep"
