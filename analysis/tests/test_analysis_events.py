"""The partnership event table."""

import numpy as np
import pandas as pd
import pytest

import schoolsim


@pytest.fixture(scope="module")
def run_events(files):
    return schoolsim.partnerships(files["run_a"])


def test_columns_and_categories(run_events):
    ev = run_events
    assert list(ev.columns) == ["term", "kind", "partnership", "type", "broker", "programme",
                                "reason", "size", "members"]
    assert ev.index.name == "event"
    assert isinstance(ev["kind"].dtype, pd.CategoricalDtype)
    assert list(ev["kind"].cat.categories) == ["formed", "ended"]
    assert list(ev["type"].cat.categories) == ["pair", "network", "federation", "mat"]
    assert set(ev["reason"].cat.categories) >= {"funding_ended", "hazard", "graduated", "joined_mat"}
    assert (ev.loc[ev["kind"] == "formed", "reason"] == "not_ended").all()
    assert (ev.loc[ev["kind"] == "ended", "reason"] != "not_ended").all()


def test_members_are_unpadded_lists(run_events):
    for size, members in zip(run_events["size"], run_events["members"]):
        assert isinstance(members, list) and len(members) == size
        assert all(m >= 0 for m in members)
    assert (run_events.loc[run_events["type"] == "pair", "size"] == 2).all()


def test_active_partnerships_agree_with_system_counts(files, run_events):
    with schoolsim.open_run(files["run_a"]) as ds:
        counts = ds["partnerships_active"].values
        per_school = ds["school_partnerships"].values
        for t in ds["term"].values:
            active = schoolsim.active_partnerships(run_events, int(t))
            by_type = active["type"].value_counts().reindex(ds["partnership_type"].values).values
            np.testing.assert_array_equal(by_type, counts[t])
            members = np.bincount(np.concatenate(active["members"].tolist() or [[]]).astype(int),
                                  minlength=ds.sizes["school"])
            np.testing.assert_array_equal(members, per_school[t])


def test_sweep_events_carry_the_run(files):
    ev = schoolsim.partnerships(files["grid"])
    assert ev.columns[0] == "run"
    assert set(ev["run"]) == set(range(27))
    with pytest.raises(ValueError, match="pass run="):
        schoolsim.active_partnerships(ev, 3)
    assert len(schoolsim.active_partnerships(ev, 3, run=2)) > 0


def test_dataset_without_events(files):
    with schoolsim.open_run(files["run_a"]) as ds:
        with pytest.raises(ValueError, match="no partnership events"):
            schoolsim.partnerships(ds.drop_vars(["event_term"]))
