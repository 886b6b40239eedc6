"""Shared fixtures: small files written by the schoolsim engine, once per test session (engine_files.py)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from engine_files import EngineFiles  # noqa: E402


def pytest_configure(config):
    # Debian's netCDF4 and numpy builds differ in a harmless ABI detail.
    config.addinivalue_line("filterwarnings", "ignore:numpy.ndarray size changed:RuntimeWarning")


@pytest.fixture(scope="session")
def files(tmp_path_factory):
    """Engine-written files by key, each written the first time it is used in the session."""
    return EngineFiles(tmp_path_factory.mktemp("schoolsim_files"))


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")
