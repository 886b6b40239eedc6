"""The partnership event table."""

import h5py
import numpy as np
import pandas as pd
import pytest

import schoolsim
from schoolsim.links import memberships_by_term


@pytest.fixture(scope="module")
def run_events(files):
    return schoolsim.partnerships(files["run_b"])


def test_columns_and_categories(files, run_events):
    ev = run_events
    assert list(ev.columns) == ["term", "kind", "partnership", "type", "broker", "programme",
                                "reason", "size", "members"]
    assert ev.index.name == "event"
    assert isinstance(ev["kind"].dtype, pd.CategoricalDtype)
    with h5py.File(files["run_b"]) as f:
        kinds = f["event_kind"].attrs["flag_meanings"].decode().split()
        reasons = f["event_reason"].attrs["flag_meanings"].decode().split()
        types = list(f["partnership_type"].asstr()[...])
    assert list(ev["kind"].cat.categories) == kinds and {"formed", "ended", "joined"} <= set(kinds)
    assert list(ev["type"].cat.categories) == types == ["pair", "network", "federation", "mat"]
    assert list(ev["reason"].cat.categories) == reasons
    assert set(ev["kind"]) == {"formed", "ended", "joined"}  # every kind occurs in this run
    assert (ev.loc[ev["kind"] == "formed", "reason"] == "not_ended").all()
    assert (ev.loc[ev["kind"] == "ended", "reason"] != "not_ended").all()


def test_members_are_unpadded_lists(run_events):
    for size, members in zip(run_events["size"], run_events["members"]):
        assert isinstance(members, list) and len(members) == size
        assert all(m >= 0 for m in members)
    formed = run_events[run_events["kind"] == "formed"]
    assert (formed.loc[formed["type"] == "pair", "size"] == 2).all()


def test_active_partnerships_agree_with_system_counts(files):
    events = schoolsim.partnerships(files["run_a"])
    with schoolsim.open_run(files["run_a"]) as ds:
        counts = ds["partnerships_active"].values
        per_school = ds["school_partnerships"].values
        terms = [int(t) for t in ds["term"].values]
        for t, active_members in zip(terms, memberships_by_term(events, terms)):
            active = schoolsim.active_partnerships(events, t)
            by_type = active["type"].value_counts().reindex(ds["partnership_type"].values).values
            np.testing.assert_array_equal(by_type, counts[t])
            # the members at formation plus those who joined since (the joined events)
            schools = np.concatenate([p.members for p in active_members] or [[]]).astype(int)
            np.testing.assert_array_equal(np.bincount(schools, minlength=ds.sizes["school"]), per_school[t])
            formed = np.concatenate(active["members"].tolist() or [[]]).astype(int)
            assert set(formed) <= set(schools)


def test_sweep_events_carry_the_run(files):
    ev = schoolsim.partnerships(files["grid"])
    assert ev.columns[0] == "run"
    with h5py.File(files["grid"]) as f:
        ok = np.flatnonzero(f["run_status"][...] == 0)
        np.testing.assert_array_equal(ev["run"].values, f["event_run"][...])
    assert set(ev["run"]) <= set(ok)  # failed runs have no events
    with pytest.raises(ValueError, match="pass run="):
        schoolsim.active_partnerships(ev, 3)
    assert len(schoolsim.active_partnerships(ev, 3, run=ok[0])) > 0


def test_dataset_without_events(files):
    with schoolsim.open_run(files["run_a"]) as ds:
        with pytest.raises(ValueError, match="no partnership events"):
            schoolsim.partnerships(ds.drop_vars(["event_term"]))
