"""Reading sweep files: open_sweep, open_summary, open (dispatch) and the round trip of
every dataset of a run file and of a sweep file into the reader's output."""

import shutil

import h5py
import numpy as np
import pandas as pd
import pytest

import eldersim_results
from conftest import DISTRICTS, make_run_file, write_strings
from eldersim_results import file_kind, open_run, open_summary, open_sweep
from sweep_fixture import DESCRIPTIONS, NEW_FACILITY, PARAMETERS, SCENARIOS, STATS_NAMES, make_sweep_file


@pytest.fixture(scope="module")
def sweep(sweep_file):
    path, written = sweep_file
    return open_sweep(path), written


def test_axes_and_labels(sweep):
    ds, written = sweep
    assert list(ds["scenario"].values) == SCENARIOS
    assert ds["replicate"].values.tolist() == [0, 1, 2] and ds["replicate"].dtype == np.int64
    index = ds.indexes["period"]
    assert isinstance(index, pd.DatetimeIndex) and index[0] == pd.Timestamp("2020-01-01")
    assert pd.Timestamp(ds["period_end"].values[1]) == pd.Timestamp("2020-02-29")
    assert list(ds["district"].values) == DISTRICTS
    assert ds["facility"].values[-1] == NEW_FACILITY[0] and ds.sizes["facility"] == 10
    assert ds["facility_type"].values[-1] == "institution" and ds["facility_district"].values[-1] == "Haizhu"
    for name in written["series"]:
        assert ds[name].dims[:3] == ("scenario", "replicate", "period"), name
    assert ds["n_waiting"].dims == ("scenario", "replicate", "period", "district", "service")
    assert ds.attrs["file_kind"] == "sweep" and ds.attrs["replicates"] == 3


def test_values_and_fill_values(sweep):
    ds, written = sweep
    for name, values in written["series"].items():
        np.testing.assert_array_equal(ds[name].values, values, err_msg=name)
    # the facility only the scenario has: NaN for the baseline, numbers for the scenario
    new = ds["n_places_by_facility"].sel(facility=NEW_FACILITY[0])
    assert new.sel(scenario="baseline").isnull().all()
    assert new.sel(scenario="beds-plus").notnull().all() and (new.sel(scenario="beds-plus") > 0).all()
    assert ds["n_places_by_facility"].dtype == np.float64  # int64 with fill cells
    assert ds["n_alive"].dtype == np.int64  # int64 without fill cells stays int64
    assert written["written"]["n_places_by_facility"][0, 0, 0, -1] == np.iinfo(np.int64).min
    # the other facilities are there in both scenarios
    assert ds["n_places_by_facility"].isel(facility=slice(0, 9)).notnull().all()
    assert ds["n_places_by_facility"].attrs == {"unit": "places", "kind": "stock", "description":
                                                "Places (beds or day-care places) at the period end; 0 when closed"}


def test_scenario_run_and_parameter_tables(sweep):
    ds, written = sweep
    assert ds["scenario_description"].values.tolist() == DESCRIPTIONS
    assert ds["scenario_config_file"].values.tolist() == ["configs/guangzhou.yaml", "configs/beds-plus.yaml"]
    assert "population.scale=0.1" in ds["scenario_overrides"].values[1]
    assert "scale: 0.1" in ds["scenario_config_resolved"].values[0]
    np.testing.assert_array_equal(ds["run_seed"].values, written["seeds"])
    assert ds["run_seed"].dims == ("scenario", "replicate")
    np.testing.assert_array_equal(ds["run_population_seed"].values, written["seeds"] + 1)
    assert ds["run_seconds"].values.tolist() == [[1.25] * 3] * 2
    assert ds["parameter"].values.tolist() == [p[0] for p in PARAMETERS]
    assert ds["parameter_distribution"].values.tolist() == ["lognormal", "uniform"]
    np.testing.assert_array_equal(ds["parameter_value"].values, written["parameter_value"])
    assert ds["parameter_value"].dims == ("replicate", "parameter")
    # selecting works on every axis
    one = ds["n_waiting"].sel(scenario="beds-plus", replicate=2, service="institution", district="Liwan")
    np.testing.assert_array_equal(one.values, written["series"]["n_waiting"][1, 2, :, 1, 2])


def test_summary(sweep_file):
    path, written = sweep_file
    summary = open_summary(path)
    assert summary["stat"].values.tolist() == list(STATS_NAMES)
    assert set(summary.data_vars) == set(written["summary"])
    for name, stats in written["summary"].items():
        for stat, values in stats.items():
            np.testing.assert_allclose(summary[name].sel(stat=stat).values, values, rtol=0, atol=0,
                                       err_msg=f"{name}/{stat}")
    assert summary["coverage"].dims == ("stat", "scenario", "period", "district")
    assert summary["coverage"].attrs["unit"] == "share" and summary["coverage"].attrs["group"] == "series"
    assert summary["coverage"].attrs["interval"] == "95% Student t across replicates"
    assert summary["n_places_by_facility"].attrs["group"] == "facilities"
    assert list(summary["scenario"].values) == SCENARIOS and "replicate" not in summary.dims
    assert summary["facility_type"].values[-1] == "institution"
    # the baseline has no replicate of the new facility: n = 0 and the mean NaN
    new = summary["n_places_by_facility"].sel(facility=NEW_FACILITY[0], scenario="baseline")
    assert (new.sel(stat="n") == 0).all() and new.sel(stat="mean").isnull().all()


@pytest.mark.parametrize("summary_dims", ["dataset", None])
def test_summary_dims_elsewhere_and_integer_replicates(tmp_path, summary_dims):
    """dims on the summary datasets, or nowhere (then the series' without replicate)."""
    path = tmp_path / "dims.h5"
    written = make_sweep_file(path, n_periods=3, replicates=2, summary_dims=summary_dims, int_replicates=True)
    ds, summary = open_sweep(path), open_summary(path)
    assert ds["replicate"].values.tolist() == [0, 1]
    assert summary["n_waiting"].dims == ("stat", "scenario", "period", "district", "service")
    np.testing.assert_array_equal(summary["n_alive"].sel(stat="hi").values, written["summary"]["n_alive"]["hi"])


def test_open_dispatches_on_file_kind(sweep_file, tmp_path):
    path, _ = sweep_file
    run = tmp_path / "run.h5"
    make_run_file(run, n_periods=4)
    assert file_kind(path) == "sweep" and file_kind(run) == "run"
    assert "scenario" in eldersim_results.open(path).dims
    assert eldersim_results.open(run).identical(open_run(run))
    with pytest.raises(ValueError, match="not a sweep file"):
        open_sweep(run)
    with h5py.File(run, "a") as f:
        f["metadata"].attrs["file_kind"] = "forecast"
    with pytest.raises(ValueError, match="unknown file_kind 'forecast'"):
        eldersim_results.open(run)


def test_open_run_reads_a_sweep_generically(sweep_file):
    path, written = sweep_file
    ds = open_run(path)
    np.testing.assert_array_equal(ds["n_occupied_by_facility"].values, written["series"]["n_occupied_by_facility"])
    assert "run_seed" not in ds.coords and "seed" not in ds.variables  # /runs is not a series group


def test_scenario_names_must_match(sweep_file, tmp_path):
    path = tmp_path / "bad.h5"
    shutil.copy(sweep_file[0], path)
    with h5py.File(path, "a") as f:
        del f["scenarios/name"]
        write_strings(f["scenarios"], "name", ["baseline", "other"])
    with pytest.raises(ValueError, match=r"/scenarios/name.*differs from /dims/scenario"):
        open_sweep(path)


def test_series_must_lead_with_scenario_and_replicate(sweep_file, tmp_path):
    path = tmp_path / "bad.h5"
    shutil.copy(sweep_file[0], path)
    with h5py.File(path, "a") as f:
        f["series/n_alive"].attrs["dims"] = "replicate,scenario,period,district"
    with pytest.raises(ValueError, match="n_alive"):
        open_sweep(path)


# --- round trip: every dataset of the file is in the reader's output ---------------------------

def _datasets(path):
    out = []
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, node: out.append(name) if isinstance(node, h5py.Dataset) else None)
    return out


def _strings_or_values(dset):
    return dset.asstr()[()] if h5py.check_string_dtype(dset.dtype) is not None else dset[()]


def test_every_dataset_of_a_run_file_is_read(tmp_path):
    path = tmp_path / "run.h5"
    make_run_file(path, n_periods=5, care=True, hospitals=True)
    ds = open_run(path)
    with h5py.File(path, "r") as f:
        for name in _datasets(path):
            group, _, leaf = name.partition("/")
            values = _strings_or_values(f[name])
            if group == "dims":
                coord = {"period_start": "period", "period_end": "period_end"}.get(leaf, leaf)
                shown = ds[coord].values
                if coord.startswith("period"):
                    shown = pd.DatetimeIndex(shown).strftime("%Y-%m-%d")
                assert list(shown) == list(values), name
            elif group.endswith("_info"):
                assert list(ds[f"{group[:-5]}_{leaf}"].values) == list(values), name
            else:
                np.testing.assert_array_equal(ds[leaf].values, values, err_msg=name)


def test_every_dataset_of_a_sweep_file_is_read(sweep_file):
    assert check_every_dataset(sweep_file[0]) > 500  # 72 series, their 7 statistics each, the tables


def check_every_dataset(path) -> int:
    """Assert that every dataset of the sweep file at ``path`` is in open_sweep's or
    open_summary's output with the values stored (fill values as NaN); return how many."""
    ds, summary = open_sweep(path), open_summary(path)
    seen = 0
    with h5py.File(path, "r") as f:
        for name in _datasets(path):
            parts = name.split("/")
            values = _strings_or_values(f[name])
            if parts[0] == "dims":
                coord = {"period_start": "period", "period_end": "period_end"}.get(parts[1], parts[1])
                shown = ds[coord].values
                if coord.startswith("period"):
                    shown = pd.DatetimeIndex(shown).strftime("%Y-%m-%d")
                assert [str(v) for v in shown] == [str(v) for v in values], name
            elif parts[0].endswith("_info"):
                assert list(ds[f"{parts[0][:-5]}_{parts[1]}"].values) == list(values), name
            elif parts[0] == "summary":
                np.testing.assert_array_equal(summary[parts[2]].sel(stat=parts[3]).values, values.astype(float),
                                              err_msg=name)
            elif parts[0] == "scenarios":
                coord = "scenario" if parts[1] == "name" else f"scenario_{parts[1]}"
                assert list(ds[coord].values) == list(values), name
            elif parts[0] == "runs":
                np.testing.assert_array_equal(ds[f"run_{parts[1]}"].values, values, err_msg=name)
            elif parts[0] == "parameters":
                coord = "parameter" if parts[1] == "path" else f"parameter_{parts[1]}"
                np.testing.assert_array_equal(ds[coord].values, values, err_msg=name)
            else:
                fill = f[name].attrs["fill_value"]
                expected = np.where(values == fill, np.nan, values) if values.dtype.kind == "i" else values
                np.testing.assert_array_equal(ds[parts[1]].values, expected, err_msg=name)
            seen += 1
    return seen
