"""Tests for eldersim_results.reader."""

import h5py
import numpy as np
import pandas as pd
import pytest

from conftest import (ADL_LEVELS, AGE_BANDS, CARE_SERIES, DISTRICTS, FACILITY_INFO, FACILITY_SERIES,
                      HOSPITAL_GROUP_SERIES, HOSPITAL_SERIES, KINDS, METADATA, SEED, SERIES, SEXES,
                      facility_tables, make_run_file, periods, write_series, write_strings)
from eldersim_results import list_series, metadata, open_run


def test_dims_and_coords(run_file):
    path, _ = run_file
    ds = open_run(path)
    assert dict(ds.sizes) == {"period": 24, "district": 3, "sex": 2, "age_band": 8, "adl_level": 5, "death_setting": 5}
    assert list(ds["district"].values) == DISTRICTS
    assert list(ds["sex"].values) == SEXES
    assert list(ds["age_band"].values) == AGE_BANDS
    assert list(ds["adl_level"].values) == ADL_LEVELS
    assert set(ds.data_vars) == set(SERIES)
    for name, (dims, *_) in SERIES.items():
        assert ds[name].dims == tuple(dims.split(","))


def test_period_coordinates_are_dates(run_file):
    path, _ = run_file
    ds = open_run(path)
    index = ds.indexes["period"]
    assert isinstance(index, pd.DatetimeIndex)
    assert index[0] == pd.Timestamp("2020-01-01")
    assert index[1] == pd.Timestamp("2020-02-01")
    assert index[-1] == pd.Timestamp("2021-12-01")
    assert ds["period_end"].dims == ("period",)
    ends = pd.DatetimeIndex(ds["period_end"].values)
    assert ends[0] == pd.Timestamp("2020-01-31")
    assert ends[1] == pd.Timestamp("2020-02-29")  # leap year
    assert ends[-1] == pd.Timestamp("2021-12-31")
    # selecting by date works
    assert ds["n_alive"].sel(period="2020-02-01", district="Liwan").item() == ds["n_alive"].values[1, 1]


def test_values_and_dtypes(run_file):
    path, data = run_file
    ds = open_run(path)
    for name, values in data.items():
        np.testing.assert_array_equal(ds[name].values, values)
        assert ds[name].dtype == values.dtype
    assert ds["n_alive"].dtype == np.int64
    assert ds["mean_age"].dtype == np.float64
    # summed series equal what was written
    assert ds["n_alive"].sum("district").values.tolist() == data["n_alive"].sum(axis=1).tolist()
    assert int(ds["new_deaths"].sum()) == int(data["new_deaths_by_sex_age"].sum())
    np.testing.assert_array_equal(ds["n_alive_by_sex_age"].sum(["sex", "age_band"]).values,
                                  data["n_alive"])
    assert ds["n_alive_by_sex_age"].sel(district="Haizhu", sex="female", age_band="95+").values[5] \
        == data["n_alive_by_sex_age"][5, 2, 1, 7]


def test_variable_attrs(run_file):
    path, _ = run_file
    ds = open_run(path)
    for name, (_, unit, kind, description) in SERIES.items():
        assert ds[name].attrs == {"unit": unit, "kind": kind, "description": description}
    assert ds["new_person_years"].attrs["unit"] == "years"
    assert ds["new_deaths"].attrs["kind"] == "flow"


def test_metadata_decoded(run_file):
    path, data = run_file
    meta = metadata(path)
    assert set(meta) == set(METADATA)
    assert meta["seed"] == SEED and type(meta["seed"]) is int
    assert meta["threads"] == 8 and type(meta["threads"]) is int
    assert meta["step_days"] == 7 and type(meta["step_days"]) is int
    assert meta["scale"] == 0.1 and type(meta["scale"]) is float
    assert meta["scenario_name"] == "广州 baseline" and type(meta["scenario_name"]) is str
    assert meta["config_text"] == METADATA["config_text"]
    assert meta["reporting_period"] == "month"
    assert meta["rng_contract"] == METADATA["rng_contract"] and meta["lane_kernel"] == "portable"
    assert meta["block_size"] == 2048 and type(meta["block_size"]) is int
    assert meta["n_agents_end"] == int(data["n_alive"][-1].sum()) and meta["end_date"] == "2021-12-31"
    assert open_run(path).attrs == meta


def test_kinds_and_the_naming_rule():
    """flows start with new_, running totals with cum_, n_ names are stocks, and series by
    facility or hospital end in _by_facility / _by_hospital."""
    specs = {**SERIES, **CARE_SERIES, **FACILITY_SERIES, **HOSPITAL_SERIES, **HOSPITAL_GROUP_SERIES}
    for name, (dims, unit, kind, description) in specs.items():
        assert kind in KINDS, name
        assert name.startswith("new_") == (kind == "flow"), name
        assert name.startswith("cum_") == (kind == "cumulative"), name
        assert not name.startswith("n_") or kind == "stock", name
        assert ("facility" in dims.split(",")) == name.endswith("_by_facility"), name
        assert ("hospital" in dims.split(",")) == name.endswith("_by_hospital"), name
    assert HOSPITAL_GROUP_SERIES["peak_occupied_beds_by_hospital"][2] == "max"


def test_running_totals(run_file):
    path, data = run_file
    ds = open_run(path)
    np.testing.assert_array_equal(ds["cum_deaths"].values, np.cumsum(data["new_deaths"], axis=0))
    np.testing.assert_array_equal(ds["cum_entrants"].sum("district").values[-1], data["new_entrants"].sum())
    assert ds["cum_deaths"].attrs["kind"] == "cumulative" and ds["cum_deaths"].dtype == np.int64


def test_list_series(run_file):
    path, _ = run_file
    listed = list_series(path)
    assert listed["n_alive"] == (("period", "district"), (24, 3))
    assert listed["new_person_years"] == (("period", "district", "sex", "age_band"), (24, 3, 2, 8))
    assert listed["n_adl"] == (("period", "district", "adl_level"), (24, 3, 5))
    assert set(listed) == set(SERIES)


def test_new_series_new_dims_and_replicates(tmp_path):
    """Series and dims added later, a leading replicate axis and a scalar series are read."""
    path = tmp_path / "sweep.h5"
    make_run_file(path, n_periods=6)
    occupancy = np.arange(6 * 2, dtype=np.float64).reshape(6, 2)
    per_rep = np.arange(4 * 6 * 3, dtype=np.int64).reshape(4, 6, 3)
    with h5py.File(path, "a") as f:
        write_strings(f["dims"], "facility", ["Home A", "Home B"])
        f["dims"].create_dataset("replicate", data=np.arange(4, dtype=np.int32))
        write_series(f["series"], "institution_occupancy", occupancy, "period,facility", unit="share", kind="mean")
        write_series(f["series"], "n_unmet", per_rep, "replicate, period, district", kind="stock")
        f["series"].create_dataset("total_cost", data=12.5).attrs["dims"] = ""
    ds = open_run(path)
    assert ds["institution_occupancy"].dims == ("period", "facility")
    assert list(ds["facility"].values) == ["Home A", "Home B"]
    np.testing.assert_array_equal(ds["institution_occupancy"].sel(facility="Home B").values, occupancy[:, 1])
    assert ds["institution_occupancy"].attrs["unit"] == "share"
    assert ds["n_unmet"].dims == ("replicate", "period", "district")
    assert ds["replicate"].values.tolist() == [0, 1, 2, 3]
    assert int(ds["n_unmet"].sel(replicate=3).sum()) == int(per_rep[3].sum())
    assert ds["total_cost"].dims == () and float(ds["total_cost"]) == 12.5
    assert list_series(path)["n_unmet"] == (("replicate", "period", "district"), (4, 6, 3))


def test_shape_mismatch_names_file_and_dataset(tmp_path):
    path = tmp_path / "bad.h5"
    make_run_file(path, n_periods=5)
    with h5py.File(path, "a") as f:
        write_series(f["series"], "n_home", np.zeros((5, 4), dtype=np.int64), "period,district")
    with pytest.raises(ValueError, match=r"bad\.h5.*/series/n_home.*shape \(5, 4\)"):
        open_run(path)


def test_transposed_dims_attribute_is_a_shape_mismatch(tmp_path):
    path = tmp_path / "bad.h5"
    make_run_file(path, n_periods=5)
    with h5py.File(path, "a") as f:
        write_series(f["series"], "n_need", np.zeros((3, 5), dtype=np.int64), "period,district")
    with pytest.raises(ValueError, match="n_need"):
        open_run(path)


def test_missing_dim_names_file_dataset_and_dim(tmp_path):
    path = tmp_path / "bad.h5"
    make_run_file(path, n_periods=5)
    with h5py.File(path, "a") as f:
        write_series(f["series"], "waits", np.zeros((5, 2)), "period,facility", unit="days", kind="mean")
    with pytest.raises(ValueError, match=r"bad\.h5.*/series/waits.*'facility'.*/dims/facility"):
        open_run(path)


def test_missing_period_start(tmp_path):
    path = tmp_path / "bad.h5"
    make_run_file(path, n_periods=5)
    with h5py.File(path, "a") as f:
        del f["dims/period_start"]
    with pytest.raises(ValueError, match=r"/series/\w+.*/dims/period_start"):
        open_run(path)


def test_missing_file_and_non_eldersim_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.h5"):
        open_run(tmp_path / "nope.h5")
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f.create_dataset("x", data=[1, 2, 3])
    with pytest.raises(ValueError, match=r"other\.h5.*no /metadata"):
        open_run(other)
    text = tmp_path / "notes.h5"
    text.write_text("not hdf5")
    with pytest.raises(ValueError, match="not an HDF5 file"):
        metadata(text)


def test_period_helper_matches_schema():
    starts, ends = periods(3, "2020-11-01")
    assert list(starts.strftime("%Y-%m-%d")) == ["2020-11-01", "2020-12-01", "2021-01-01"]
    assert list(ends.strftime("%Y-%m-%d")) == ["2020-11-30", "2020-12-31", "2021-01-31"]


# --- care system: /facilities, /facility_info and the care series -----------------------------

def test_care_series_and_facilities_loaded(care_file):
    path, data = care_file
    ds = open_run(path)
    assert ds.sizes["facility"] == 9 and ds.sizes["service"] == 3 and ds.sizes["payer"] == 3
    assert ds.sizes["government_spending_type"] == 7 and ds.sizes["adl_from"] == ds.sizes["adl_to"] == 5
    assert set(ds.data_vars) == set(SERIES) | set(CARE_SERIES) | set(FACILITY_SERIES)
    for name, (dims, unit, kind, description) in {**CARE_SERIES, **FACILITY_SERIES}.items():
        assert ds[name].dims == tuple(dims.split(",")), name
        assert ds[name].attrs == {"unit": unit, "kind": kind, "description": description}
        np.testing.assert_array_equal(ds[name].values, data[name])
        assert ds[name].dtype == data[name].dtype
    assert ds["n_places_by_facility"].dtype == np.int64 and ds["mean_wait_days_by_facility"].dtype == np.float64
    assert ds["n_occupied_by_facility"].sel(facility="Liwan private homes").values.tolist() == \
        data["n_occupied_by_facility"][:, 4].tolist()
    # closed facility: places 0 from period 12 on
    assert ds["n_places_by_facility"].sel(facility="Haizhu private homes").values[12:].tolist() == [0] * 12
    assert np.isnan(ds["mean_wait_days"].values).any()  # NaN = no admissions after a wait


def test_facility_info_becomes_facility_coordinates(care_file):
    path, data = care_file
    ds = open_run(path)
    assert list(ds["facility"].values) == list(facility_tables()["facility"])
    for coord in FACILITY_INFO:
        assert ds[coord].dims == ("facility",)
        assert ds[coord].values.tolist() == data[coord].tolist()
    assert ds["facility_type"].values.tolist()[:3] == ["institution", "institution", "community"]
    assert ds["facility_ownership"].values.tolist()[:3] == ["public", "private", "public"]
    assert ds["facility_district"].sel(facility="Haizhu community centres").item() == "Haizhu"
    # the coordinates make facility -> district sums easy and match the district series
    homes = ds["n_occupied_by_facility"].where(ds["facility_type"] == "institution", 0)
    by_district = homes.groupby(ds["facility_district"]).sum().rename(facility_district="district")
    np.testing.assert_array_equal(by_district.sel(district=DISTRICTS).values, data["n_institution"])
    private = ds["n_places_by_facility"].where(ds["facility_ownership"] == "private", 0).sum("facility")
    assert private.values[0] == data["n_places_by_facility"][0, 1::3].sum()


def test_care_counts_add_up_to_n_alive(care_file):
    path, _ = care_file
    ds = open_run(path)
    total = ds["n_home"] + ds["n_community"] + ds["n_institution"] + ds["n_no_care"]
    assert (total == ds["n_alive"]).all()
    np.testing.assert_allclose(ds["share_home"], (ds["n_home"] + ds["n_no_care"]) / ds["n_alive"])
    assert (ds["n_unmet"] <= ds["n_need"]).all()
    np.testing.assert_array_equal(ds["n_need"], ds["n_adl"].isel(adl_level=slice(2, None)).sum("adl_level"))


def test_list_series_includes_facilities(care_file):
    path, _ = care_file
    listed = list_series(path)
    assert listed["n_places_by_facility"] == (("period", "facility"), (24, 9))
    assert listed["new_adl_transitions"] == (("period", "district", "adl_from", "adl_to"), (24, 3, 5, 5))
    assert set(listed) == set(SERIES) | set(CARE_SERIES) | set(FACILITY_SERIES)


def test_any_group_with_dims_datasets_is_read(tmp_path):
    """A new top-level group of datasets with dims is read; other groups are ignored."""
    path = tmp_path / "extra.h5"
    make_run_file(path, n_periods=4, care=True)
    queue = np.arange(4 * 3, dtype=np.int64).reshape(4, 3)
    with h5py.File(path, "a") as f:
        write_series(f.create_group("workers"), "home_care_workers", queue, "period,district")
        notes = f.create_group("notes")
        notes.create_dataset("text", data=np.arange(3))  # no dims attribute: not a series group
    ds = open_run(path)
    np.testing.assert_array_equal(ds["home_care_workers"].sel(district="Liwan").values, queue[:, 1])
    assert "text" not in ds.variables
    assert list_series(path)["home_care_workers"] == (("period", "district"), (4, 3))


def test_facility_dataset_without_dims_attribute(tmp_path):
    path = tmp_path / "bad.h5"
    make_run_file(path, n_periods=4, care=True)
    with h5py.File(path, "a") as f:
        f["facilities"].create_dataset("facility_beds", data=np.zeros((4, 9)))
    with pytest.raises(ValueError, match=r"bad\.h5.*/facilities/facility_beds.*'dims'"):
        open_run(path)


def test_facility_shape_mismatch_names_group(tmp_path):
    path = tmp_path / "bad.h5"
    make_run_file(path, n_periods=4, care=True)
    with h5py.File(path, "a") as f:
        del f["facilities/n_waiting_by_facility"]
        write_series(f["facilities"], "n_waiting_by_facility", np.zeros((4, 8), dtype=np.int64), "period,facility")
    with pytest.raises(ValueError, match=r"/facilities/n_waiting_by_facility.*shape \(4, 8\)"):
        open_run(path)


def test_same_name_in_two_groups(tmp_path):
    path = tmp_path / "bad.h5"
    make_run_file(path, n_periods=4, care=True)
    with h5py.File(path, "a") as f:
        write_series(f["facilities"], "n_alive", np.zeros((4, 3), dtype=np.int64), "period,district")
    with pytest.raises(ValueError, match=r"'n_alive'.*/series.*/facilities"):
        open_run(path)


def test_facility_info_length_and_dimension_checked(tmp_path):
    path = tmp_path / "bad.h5"
    make_run_file(path, n_periods=4, care=True)
    with h5py.File(path, "a") as f:
        del f["facility_info/ownership"]
        write_strings(f["facility_info"], "ownership", ["public"] * 8)
    with pytest.raises(ValueError, match=r"bad\.h5.*/facility_info/ownership.*\(8,\).*9 labels"):
        open_run(path)
    path = tmp_path / "bad2.h5"
    make_run_file(path, n_periods=4)
    with h5py.File(path, "a") as f:
        write_strings(f.create_group("ward_info"), "type", ["a", "b"])
    with pytest.raises(ValueError, match=r"/ward_info/type.*'ward'.*/dims/ward"):
        open_run(path)


def test_zero_facilities(tmp_path):
    """A run without facilities has an empty facility dimension and empty tables."""
    path = tmp_path / "none.h5"
    make_run_file(path, n_periods=3, care=True)
    with h5py.File(path, "a") as f:
        del f["dims/facility"]
        write_strings(f["dims"], "facility", [])
        for name in list(f["facilities"]):
            del f["facilities"][name]
            write_series(f["facilities"], name, np.zeros((3, 0), dtype=np.int64), "period,facility")
        for name in list(f["facility_info"]):
            del f["facility_info"][name]
            write_strings(f["facility_info"], name, [])
    ds = open_run(path)
    assert ds.sizes["facility"] == 0
    assert ds["n_places_by_facility"].shape == (3, 0) and ds["facility_type"].shape == (0,)
