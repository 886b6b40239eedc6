"""The analysis package on the engine's run files (``files`` in conftest.py, written by the binary)."""

import numpy as np

import schoolsim
from engine_files import N_SCHOOLS, N_SECONDARY, N_TERMS
from schoolsim.links import memberships_by_term
from schoolsim.report import write_report


def test_engine_run_opens_with_named_dimensions(files):
    with schoolsim.open_run(files["run_a"]) as ds:
        assert ds.sizes["school"] == N_SCHOOLS and ds.sizes["term"] == N_TERMS + 1
        assert ds["school_attainment"].dims == ("term", "school")
        assert set(ds["phase_of_school"].values) == {"primary", "secondary"}
        assert (ds["phase_of_school"] == "secondary").sum() == N_SECONDARY
        assert not ds["school_attainment"].variable._in_memory
        assert schoolsim.scenario(ds)["name"] == "baseline"
        assert ds.attrs["Conventions"] == "CF-1.8"


def test_engine_events_agree_with_active_counts(files):
    with schoolsim.open_run(files["run_b"]) as ds:
        events = schoolsim.partnerships(ds)
        assert (events["kind"] == "joined").any()  # members join after formation in this run
        counts = ds["partnerships_active"].values
        per_school = ds["school_partnerships"].values
        terms = [int(t) for t in ds["term"].values]
        for t, members in zip(terms, memberships_by_term(events, terms)):
            active = schoolsim.active_partnerships(events, t)
            by_type = active["type"].value_counts().reindex(ds["partnership_type"].values).values
            np.testing.assert_array_equal(by_type, counts[t])
            assert [p.id for p in members] == sorted(active["partnership"])
            # active_partnerships gives the members at formation; the joined ones come from the events
            schools = np.concatenate([p.members for p in members] or [[]]).astype(int)
            np.testing.assert_array_equal(np.bincount(schools, minlength=ds.sizes["school"]), per_school[t])


def test_engine_files_plot_and_report(files, tmp_path):
    with schoolsim.open_run(files["run_a"]) as a, \
            schoolsim.open_run(files["run_b"]) as b:
        figures = [schoolsim.plot_trajectories([a, b], "der_polarisation"),
                   schoolsim.plot_distribution(b), schoolsim.plot_map(b, term=-1),
                   schoolsim.plot_grade_shares(a)]
        for i, fig in enumerate(figures):
            fig.savefig(tmp_path / f"{i}.png", dpi=50)
        index = write_report([a, b], tmp_path / "report")
        expected = float(b["attainment_sd"][-1] - a["attainment_sd"][-1])
    assert f'data-mean="{expected!r}"' in index.read_text()
