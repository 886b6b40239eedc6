"""The output contract of `schoolsim run` (docs/output_format.md): netCDF-4 readers see
named dimensions, CF attributes and provenance; results do not depend on threads."""

import shutil
import subprocess

import numpy as np
import pytest
import xarray as xr
import yaml

from engine_support import REPO, SMALL_WORLD

DIMENSIONS = ["term", "school", "phase", "grade", "partnership_type", "domain", "member", "event"]


def test_ncdump_shows_named_dimensions(baseline_run):
    if shutil.which("ncdump") is None:
        pytest.fail("ncdump (Debian netcdf-bin) is required for this test")
    header = subprocess.run(["ncdump", "-h", str(baseline_run)], capture_output=True, text=True, check=True).stdout
    assert "phony_dim" not in header
    for dim in DIMENSIONS:
        assert f"\t{dim} = " in header, dim
    assert "school_attainment(term, school)" in header
    assert "school_expertise(term, school, domain)" in header
    assert ':Conventions = "CF-1.8"' in header


def test_xarray_opens_with_named_dimensions(baseline_run):
    with xr.open_dataset(baseline_run, engine="h5netcdf") as ds:
        assert not [d for d in ds.sizes if d.startswith("phony_dim")]
        assert ds.sizes["term"] == 10 and ds.sizes["school"] == 500
        assert list(ds.term.values) == list(range(10))
        assert list(ds.phase.values) == ["primary", "secondary"]
        assert ds.attainment_sd.dims == ("term",)
        assert ds.attainment_sd_by_phase.dims == ("term", "phase")
        assert ds.grade_share.dims == ("term", "grade")
        assert ds.school_attainment.dims == ("term", "school")
        assert ds.attainment_sd.attrs["units"] == "pupil_sd"
        assert ds.money_spent.attrs["units"] == "GBP"
        for name, var in ds.data_vars.items():
            assert "long_name" in var.attrs and "units" in var.attrs, name
        # Values that can be checked against the file's own per-school data.
        grade_share0 = np.bincount(ds.school_grade.isel(term=0).values - 1, minlength=4) / 500
        np.testing.assert_allclose(ds.grade_share.isel(term=0).values, grade_share0)
        a0 = ds.school_attainment.isel(term=0).values.astype(float)
        np.testing.assert_allclose(ds.attainment_mean.values[0], a0.mean(), atol=1e-6)
        np.testing.assert_allclose(ds.attainment_sd.values[0], a0.std(), rtol=1e-5)
        np.testing.assert_allclose(ds.grade_share.sum("grade").values, 1.0)


def test_provenance_attributes(baseline_run):
    with xr.open_dataset(baseline_run, engine="h5netcdf") as ds:
        assert ds.attrs["Conventions"] == "CF-1.8"
        assert ds.attrs["source"].startswith("schoolsim 0.1.0 (git ")
        assert "run" in ds.attrs["history"] and "baseline.yaml" in ds.attrs["history"]
        scenario = yaml.safe_load(ds.attrs["scenario_yaml"])
        assert scenario["name"] == "baseline"
        assert scenario["world"]["n_primary"] == 400
        assert scenario["brokering"]["w_gap"] == 1.0
        assert int(ds.attrs["seed"]) == 42


def test_event_table_is_consistent(baseline_run):
    with xr.open_dataset(baseline_run, engine="h5netcdf") as ds:
        kind = ds.event_kind.values
        assert (kind == 0).sum() > 0, "no partnership formed in the baseline"
        members = ds.event_members.values
        size = ds.event_size.values
        for k in range(len(kind)):
            assert (members[k, : size[k]] >= 0).all() and (members[k, size[k]:] == -1).all()
        formed = set(ds.event_partnership.values[kind == 0])
        ended = ds.event_partnership.values[kind == 1]
        assert set(ended) <= formed
        assert len(set(ended)) == len(ended), "a partnership ended twice"


def test_same_data_for_one_and_two_threads(tmp_path, schoolsim):
    outs = []
    for threads in (1, 2):
        out = tmp_path / f"t{threads}.h5"
        schoolsim("run", REPO / "scenarios" / "la_brokered.yaml", "-o", out, "--threads", threads, *SMALL_WORLD,
                  check=True)
        outs.append(out)
    with xr.open_dataset(outs[0], engine="h5netcdf") as a, xr.open_dataset(outs[1], engine="h5netcdf") as b:
        assert set(a.data_vars) == set(b.data_vars)
        for name in a.data_vars:
            np.testing.assert_array_equal(a[name].values, b[name].values, err_msg=name)
        assert a.attrs["scenario_yaml"] == b.attrs["scenario_yaml"]
