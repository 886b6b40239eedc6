"""The example notebooks run end to end: making their own small files with the engine, and with given files."""

import json
import os
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

from engine_binary import schoolsim_binary

ANALYSIS = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ANALYSIS / "notebooks").glob("*.ipynb"))
INPUT_VARS = ("SCHOOLSIM_RUN_A", "SCHOOLSIM_RUN_B", "SCHOOLSIM_SWEEP", "SCHOOLSIM_MORRIS",
              "SCHOOLSIM_GRID")


@pytest.fixture(scope="module")
def kernel_name(tmp_path_factory):
    """``python3`` if it runs this interpreter, else a temporary kernelspec that does."""
    this = os.path.realpath(sys.executable)
    try:
        argv = KernelSpecManager().get_kernel_spec("python3").argv
        if os.path.realpath(argv[0]) == this:
            yield "python3"
            return
    except Exception:  # noqa: BLE001 - no usable python3 kernelspec: make one
        pass
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / "schoolsim-python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [this, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "schoolsim python3", "language": "python"}))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_PATH", str(root))
        yield "schoolsim-python3"


def execute(path, kernel_name, monkeypatch, env=None):
    for var in INPUT_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SCHOOLSIM_BIN", str(schoolsim_binary()))  # the binary the suite uses
    for var, value in (env or {}).items():
        monkeypatch.setenv(var, str(value))
    path_entries = [str(ANALYSIS), os.environ.get("PYTHONPATH")]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, path_entries)))
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name=kernel_name,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def outputs(nb, kind):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if kind in o.get("data", {})]


def test_there_are_worked_examples():
    assert {p.name for p in NOTEBOOKS} >= {"compare_funding_scenarios.ipynb",
                                           "sensitivity_trust_competition.ipynb"}
    for path in NOTEBOOKS:  # committed without outputs
        nb = nbformat.read(path, as_version=4)
        assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), path.name


def text_of(nb):
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_makes_its_own_files_with_the_engine(path, kernel_name, monkeypatch):
    nb = execute(path, kernel_name, monkeypatch)
    assert len(outputs(nb, "image/png")) >= 3
    assert f"made small demo files with {schoolsim_binary()} in " in text_of(nb)
    for cell in nb.cells:  # nothing from the test suite
        assert "tests" not in cell.source and "fixtures" not in cell.source


def test_notebooks_name_real_commands_and_parameters():
    text = "".join(path.read_text() for path in NOTEBOOKS)
    assert "sweep --replicates" not in text and "enrolment.lambda" not in text


def test_compare_notebook_reads_the_given_files(files, kernel_name, monkeypatch):
    nb = execute(ANALYSIS / "notebooks" / "compare_funding_scenarios.ipynb", kernel_name,
                 monkeypatch, env={"SCHOOLSIM_RUN_A": files["rep_base"],
                                   "SCHOOLSIM_RUN_B": files["rep_funded"]})
    html = "".join(o["data"]["text/html"] for o in outputs(nb, "text/html"))
    assert "rep_funded" in html and "cost_per_gain" in html
    assert "demo files" not in text_of(nb)


def test_sensitivity_notebook_reads_the_given_files(files, kernel_name, monkeypatch):
    nb = execute(ANALYSIS / "notebooks" / "sensitivity_trust_competition.ipynb", kernel_name, monkeypatch,
                 env={"SCHOOLSIM_SWEEP": files["sobol"], "SCHOOLSIM_MORRIS": files["morris"],
                      "SCHOOLSIM_GRID": files["grid"]})
    assert "demo files" not in text_of(nb)
    assert "sobol 80 runs" in text_of(nb)  # the given Saltelli sweep: 8 x (3 + 2) points x 2 replicates
    assert len(outputs(nb, "image/png")) >= 3
