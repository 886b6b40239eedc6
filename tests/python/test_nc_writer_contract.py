"""Output contract of the C++ NcWriter, checked with the Python netCDF readers.

The C++ test ``NcWriter.WritesSampleFile`` writes a small run-shaped file to the path
in ``SCHOOLSIM_NC_SAMPLE_OUT``; these tests run it and open the file with xarray
(h5netcdf), netCDF4 and h5py. They are skipped when the C++ test binary is not built.
"""

import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]


def _test_binary():
    """Returns the path of the C++ test binary, or None when it is not built."""
    candidates = []
    if os.environ.get("SCHOOLSIM_TESTS_BIN"):
        candidates.append(Path(os.environ["SCHOOLSIM_TESTS_BIN"]))
    if os.environ.get("SCHOOLSIM_BIN"):
        build = Path(os.environ["SCHOOLSIM_BIN"]).parent
        candidates.append(build / "tests" / "schoolsim_tests")
    candidates.append(REPO / "build" / "ci" / "tests" / "schoolsim_tests")
    return next((path for path in candidates if path.is_file()), None)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """Path of a sample file written by the C++ NcWriter."""
    binary = _test_binary()
    if binary is None:
        pytest.skip("C++ test binary schoolsim_tests is not built")
    path = tmp_path_factory.mktemp("nc_writer") / "sample.h5"
    env = dict(os.environ, SCHOOLSIM_NC_SAMPLE_OUT=str(path))
    env.setdefault("SCHOOLSIM_TEST_TMP", str(path.parent))
    result = subprocess.run(
        [str(binary), "--gtest_filter=NcWriter.WritesSampleFile"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert path.is_file(), result.stdout
    return path


DIMENSIONS = {"term": 3, "school": 4, "phase": 2, "grade": 4, "event": 0, "member": 3}


def test_xarray_shows_named_dimensions(sample):
    xr = pytest.importorskip("xarray")
    with xr.open_dataset(sample, engine="h5netcdf") as ds:
        assert dict(ds.sizes) == DIMENSIONS
        assert not any(name.startswith("phony_dim") for name in ds.sizes)
        assert ds["school_attainment"].dims == ("term", "school")
        assert ds["grade_share_by_phase"].dims == ("term", "phase", "grade")
        assert ds["event_members"].dims == ("event", "member")
        assert set(DIMENSIONS) <= set(ds.coords)


def test_xarray_reads_strings_as_str(sample):
    xr = pytest.importorskip("xarray")
    with xr.open_dataset(sample, engine="h5netcdf") as ds:
        assert list(ds["phase"].values) == ["primary", "secondary"]
        assert all(type(label) is str for label in ds["phase"].values)
        assert ds.attrs["Conventions"] == "CF-1.8"
        assert type(ds.attrs["title"]) is str
        assert ds.attrs["scenario_yaml"] == "name: sample\nterms: 2\n"
        assert ds["school_attainment"].attrs["units"] == "pupil_sd"


def test_xarray_reads_numbers_with_their_types(sample):
    xr = pytest.importorskip("xarray")
    with xr.open_dataset(sample, engine="h5netcdf", mask_and_scale=False) as ds:
        assert isinstance(ds.attrs["seed"], np.int64)
        assert ds.attrs["seed"] == 1234567890123
        assert isinstance(ds.attrs["discount"], np.float64)
        assert ds["school_phase"].dtype == np.int8
        assert ds["school_partnerships"].dtype == np.int16
        assert ds["pupils_moved"].dtype == np.int64
        assert ds["school_attainment"].dtype == np.float32
        assert ds["grade"].dtype == np.int8
        attainment = ds["school_attainment"].values.ravel()
        np.testing.assert_array_equal(attainment, 0.125 * np.arange(12))
        assert ds["money_total"].shape == ()
        assert ds["event_members"].attrs["_FillValue"].dtype == np.int32
        encoding = ds["school_attainment"].encoding
        assert encoding["fletcher32"] and encoding["shuffle"]
        assert encoding["complevel"] == 1


def test_netcdf4_reads_the_file(sample):
    netcdf4 = pytest.importorskip("netCDF4")
    with netcdf4.Dataset(sample) as nc:
        assert {name: len(dim) for name, dim in nc.dimensions.items()} == DIMENSIONS
        assert nc.dimensions["event"].isunlimited()
        assert list(nc["phase"][:]) == ["primary", "secondary"]
        assert nc.getncattr("title") == "schoolsim run: sample"
        assert nc["school_attainment"].filters()["fletcher32"]
        assert nc["event_members"].shape == (0, 3)
        assert nc["grade_share_by_phase"][:].sum() == pytest.approx(6.0)


def test_h5py_sees_fixed_length_string_attributes(sample):
    h5py = pytest.importorskip("h5py")
    with h5py.File(sample, "r") as f:
        attribute_type = f.attrs.get_id("title").get_type()
        assert isinstance(attribute_type, h5py.h5t.TypeStringID)
        assert not attribute_type.is_variable_str()
        assert attribute_type.get_cset() == h5py.h5t.CSET_UTF8
        assert h5py.h5ds.is_scale(f["phase"].id)
