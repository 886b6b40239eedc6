"""Fixtures of the SLURM tests: the engine (tests/python/engine_support) and one real SLURM
cluster for the whole session, always stopped at the end. SCHOOLSIM_TEST_SLURM=0 skips them."""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))

from engine_support import schoolsim  # noqa: E402,F401
from slurm_cluster import SlurmCluster, missing_programs  # noqa: E402


@pytest.fixture(scope="session")
def cluster(tmp_path_factory):
    if os.environ.get("SCHOOLSIM_TEST_SLURM", "1") == "0":
        pytest.skip("SCHOOLSIM_TEST_SLURM=0")
    missing = missing_programs()
    if missing:
        pytest.fail(f"SLURM is not installed (missing packages: {' '.join(missing)}): run scripts/install-slurm.sh")
    if os.geteuid() != 0:
        pytest.fail("the SLURM tests start slurmd, which must run as root")
    cluster = SlurmCluster(tmp_path_factory.mktemp("slurm"))
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
