"""docs/cluster.md shows the SLURM scripts of scripts/slurm/ unchanged: the scripts a user
copies from the page are the ones tests/slurm submits to a real SLURM cluster."""

import re
import subprocess

import pytest

from engine_support import REPO, schoolsim_binary

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


def test_submit_refuses_bad_input_before_submitting(tmp_path):
    """A bad N or sweep file stops submit.sh before sbatch is called (here: an sbatch that fails loudly)."""
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "sbatch").write_text("#!/bin/sh\necho 'sbatch was called' >&2\nexit 99\n")
    (fake / "sbatch").chmod(0o755)
    env = {"PATH": f"{fake}:/usr/bin:/bin", "SCHOOLSIM": str(schoolsim_binary())}
    submit = REPO / "scripts" / "slurm" / "submit.sh"
    spec = tmp_path / "bad.yaml"
    spec.write_text("name: bad\nreplicates: many\n")
    for args, status, message in [([spec, "0", tmp_path / "out"], 2, "N must be a positive whole number, not '0'"),
                                  (["--threads", "2", spec, "3", tmp_path / "out"], 2, "unknown option '--threads'"),
                                  ([spec, "3", tmp_path / "out"], 2, "replicates")]:
        result = subprocess.run([str(submit), *map(str, args)], capture_output=True, text=True, env=env)
        assert result.returncode == status, result.stderr
        assert message in result.stderr and "sbatch was called" not in result.stderr, result.stderr
