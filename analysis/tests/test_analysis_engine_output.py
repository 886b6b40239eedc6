"""The analysis package on files written by the engine itself (skipped without a binary).

The binary is ``$SCHOOLSIM_BIN``, else ``build/ci/schoolsim`` or ``build/release/schoolsim``
(CI builds the first before running the Python suite).
"""

import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

import schoolsim
from schoolsim.report import write_report

REPO = Path(__file__).resolve().parents[2]
SMALL_WORLD = ["--set", "world.n_primary=300", "--set", "world.n_secondary=60",
               "--set", "world.n_las=4", "--set", "run.terms=8"]


def engine_binary():
    candidates = [os.environ.get("SCHOOLSIM_BIN"), REPO / "build" / "ci" / "schoolsim",
                  REPO / "build" / "release" / "schoolsim"]
    for path in filter(None, candidates):
        if Path(path).is_file() and os.access(path, os.X_OK):
            return Path(path)
    pytest.skip("no schoolsim engine binary (set SCHOOLSIM_BIN or build the ci preset)")


@pytest.fixture(scope="module")
def engine_files(tmp_path_factory):
    binary = engine_binary()
    out = tmp_path_factory.mktemp("engine")
    paths = {}
    for name in ("baseline", "la_brokered"):
        paths[name] = out / f"{name}.h5"
        subprocess.run([str(binary), "run", str(REPO / "scenarios" / f"{name}.yaml"), "-o",
                        str(paths[name]), "-q", *SMALL_WORLD], check=True, timeout=300)
    return paths


def test_engine_run_opens_with_named_dimensions(engine_files):
    with schoolsim.open_run(engine_files["baseline"]) as ds:
        assert ds.sizes["school"] == 360 and ds.sizes["term"] == 9
        assert ds["school_attainment"].dims == ("term", "school")
        assert set(ds["phase_of_school"].values) == {"primary", "secondary"}
        assert (ds["phase_of_school"] == "secondary").sum() == 60
        assert not ds["school_attainment"].variable._in_memory
        assert schoolsim.scenario(ds)["name"] == "baseline"
        assert ds.attrs["Conventions"] == "CF-1.8"


def test_engine_events_agree_with_active_counts(engine_files):
    with schoolsim.open_run(engine_files["la_brokered"]) as ds:
        events = schoolsim.partnerships(ds)
        counts = ds["partnerships_active"].values
        per_school = ds["school_partnerships"].values
        for t in ds["term"].values:
            active = schoolsim.active_partnerships(events, int(t))
            by_type = active["type"].value_counts().reindex(ds["partnership_type"].values).values
            np.testing.assert_array_equal(by_type, counts[t])
            members = np.concatenate(active["members"].tolist() or [[]]).astype(int)
            np.testing.assert_array_equal(np.bincount(members, minlength=ds.sizes["school"]),
                                          per_school[t])


def test_engine_files_plot_and_report(engine_files, tmp_path):
    with schoolsim.open_run(engine_files["baseline"]) as a, \
            schoolsim.open_run(engine_files["la_brokered"]) as b:
        figures = [schoolsim.plot_trajectories([a, b], "der_polarisation"),
                   schoolsim.plot_distribution(b), schoolsim.plot_map(b, term=-1),
                   schoolsim.plot_grade_shares(a)]
        for i, fig in enumerate(figures):
            fig.savefig(tmp_path / f"{i}.png", dpi=50)
        index = write_report([a, b], tmp_path / "report")
        expected = float(b["attainment_sd"][-1] - a["attainment_sd"][-1])
    assert f'data-mean="{expected!r}"' in index.read_text()
