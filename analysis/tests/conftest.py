"""Shared fixtures: small synthetic schoolsim files written once per test session."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

import fixtures  # noqa: E402

N_SCHOOLS = fixtures.RUN_SCHOOLS
N_TERMS = fixtures.RUN_TERMS


def pytest_configure(config):
    # Debian's netCDF4 and numpy builds differ in a harmless ABI detail.
    config.addinivalue_line("filterwarnings", "ignore:numpy.ndarray size changed:RuntimeWarning")


@pytest.fixture(scope="session")
def files(tmp_path_factory):
    """Paths of the synthetic files used across the suite (written once)."""
    d = tmp_path_factory.mktemp("schoolsim_files")
    out = {
        "run_a": fixtures.write_run_file(d / "base.h5", N_SCHOOLS, N_TERMS, seed=1, effect=0.0,
                                         scenario_name="base"),
        "run_b": fixtures.write_run_file(d / "funded.h5", N_SCHOOLS, N_TERMS, seed=1, effect=0.2,
                                         spread=-0.2, scenario_name="funded", grant_per_term=30000.0),
        "grid": fixtures.write_sweep_file(d / "grid.h5", design="grid", levels=3, replicates=3,
                                          n_schools=40, n_terms=8, seed=2, failed_runs=(4,)),
    }
    for name, effect, spread, grant in (("rep_base", 0.0, 0.0, 20000.0),
                                        ("rep_funded", 0.2, -0.2, 30000.0)):
        out[name] = fixtures.write_sweep_file(
            d / f"{name}.h5", parameters={}, design="replicates", replicates=4, n_schools=40,
            n_terms=8, seed=3, response=lambda v, p, e=effect, s=spread: (e, s),
            scenario_name=name, grant_per_term=grant)
    return out


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")
