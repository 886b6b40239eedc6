"""`schoolsim sweep`: the sweep file layout, determinism, agreement with single runs, failed
runs, input errors, and the Saltelli/Morris metadata used by the analysis package."""

import sys

import numpy as np
import pytest
import xarray as xr

from engine_support import REPO
from sweep_support import GRID_RUNS, GRID_SPEC, assert_same_sweep, datasets

SMALL = ["--set", "world.n_primary=80", "--set", "world.n_secondary=20", "--set", "world.n_las=3",
         "--set", "run.terms=3"]


@pytest.fixture(scope="module")
def grid_sweep(tmp_path_factory, schoolsim):
    """The example grid sweep run on two threads."""
    out = tmp_path_factory.mktemp("grid") / "grid.h5"
    result = schoolsim("sweep", GRID_SPEC, "-o", out, "--threads", 2, "-q", check=True)
    assert result.stderr == ""
    return out


def test_grid_sweep_opens_with_parameters_as_coordinates(grid_sweep):
    with xr.open_dataset(grid_sweep, engine="h5netcdf") as ds:
        assert ds.sizes["run"] == GRID_RUNS
        assert ds["run"].attrs["standard_name"] == "realization"
        for name in ("brokering__slots_per_term", "brokering__broker_radius_km", "replicate", "seed",
                     "run_status"):
            assert name in ds.coords, name
            assert ds[name].dims == ("run",)
        assert ds["brokering__slots_per_term"].attrs["sweep_parameter"] == "brokering.slots_per_term"
        slots = ds["brokering__slots_per_term"].values
        radius = ds["brokering__broker_radius_km"].values
        assert sorted(set(slots.tolist())) == [1, 3, 5]
        assert sorted(set(radius.tolist())) == [5.0, 10.0, 20.0]
        assert len(set(zip(slots.tolist(), radius.tolist()))) == 9
        # Point-major, replicate-minor; replicate r has the same seed at every point.
        assert ds["replicate"].values.tolist() == [r % 4 for r in range(GRID_RUNS)]
        seeds = ds["seed"].values.reshape(9, 4)
        assert (seeds == seeds[0]).all() and len(set(seeds[0].tolist())) == 4
        assert (ds["run_status"].values == 0).all()
        assert ds["attainment_mean"].dims == ("run", "term")
        assert ds["grade_share_by_phase"].dims == ("run", "term", "phase", "grade")
        assert ds["school_expertise"].dims == ("run", "term", "school", "domain")
        assert ds.sizes["term"] == 7 and ds.sizes["school"] == 300
        assert np.isfinite(ds["attainment_mean"].values).all()
        assert ds["event_run"].dims == ("event",)
        assert (np.diff(ds["event_run"].values) >= 0).all()
        assert ds.attrs["sweep_design"] == "grid"
        assert "la_brokered" in ds.attrs["scenario_yaml"]
        assert "brokering.slots_per_term" in ds.attrs["sweep_yaml"]
        assert ds.attrs["source"].startswith("schoolsim")


def test_sweep_file_is_chunked_by_run_and_compressed(grid_sweep):
    import h5py

    with h5py.File(grid_sweep, "r") as f:
        # Whole runs per chunk: all 36 runs of a small metric (under 64 KiB), one run of a
        # per-school variable.
        expected = {"attainment_mean": (36, 7), "grade_share_by_phase": (36, 7, 2, 4),
                    "school_attainment": (1, 7, 300), "school_expertise": (1, 7, 300, 3)}
        for name, chunks in expected.items():
            d = f[name]
            assert d.chunks == chunks, name
            assert d.compression == "gzip" and d.shuffle and d.fletcher32, name


def test_threads_do_not_change_the_data(grid_sweep, tmp_path, schoolsim):
    out = tmp_path / "one_thread.h5"
    schoolsim("sweep", GRID_SPEC, "-o", out, "--threads", 1, "-q", check=True)
    assert_same_sweep(grid_sweep, out)


@pytest.mark.parametrize("run", [0, 17, 35])
def test_a_sweep_run_equals_the_same_single_run(grid_sweep, tmp_path, schoolsim, run):
    sweep = datasets(grid_sweep)
    slots = int(sweep["brokering__slots_per_term"][1][run])
    radius = float(sweep["brokering__broker_radius_km"][1][run])
    seed = int(sweep["seed"][1][run])
    replicate = int(sweep["replicate"][1][run])
    out = tmp_path / "single.h5"
    schoolsim("run", REPO / "scenarios" / "la_brokered.yaml", "-o", out, "-q",
              "--set", "world.n_primary=250", "--set", "world.n_secondary=50", "--set", "world.n_las=5",
              "--set", "run.terms=6", "--set", f"brokering.slots_per_term={slots}",
              "--set", f"brokering.broker_radius_km={radius!r}", "--set", f"run.seed={seed}",
              "--set", f"run.replicate={replicate}", check=True)
    single = datasets(out)
    compared = 0
    for name, (dtype, values, attrs) in single.items():
        if name.startswith("programme"):  # programme accounts: run files only (docs/output_format.md)
            continue
        if name.startswith("event") or name in ("member",):
            continue
        s_dtype, s_values, s_attrs = sweep[name]
        assert s_dtype == dtype, name
        static = name in ("term", "school", "phase", "grade", "partnership_type", "domain", "local_authority", "region")
        if static or s_values.shape == values.shape:  # the school and LA tables, regions
            assert np.array_equal(s_values, values), name  # static: same world
            continue
        assert np.array_equal(s_values[run], values, equal_nan=True), name
        assert s_attrs["units"] == attrs["units"] and s_attrs["long_name"] == attrs["long_name"], name
        compared += 1
    assert compared >= 30
    # Events: the sweep's events of this run are the run file's events.
    mine = sweep["event_run"][1] == run
    for name in ("event_term", "event_kind", "event_partnership", "event_type", "event_broker",
                 "event_reason"):
        assert np.array_equal(sweep[name][1][mine], single[name][1]), name
    width = single["event_members"][1].shape[1]
    assert np.array_equal(sweep["event_members"][1][mine][:, :width], single["event_members"][1])


def test_a_failing_point_is_recorded_and_the_rest_completes(tmp_path, schoolsim):
    spec = tmp_path / "failing.yaml"
    spec.write_text(f"""base: {REPO / 'scenarios' / 'la_brokered.yaml'}
set:
  programmes: [{{name: pilot, start: 3, end: 6, grant_per_term: 15000}}]
design:
  type: list
  points:
    - programmes[0].end: 6
    - programmes[0].end: 2   # before start: an invalid scenario
    - {{"programmes[0].end": 5}}
replicates: 2
""")
    out = tmp_path / "failing.h5"
    result = schoolsim("sweep", spec, "-o", out, *SMALL)
    assert result.returncode == 1, result.stderr
    assert "2 of 6 runs failed" in result.stderr
    with xr.open_dataset(out, engine="h5netcdf") as ds:
        assert ds["run_status"].values.tolist() == [0, 0, 1, 1, 0, 0]
        errors = ds["run_error"].values
        assert all(e == "" for e in errors[[0, 1, 4, 5]])
        assert "programmes[0].end: must not be before start" in errors[2]
        assert ds["programmes__0__end"].values.tolist() == [6, 6, 2, 2, 5, 5]
        metric = ds["attainment_mean"].values
        assert np.isnan(metric[2:4]).all() and np.isfinite(metric[[0, 1, 4, 5]]).all()
        grade = ds["school_grade"].values  # integer with _FillValue: masked to NaN by xarray
        assert np.isnan(grade[2:4]).all() and np.isfinite(grade[[0, 1, 4, 5]]).all()
        assert int(ds["event_run"].isin([2, 3]).sum()) == 0


@pytest.mark.parametrize("text, expected", [
    ("base: ../nowhere.yaml\ndesign: grid\n", ":1:7: base: scenario file '../nowhere.yaml' not found"),
    ("base: {base}\nparameters:\n  brokering.slots_per_trm: {{min: 1, max: 3}}\ndesign: grid\n",
     ":3:3: parameters.brokering.slots_per_trm: unknown parameter "
     "(did you mean 'brokering.slots_per_term'?)"),
    ("base: {base}\nparameters:\n  world.n_las: {{values: [3, 5]}}\ndesign: grid\n",
     "world parameters cannot be swept"),
    ("base: {base}\nparameters:\n  trust.trust_gain: {{min: 0.5, max: 0.1}}\ndesign: grid\n",
     "min (0.5) must be below max (0.1)"),
    ("base: {base}\ndesign: grid\nreplicates: many\n", ":3:13: replicates: expected an integer, got 'many'"),
])
def test_invalid_specs_exit_2_before_anything_runs(tmp_path, schoolsim, text, expected):
    spec = tmp_path / "bad.yaml"
    spec.write_text(text.format(base=REPO / "scenarios" / "la_brokered.yaml"))
    out = tmp_path / "bad.h5"
    result = schoolsim("sweep", spec, "-o", out)
    assert result.returncode == 2
    assert f"{spec}{expected}" in result.stderr or expected in result.stderr, result.stderr
    assert str(spec) in result.stderr
    assert not out.exists() and not (tmp_path / "bad.h5.parts").exists()


def test_output_that_exists_needs_force(grid_sweep, schoolsim):
    result = schoolsim("sweep", GRID_SPEC, "-o", grid_sweep)
    assert result.returncode == 2
    assert "exists already (use --force to replace it)" in result.stderr


def _analysis():
    sys.path.insert(0, str(REPO / "analysis"))
    import schoolsim as analysis  # noqa: PLC0415

    return analysis


@pytest.mark.parametrize("design", ["{type: sobol, n: 8}", "{type: morris, trajectories: 4, levels: 4}"])
def test_sensitivity_designs_feed_the_analysis_package(tmp_path, schoolsim, design):
    spec = tmp_path / "gsa.yaml"
    spec.write_text(f"""base: {REPO / 'scenarios' / 'la_brokered.yaml'}
parameters:
  brokering.need_quantile: {{min: 0.05, max: 0.3}}
  brokering.slots_per_term: {{min: 1, max: 8}}
design: {design}
seed: 11
""")
    out = tmp_path / "gsa.h5"
    schoolsim("sweep", spec, "-o", out, "-q", *SMALL, check=True)
    analysis = _analysis()
    ds = analysis.open_sweep(out)
    gsa = analysis.sensitivity
    table = gsa.sensitivity_from_sweep(ds, "attainment_mean", n_boot=50) if "sobol" in design \
        else gsa.sensitivity_from_sweep(ds, "attainment_mean")
    assert list(table.index) == ["brokering.need_quantile", "brokering.slots_per_term"]
    if "sobol" in design:
        assert ds.sizes["run"] == 8 * 4
        assert sorted(set(ds["saltelli_block"].values.tolist())) == [0, 1, 2, 3]
    else:
        assert ds.sizes["run"] == 4 * 3
        assert (table["n_effects"] == 4).all()
    ds.close()


def test_a_sweep_over_a_world_file_equals_the_single_runs(tmp_path, schoolsim):
    world = tmp_path / "world.h5"
    schoolsim("world", "import", REPO / "scenarios" / "worlds" / "fixture_register.csv", "-o", world,
              "--max-bad-share", "0.5", check=True)
    (tmp_path / "base.yaml").write_text(f"extends: {REPO / 'scenarios' / 'la_brokered.yaml'}\n"
                                        "world: {file: world.h5}\nrun: {terms: 4}\n")
    (tmp_path / "sweep.yaml").write_text("base: base.yaml\nparameters:\n"
                                         "  brokering.slots_per_term: {values: [1, 4]}\n"
                                         "design: grid\nreplicates: 2\nseed: 5\n")
    out = tmp_path / "sweep.h5"
    schoolsim("sweep", tmp_path / "sweep.yaml", "-o", out, "-q", check=True)
    sweep = datasets(out)
    assert sweep["school"][1].size == 60  # the file's schools, not world.n_primary + n_secondary
    single = tmp_path / "single.h5"
    schoolsim("run", tmp_path / "base.yaml", "-o", single, "-q", "--set", "brokering.slots_per_term=4",
              "--set", f"run.seed={int(sweep['seed'][1][3])}", "--set", "run.replicate=1", check=True)
    compared = 0
    for name, (_, values, _) in datasets(single).items():
        if name.startswith("programme"):  # programme accounts: run files only (docs/output_format.md)
            continue
        s_values = sweep[name][1]
        if s_values.ndim == values.ndim + 1 and s_values.shape[1:] == values.shape:
            assert np.array_equal(s_values[3], values, equal_nan=True), name
            compared += 1
    assert compared >= 30
