"""docs/tutorial.md runs as written: its files are written and its commands run, in order, in a
fresh directory, with `schoolsim` being the binary under test; then the results it promises
are checked (a control that spends nothing, a cost-effectiveness table for the treated area, a
figure, "no effect" said as such)."""

import csv
import os
import re
import shlex
import subprocess

import h5py

import pytest

from engine_support import REPO, schoolsim_binary

TUTORIAL = REPO / "docs" / "tutorial.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)


def tutorial_steps(text):
    """``("file", name, content)`` for yaml blocks opening with ``# file: NAME`` and
    ``("run", command)`` for each ``$ `` line of a console block, in page order."""
    steps = []
    for lang, body in BLOCK.findall(text):
        first = body.splitlines()[0] if body else ""
        if lang == "yaml" and first.startswith("# file: "):
            steps.append(("file", first[len("# file: "):].strip(), body))
        elif lang == "console":
            steps += [("run", line[2:]) for line in body.splitlines() if line.startswith("$ ")]
    return steps


def test_the_tutorial_has_files_and_commands():
    steps = tutorial_steps(TUTORIAL.read_text())
    assert [s[1] for s in steps if s[0] == "file"] == ["challenge.yaml"]
    commands = [s[1] for s in steps if s[0] == "run"]
    assert len(commands) == 6
    assert all(shlex.split(c)[0] in ("schoolsim", "printf") for c in commands)


@pytest.fixture(scope="module")
def tutorial_dir(tmp_path_factory):
    work = tmp_path_factory.mktemp("tutorial")
    bin_dir = tmp_path_factory.mktemp("bin")
    (bin_dir / "schoolsim").symlink_to(schoolsim_binary())
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", MPLBACKEND="Agg")
    outputs = []
    for step in tutorial_steps(TUTORIAL.read_text()):
        if step[0] == "file":
            (work / step[1]).write_text(step[2])
            continue
        result = subprocess.run(["bash", "-c", step[1]], cwd=work, env=env, capture_output=True, text=True,
                                timeout=600)
        assert result.returncode == 0, f"tutorial command failed: {step[1]}\n{result.stdout}\n{result.stderr}"
        outputs.append((step[1], result.stdout, result.stderr))
    return work, outputs


def test_the_tutorial_commands_run_and_make_what_the_page_says(tutorial_dir):
    work, outputs = tutorial_dir
    for name in ("resolved.yaml", "challenge.h5", "control.h5", "ce.csv", "ce.md", "ce.png"):
        assert (work / name).stat().st_size > 0, name
    assert "costs:" in (work / "resolved.yaml").read_text()
    with h5py.File(work / "control.h5") as f, h5py.File(work / "challenge.h5") as g:
        assert f["money_spent"][()].max() == 0.0 and g["money_spent"][()][:, -1].min() > 0
    with open(work / "ce.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 1
    row = rows[0]
    assert (row["scenario"], row["reference"], row["region"], row["term"]) == \
        ("challenge", "control", "programme_0_treated", "9")
    assert row["n"] == "10" and row["paired"] == "True"
    assert row["verdict"] in ("increase", "decrease", "no effect")
    # the programme spends money in the treated area: a positive cost per pupil, rated
    assert float(row["cost_per_pupil"]) > 0
    assert row["eef_cost_rating"] in ("very low", "low", "moderate", "high", "very high")
    compare_out = [out for cmd, out, _ in outputs if "--costs-csv" in cmd][0]
    assert "Cost-effectiveness in programme_0_treated" in compare_out
    if row["verdict"] == "no effect":
        assert "no effect (the interval includes 0)" in compare_out
    md = (work / "ce.md").read_text()
    assert md.startswith("| scenario |") and "| challenge |" in md


def test_a_costs_file_changes_the_cost_not_the_effect(tutorial_dir):
    work, outputs = tutorial_dir
    text = {cmd: out for cmd, out, _ in outputs}
    full = [o for c, o in text.items() if "--costs-csv" in c][0]
    grants = [o for c, o in text.items() if "grants_only.csv" in c and "compare" in c][0]

    def line(out):
        return [ln for ln in out.splitlines() if ln.startswith("challenge vs control")][0]

    effect = re.compile(r"effect ([^;]*);")
    assert effect.search(line(full)).group(1) == effect.search(line(grants)).group(1)
    cost = re.compile(r"cost (-?£[\d,]+|n/a) ")
    assert cost.search(line(full)).group(1) != cost.search(line(grants)).group(1)
