"""docs/cluster.md shows the SLURM scripts of scripts/slurm/ unchanged: the scripts a user
copies from the page are the ones tests/slurm submits to a real SLURM cluster."""

import re
import subprocess

import pytest

from engine_support import REPO

SCRIPTS = sorted((REPO / "scripts" / "slurm").iterdir())


def shown_blocks():
    """``{path: code}`` of every code block of docs/cluster.md introduced by a line
    "`scripts/slurm/NAME`:"."""
    text = (REPO / "docs" / "cluster.md").read_text()
    return {m.group(1): m.group(2) for m in
            re.finditer(r"^`(scripts/slurm/[^`]+)`:\n\n```bash\n(.*?)^```$", text, re.M | re.S)}


def test_there_are_scripts():
    assert [p.name for p in SCRIPTS] == ["submit.sh", "sweep_array.sbatch", "sweep_merge.sbatch", "sweep_mpi.sbatch"]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_the_docs_show_the_script_unchanged(script):
    blocks = shown_blocks()
    name = f"scripts/slurm/{script.name}"
    assert name in blocks, f"docs/cluster.md does not show {name}"
    assert blocks[name] == script.read_text()


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_the_script_is_valid_bash(script):
    result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert script.stat().st_mode & 0o111, f"{script} is not executable"
