"""Shared helpers and fixtures for the Python tests of the schoolsim engine and its files.

Imported by tests/python/conftest.py (fixtures) and by test modules (constants).
"""

import subprocess

import pytest

from engine_binary import REPO, schoolsim_binary  # noqa: F401 - re-exported for the test modules

# A small world and a short horizon: enough for every mechanism, fast enough for CI.
SMALL_WORLD = [
    "--set", "world.n_primary=400",
    "--set", "world.n_secondary=100",
    "--set", "world.n_las=5",
    "--set", "run.terms=9",
]


@pytest.fixture(scope="session")
def schoolsim():
    """Runs the engine with arguments; returns the CompletedProcess (text output)."""
    binary = schoolsim_binary()

    def run(*args, check=False, timeout=300):
        result = subprocess.run(
            [str(binary), *map(str, args)], capture_output=True, text=True, timeout=timeout
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"schoolsim {' '.join(map(str, args))} failed ({result.returncode}):\n{result.stderr}"
            )
        return result

    return run


@pytest.fixture(scope="session")
def baseline_run(tmp_path_factory, schoolsim):
    """A small baseline run file written by the engine (shared by the contract tests)."""
    out = tmp_path_factory.mktemp("run") / "baseline.h5"
    schoolsim("run", REPO / "scenarios" / "baseline.yaml", "-o", out, *SMALL_WORLD, check=True)
    return out
