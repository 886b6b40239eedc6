"""Every shipped scenario runs (as Mesa runs its examples as tests).

Each ``scenarios/*.yaml`` runs three terms on a small world through the real binary, and the
file it writes holds that scenario: its name, its terms, finite metrics. A scenario added to
the folder is tested without touching this file.
"""

import h5py
import numpy as np
import pytest
import yaml

from engine_support import REPO

SCENARIOS = sorted((REPO / "scenarios").glob("*.yaml"))
# Fewer schools, the same 153 LAs: LA lists in the scenarios (city_challenge) stay valid.
SMALL = ["--set", "world.n_primary=400", "--set", "world.n_secondary=80", "--set", "run.terms=3"]


def test_the_scenario_folder_is_found():
    assert len(SCENARIOS) >= 10, SCENARIOS


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.stem)
def test_shipped_scenario_runs_on_a_small_world(scenario, schoolsim, tmp_path):
    out = tmp_path / f"{scenario.stem}.h5"
    schoolsim("run", scenario, "-o", out, "--threads", "1", "-q", *SMALL, check=True)
    declared = yaml.safe_load(scenario.read_text())
    with h5py.File(out, "r") as f:
        resolved = yaml.safe_load(f.attrs["scenario_yaml"])
        assert resolved["name"] == declared["name"] == scenario.stem
        assert resolved["run"]["terms"] == 3
        assert f["term"].shape == (4,)
        assert f["school"].shape == (480,)
        sd = f["attainment_sd"][...]
        assert np.all(np.isfinite(sd)) and np.all(sd > 0)
