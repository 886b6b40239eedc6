"""The scenario stored in every file (`scenario_yaml`, `sweep_yaml`) reads back with PyYAML
(YAML 1.1) with numbers as numbers: YAML 1.1 reads `2e+07` as text, `2.0e+07` as a real."""

import subprocess

import h5py
import pytest
import yaml

from engine_support import REPO, schoolsim_binary

SCENARIOS = sorted((REPO / "scenarios").glob("*.yaml"))
TINY = ["--set", "world.n_primary=80", "--set", "world.n_secondary=20", "--set", "world.n_las=3",
        "--set", "run.terms=2"]


def text_numbers(node, path=""):
    """The paths of text values that are numbers to a reader of YAML 1.2 (`2e+07`, `1e9`)."""
    found = []
    if isinstance(node, dict):
        for k, v in node.items():
            found += text_numbers(v, f"{path}.{k}" if path else str(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found += text_numbers(v, f"{path}[{i}]")
    elif isinstance(node, str):
        try:
            float(node)
            found.append(f"{path}={node!r}")
        except ValueError:
            pass
    return found


def numbers(node):
    """Every number in a loaded document."""
    if isinstance(node, dict):
        return [x for v in node.values() for x in numbers(v)]
    if isinstance(node, list):
        return [x for v in node for x in numbers(v)]
    return [node] if isinstance(node, (int, float)) and not isinstance(node, bool) else []


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_shipped_scenario_resolves_to_numbers(scenario):
    text = subprocess.run([str(schoolsim_binary()), "validate", str(scenario)], capture_output=True, text=True,
                          check=True).stdout
    doc = yaml.safe_load(text)
    assert text_numbers(doc) == []
    # Large and small reals really are there and read back exactly.
    assert any(isinstance(x, float) and x != 0 and (abs(x) >= 1e7 or abs(x) < 1e-3) for x in numbers(doc))
    assert "e+" in text or "e-" in text


def test_stored_scenario_and_sweep_yaml_read_back_as_numbers(tmp_path, schoolsim):
    run = tmp_path / "pathfinder.h5"
    schoolsim("run", REPO / "scenarios" / "pathfinder.yaml", "-o", run, "-q", *TINY, check=True)
    reps = tmp_path / "reps.h5"
    schoolsim("run", REPO / "scenarios" / "pathfinder.yaml", "--replicates", 2, "-o", reps, "-q", *TINY,
              check=True)
    for path in (run, reps):
        with h5py.File(path) as f:
            for attr in ("scenario_yaml", "sweep_yaml"):
                if attr not in f.attrs:
                    continue
                value = f.attrs[attr]
                doc = yaml.safe_load(value.decode() if isinstance(value, bytes) else value)
                assert text_numbers(doc) == [], (path.name, attr)
                if attr == "scenario_yaml":
                    budgets = [p["budget"] for p in doc["programmes"]]
                    assert budgets[0] == 1e9 and isinstance(budgets[0], float)  # written 1.0e+09
