"""Loaders: named dimensions, coordinates, attributes, laziness and clear errors."""

import h5py
import netCDF4
import numpy as np
import pytest
import xarray as xr

import fixtures
import schoolsim

N_SCHOOLS, N_TERMS = fixtures.RUN_SCHOOLS, fixtures.RUN_TERMS


def test_fixture_is_netcdf4_with_named_dimensions(files):
    with netCDF4.Dataset(files["run_a"]) as nc:
        assert nc.dimensions["term"].size == N_TERMS + 1
        assert nc["school_expertise"].dimensions == ("term", "school", "domain")
        assert not [d for d in nc.dimensions if d.startswith("phony_dim")]


def test_open_run_dimensions_and_school_coordinates(files):
    with schoolsim.open_run(files["run_a"]) as ds:
        assert ds.sizes["term"] == N_TERMS + 1
        assert ds.sizes["school"] == N_SCHOOLS
        assert ds["school_attainment"].dims == ("term", "school")
        assert ds["grade_share_by_phase"].dims == ("term", "phase", "grade")
        assert list(ds["phase"].values) == ["primary", "secondary"]
        for name in ("phase_of_school", "la", "x", "y", "disadvantage"):
            assert ds[name].dims == ("school",) and name in ds.coords
        world = fixtures.make_world(N_SCHOOLS)
        expected = np.where(world["phase"] == 0, "primary", "secondary")
        np.testing.assert_array_equal(ds["phase_of_school"].values, expected)
        np.testing.assert_array_equal(ds["x"].values, world["x"])
        assert "school_phase" not in ds.variables


def test_fixed_length_label_coordinates_are_decoded(tmp_path):
    path = fixtures.write_run_file(tmp_path / "fixed.h5", n_schools=20, n_terms=2, fixed_strings=True)
    with h5py.File(path) as f:
        assert f["phase"].dtype.kind == "S"
    with schoolsim.open_run(path) as ds:
        assert list(ds["phase"].values) == ["primary", "secondary"]
        assert list(ds["partnership_type"].values) == ["pair", "network", "federation", "mat"]
        assert set(ds["phase_of_school"].values) == {"primary", "secondary"}


def test_values_match_the_file(files):
    with schoolsim.open_run(files["run_a"]) as ds, h5py.File(files["run_a"]) as f:
        np.testing.assert_array_equal(ds["school_attainment"].values, f["school_attainment"][...])
        np.testing.assert_array_equal(ds["attainment_sd"].values, f["attainment_sd"][...])


def test_cf_attributes_and_scenario(files):
    with schoolsim.open_run(files["run_b"]) as ds:
        assert ds.attrs["Conventions"] == "CF-1.8"
        assert ds.attrs["scenario_name"] == "funded"
        assert ds.attrs["seed"] == 1
        assert ds["attainment_mean"].attrs["units"] == "pupil_sd"
        assert ds["term"].attrs["units"] == "term"
        assert ds["x"].attrs["units"] == "km"
        spec = schoolsim.scenario(ds)
        assert spec["name"] == "funded"
        assert spec["funding"]["base_per_pupil"] == 5000
        assert isinstance(ds.attrs["scenario_yaml"], str)


def test_dataset_stays_netcdf_serialisable(files, tmp_path):
    with schoolsim.open_run(files["run_a"]) as ds:
        ds.isel(school=slice(0, 5)).to_netcdf(tmp_path / "copy.nc", engine="h5netcdf")
    with xr.open_dataset(tmp_path / "copy.nc", engine="h5netcdf") as back:
        assert back.attrs["scenario_name"] == "base"
        assert list(back["phase_of_school"].values[:1]) == ["primary"]


def test_per_school_arrays_load_lazily(files):
    with schoolsim.open_run(files["run_a"]) as ds:
        assert not ds["school_attainment"].variable._in_memory
        assert not ds["school_expertise"].variable._in_memory
        ds["attainment_mean"].isel(term=0).values  # noqa: B018 - reading one value is fine
        assert not ds["school_attainment"].variable._in_memory


def test_open_sweep_run_coordinates(files):
    with schoolsim.open_sweep(files["grid"]) as ds:
        assert ds["school_attainment"].dims == ("run", "term", "school")
        assert ds["school_expertise"].dims == ("run", "term", "school", "domain")
        assert ds.sizes["run"] == 9 * 3
        assert ds["run"].attrs["standard_name"] == "realization"
        for name in ("replicate", "seed", "run_status", "trust__trust_gain",
                     "enrolment__lambda_attainment"):
            assert name in ds.coords and ds[name].dims == ("run",)
        assert ds["trust__trust_gain"].attrs["sweep_parameter"] == "trust.trust_gain"
        assert schoolsim.sweep_parameters(ds) == {
            "trust__trust_gain": "trust.trust_gain",
            "enrolment__lambda_attainment": "enrolment.lambda_attainment"}
        assert ds.attrs["sweep_design"] == "grid"
        assert schoolsim.sweep_spec(ds)["replicates"] == 3
        assert not ds["school_attainment"].variable._in_memory


def test_select_runs_and_ok_runs(files):
    with schoolsim.open_sweep(files["grid"]) as ds:
        assert ds["run_status"].values[4] == 1
        assert schoolsim.ok_runs(ds).sizes["run"] == 26
        sel = schoolsim.select_runs(ds, {"trust.trust_gain": 0.05}, enrolment__lambda_attainment=2.5)
        assert sel.sizes["run"] == 3
        np.testing.assert_allclose(sel["trust__trust_gain"].values, 0.05)
        # run 4 (failed) is design point 1, replicate 1: (0.05, 1.25)
        sel = schoolsim.select_runs(ds, {"trust.trust_gain": 0.05, "enrolment.lambda_attainment": 1.25})
        assert list(sel["replicate"].values) == [0, 2]
        assert schoolsim.select_runs(ds, replicate=[0]).sizes["run"] == 9
        with pytest.raises(KeyError, match="not a swept parameter"):
            schoolsim.select_runs(ds, {"trust.nope": 1})


def test_run_and_sweep_are_told_apart(files):
    with pytest.raises(ValueError, match="use open_sweep"):
        schoolsim.open_run(files["grid"])
    with pytest.raises(ValueError, match=r"base\.h5 is not a sweep file"):
        schoolsim.open_sweep(files["run_a"])
    with schoolsim.open_output(files["grid"]) as ds:
        assert "run" in ds.dims


def test_missing_file_names_the_file(tmp_path):
    missing = tmp_path / "nope.h5"
    with pytest.raises(FileNotFoundError, match="nope.h5"):
        schoolsim.open_run(missing)
    with pytest.raises(FileNotFoundError, match="nope.h5"):
        schoolsim.open_sweep(missing)


def test_non_schoolsim_files_are_rejected(tmp_path):
    text = tmp_path / "notes.h5"
    text.write_text("hello")
    with pytest.raises(ValueError, match="notes.h5 is not an HDF5"):
        schoolsim.open_run(text)
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f["data"] = np.arange(3)
    with pytest.raises(ValueError, match="other.h5 is not a schoolsim output file"):
        schoolsim.open_run(other)
    unscaled = tmp_path / "unscaled.h5"
    with h5py.File(unscaled, "w") as f:
        f["term"] = np.arange(3)
        f["school"] = np.arange(2)
        f.attrs["scenario_yaml"] = "name: x"
    with pytest.raises(ValueError, match="unscaled.h5: 'term' is not an HDF5 dimension scale"):
        schoolsim.open_run(unscaled)
    unattached = tmp_path / "unattached.h5"
    with h5py.File(unattached, "w") as f:
        f["term"] = np.arange(3)
        f["term"].make_scale("term")
        f["school"] = np.arange(2)
        f["school"].make_scale("school")
        f["attainment_mean"] = np.zeros(3)  # no dimension scale attached
        f.attrs["scenario_yaml"] = "name: x"
    with pytest.raises(ValueError, match="unattached.h5 cannot be read as netCDF-4"):
        schoolsim.open_run(unattached)


def test_sharded_sweep_reads_like_one_file(tmp_path, monkeypatch):
    kwargs = dict(design="grid", levels=2, replicates=2, n_schools=20, n_terms=4, seed=5)
    whole = fixtures.write_sweep_file(tmp_path / "whole.h5", **kwargs)
    master, shards = fixtures.write_sharded_sweep(tmp_path / "sharded", n_shards=3, **kwargs)
    monkeypatch.chdir(tmp_path)  # shards resolve relative to the master, not the cwd
    with schoolsim.open_sweep(master) as a, schoolsim.open_sweep(whole) as b:
        for name in ("school_attainment", "attainment_sd", "event_members", "trust__trust_gain"):
            np.testing.assert_array_equal(a[name].values, b[name].values)
        assert len(schoolsim.partnerships(a)) == len(schoolsim.partnerships(b))
    shards[1].unlink()
    with pytest.raises(FileNotFoundError, match=r"shard 'shards/shard_1\.h5' of sweep file .*sweep\.h5"):
        schoolsim.open_sweep(master)
