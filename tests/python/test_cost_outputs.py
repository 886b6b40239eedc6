"""What costing needs from the engine (issue 15 item 6): partnerships formed through a broker per
term, programme budget and spending in replicate (sweep) files, and the `costs.*` parameters."""

import h5py
import numpy as np

from engine_support import REPO

CITY = REPO / "scenarios" / "city_challenge.yaml"
SMALL = ["--set", "world.n_primary=400", "--set", "world.n_secondary=80", "--set", "run.terms=6",
         "--set", "output.events=true"]


def test_partnerships_brokered_counts_the_brokered_formation_events(tmp_path, schoolsim):
    out = tmp_path / "city.h5"
    schoolsim("run", CITY, "-o", out, "-q", *SMALL, check=True)
    with h5py.File(out) as f:
        brokered = f["partnerships_brokered"][()]
        assert f["partnerships_brokered"].attrs["units"] in (b"1", "1")
        term, kind, broker = f["event_term"][()], f["event_kind"][()], f["event_broker"][()]
    formed = (kind == 0) & (broker != -1)
    expected = [int((formed & (term == t)).sum()) if t > 0 else 0 for t in range(brokered.size)]
    assert brokered.tolist() == expected
    assert brokered.sum() > 0, "brokers must have formed partnerships for the check to mean something"
    assert (broker[formed] >= 0).any(), "LA brokers (and programme brokers, by LA) count"


def test_replicate_files_have_programme_budget_and_spending(tmp_path, schoolsim):
    reps = tmp_path / "reps.h5"
    schoolsim("run", CITY, "--replicates", 2, "-o", reps, "-q", *SMALL, check=True)
    with h5py.File(reps) as f:
        names = [n.decode() if isinstance(n, bytes) else n for n in f["programme"][()]]
        assert names == ["greater_manchester_challenge"]
        budget, spending, spent = f["programme_budget"][()], f["programme_spending"][()], f["money_spent"][()]
        brokered = f["partnerships_brokered"][()]
    assert budget.tolist() == [[50e6], [50e6]]
    assert spending.shape == (2, 7, 1) and brokered.shape == (2, 7)
    # per-term spending adds up to the cumulative money spent, replicate by replicate
    np.testing.assert_array_equal(np.cumsum(spending.sum(axis=2), axis=1), spent)
    assert spent[:, -1].min() > 0


def test_cost_parameters_are_documented_checked_and_stored(tmp_path, schoolsim):
    shown = schoolsim("params", check=True).stdout
    for key in ("costs.broker_time_per_partnership", "costs.staff_time_per_partnership_term",
                "costs.discount_rate", "costs.terms_per_year"):
        assert key in shown
    bad = schoolsim("validate", CITY, "--set", "costs.discount_rate=2")
    assert bad.returncode == 2 and "costs.discount_rate" in bad.stderr
    resolved = schoolsim("validate", CITY, "--set", "costs.staff_time_per_partnership_term=2500", check=True).stdout
    assert "staff_time_per_partnership_term: 2500" in resolved and "discount_rate: 0.035" in resolved
