"""Fixtures of the SLURM tests: the engine (tests/python/engine_support) and one real SLURM
cluster for the whole session, always stopped at the end. SCHOOLSIM_TEST_SLURM=0 skips them."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))

from engine_support import schoolsim  # noqa: E402,F401
from slurm_cluster import require_slurm, running_cluster  # noqa: E402


@pytest.fixture(scope="session")
def cluster(tmp_path_factory):
    require_slurm()
    with running_cluster(tmp_path_factory.mktemp("slurm")) as started:
        yield started
