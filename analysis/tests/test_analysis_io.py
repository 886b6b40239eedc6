"""Loaders: named dimensions, coordinates, attributes, laziness and clear errors."""

import re
from pathlib import Path

import h5py
import netCDF4
import numpy as np
import pytest
import xarray as xr
import yaml

import schoolsim
from engine_files import GRID, N_SCHOOLS, N_SECONDARY, N_TERMS, SCENARIOS, run_engine

LABELS = ("phase", "partnership_type")


def fixed_length_labels(source, path):
    """A copy of an engine file whose label coordinates are fixed-length strings.

    The engine writes variable-length strings; other netCDF-4 writers use fixed-length ones.
    Each label dataset is rebuilt as fixed-length and reattached where it was attached.
    """
    path.write_bytes(Path(source).read_bytes())
    with h5py.File(path, "a") as f:
        for label in LABELS:
            attached = [(ds, i) for ds in f.values() if isinstance(ds, h5py.Dataset) and ds.name != f"/{label}"
                        for i, dim in enumerate(ds.dims) if any(s.name == f"/{label}" for s in dim.values())]
            values, attrs = f[label].asstr()[...], dict(f[label].attrs)
            for ds, i in attached:
                ds.dims[i].detach_scale(f[label])
            del f[label]
            new = f.create_dataset(label, data=np.char.encode(values.astype(str), "utf-8"))
            new.make_scale(label)
            for key in ("units", "long_name"):
                if key in attrs:
                    new.attrs[key] = attrs[key]
            for ds, i in attached:
                ds.dims[i].attach_scale(new)
    return path


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
        with h5py.File(files["run_a"]) as f:
            meanings = f["school_phase"].attrs["flag_meanings"].decode().split()
            expected = np.array(meanings)[f["school_phase"][...]]
            x = f["school_x"][...]
        assert meanings == ["primary", "secondary"]
        np.testing.assert_array_equal(ds["phase_of_school"].values, expected)
        assert (ds["phase_of_school"] == "secondary").sum() == N_SECONDARY  # world.n_secondary
        np.testing.assert_array_equal(ds["x"].values, x)
        assert "school_phase" not in ds.variables


def test_fixed_length_label_coordinates_are_decoded(files, tmp_path):
    path = fixed_length_labels(files["run_a"], tmp_path / "fixed.h5")
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
        assert ds.attrs["scenario_name"] == "pathfinder"
        assert ds["attainment_mean"].attrs["units"] == "pupil_sd"
        assert ds["term"].attrs["units"] == "term"
        assert ds["x"].attrs["units"] == "km"
        spec = schoolsim.scenario(ds)
        written = yaml.safe_load((SCENARIOS / "pathfinder.yaml").read_text())
        assert spec["name"] == "pathfinder"
        assert ds.attrs["seed"] == spec["run"]["seed"]
        assert spec["programmes"][0]["grant_per_term"] == written["programmes"][0]["grant_per_term"]
        assert spec["world"]["n_primary"] + spec["world"]["n_secondary"] == N_SCHOOLS
        assert isinstance(ds.attrs["scenario_yaml"], str)


def test_dataset_stays_netcdf_serialisable(files, tmp_path):
    with schoolsim.open_run(files["run_a"]) as ds:
        ds.isel(school=slice(0, 5)).to_netcdf(tmp_path / "copy.nc", engine="h5netcdf")
    with xr.open_dataset(tmp_path / "copy.nc", engine="h5netcdf") as back:
        assert back.attrs["scenario_name"] == "baseline"
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
        for name in ("replicate", "seed", "run_status", "trust__trust_gain", "programmes__0__end"):
            assert name in ds.coords and ds[name].dims == ("run",)
        assert ds["trust__trust_gain"].attrs["sweep_parameter"] == "trust.trust_gain"
        assert schoolsim.sweep_parameters(ds) == {
            "trust__trust_gain": "trust.trust_gain", "programmes__0__end": "programmes[0].end"}
        assert ds.attrs["sweep_design"] == "grid"
        assert schoolsim.sweep_spec(ds)["replicates"] == 3
        assert not ds["school_attainment"].variable._in_memory


def test_select_runs_and_ok_runs(files):
    with schoolsim.open_sweep(files["grid"]) as ds:
        status = ds["run_status"].values
        end = ds["programmes__0__end"].values
        # runs are point-major, replicate-minor, the first parameter varying slowest
        np.testing.assert_array_equal(end, np.tile(np.repeat(GRID["programmes[0].end"], 3), 3))
        np.testing.assert_array_equal(status == 1, end < 3)  # an end before the start is invalid
        assert schoolsim.ok_runs(ds).sizes["run"] == int((status == 0).sum())
        sel = schoolsim.select_runs(ds, {"trust.trust_gain": 0.05}, programmes__0__end=9)
        assert sel.sizes["run"] == 3
        np.testing.assert_allclose(sel["trust__trust_gain"].values, 0.05)
        assert list(sel["replicate"].values) == [0, 1, 2]
        assert schoolsim.select_runs(ds, {"trust.trust_gain": 0.3, "programmes[0].end": 2}).sizes["run"] == 0
        ok_first = (ds["replicate"].values == 0) & (status == 0)
        assert schoolsim.select_runs(ds, replicate=[0]).sizes["run"] == int(ok_first.sum())
        with pytest.raises(KeyError, match="not a swept parameter"):
            schoolsim.select_runs(ds, {"trust.nope": 1})


def test_run_and_sweep_are_told_apart(files):
    with pytest.raises(ValueError, match="use open_sweep"):
        schoolsim.open_run(files["grid"])
    with pytest.raises(ValueError, match=r"baseline\.h5 is not a sweep file"):
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


def test_sharded_sweep_reads_like_one_file(files, tmp_path, monkeypatch):
    spec = files["grid"].with_suffix(".yaml")
    whole = files["grid"]
    folder = tmp_path / "sharded"
    parts = [folder / f"part-{k}.h5" for k in range(3)]
    folder.mkdir()
    for k, part in enumerate(parts):
        run_engine("sweep", spec, "--shard", f"{k}/3", "-o", part, failed_runs_allowed=True)
    master = folder / "sweep.h5"
    run_engine("merge", *parts, "-o", master, failed_runs_allowed=True)
    monkeypatch.chdir(tmp_path)  # shards resolve relative to the master, not the cwd
    with schoolsim.open_sweep(master) as a, schoolsim.open_sweep(whole) as b:
        for name in ("school_attainment", "attainment_sd", "event_members", "trust__trust_gain"):
            np.testing.assert_array_equal(a[name].values, b[name].values)
        assert len(schoolsim.partnerships(a)) == len(schoolsim.partnerships(b))
    with h5py.File(master) as f:
        shard = f.attrs["shard_files"].decode().split("\n")[1]
    (master.parent / shard).unlink()
    with pytest.raises(FileNotFoundError, match=rf"shard '{re.escape(shard)}' of sweep file .*sweep\.h5"):
        schoolsim.open_sweep(master)
