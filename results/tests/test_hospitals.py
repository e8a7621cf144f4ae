"""Tests for the hospital output: reading /hospitals and /hospital_info, the yearly helpers
in eldersim_results.hospitals (against values computed by hand from the arrays written)
and the hospital plots."""

import h5py
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from conftest import (AGE_BANDS, BED_CUT_PERIOD, CARE_SERIES, DISTRICTS, FACILITY_SERIES, HOSPITAL_GROUP_SERIES,
                      HOSPITAL_INFO, HOSPITAL_SERIES, OPENS_AFTER, SERIES, SEXES, hospital_tables, make_run_file,
                      periods, write_series, write_strings)
from eldersim_results import hospitals, list_series, open_run, plots

ALL_SERIES = {**SERIES, **CARE_SERIES, **FACILITY_SERIES, **HOSPITAL_SERIES, **HOSPITAL_GROUP_SERIES}


@pytest.fixture
def hosp(hospital_file):
    """``(Dataset, data written)`` for the synthetic run with care and hospitals (2020-2021)."""
    path, data = hospital_file
    return open_run(path), data


def rows_of(year, n_periods=24, start="2020-01-01"):
    """Row indices of the monthly periods starting in ``year``."""
    return np.flatnonzero(pd.date_range(start, periods=n_periods, freq="MS").year == year)


def days_of(n_periods=24, start="2020-01-01"):
    starts, ends = periods(n_periods, start)
    return (ends - starts).days.to_numpy() + 1


# --- reader -------------------------------------------------------------------------------------

def test_hospital_group_and_info_are_read(hosp):
    ds, data = hosp
    tables = hospital_tables()
    assert ds.sizes["hospital"] == len(tables["hospital"]) == 5
    assert list(ds["hospital"].values) == tables["hospital"]
    assert list(ds["destination_district"].values) == DISTRICTS
    assert set(ds.data_vars) == set(ALL_SERIES)
    for name, (dims, unit, kind, description) in {**HOSPITAL_SERIES, **HOSPITAL_GROUP_SERIES}.items():
        assert ds[name].dims == tuple(dims.split(",")), name
        assert ds[name].attrs == {"unit": unit, "kind": kind, "description": description}
        np.testing.assert_array_equal(ds[name].values, data[name])
        assert ds[name].dtype == data[name].dtype
    for coord in HOSPITAL_INFO:
        assert ds[coord].dims == ("hospital",)
        assert ds[coord].values.tolist() == tables[coord]
        assert coord not in ds.data_vars
    assert ds["hospital_tier"].sel(hospital="Liwan tertiary").item() == "3"
    assert ds["hospital_ownership"].sel(hospital="Yuexiu secondary").item() == "private"
    # the coordinates give district sums that match the district series
    beds = ds["n_beds_by_hospital"].groupby(ds["hospital_district"]).sum().rename(hospital_district="district")
    np.testing.assert_array_equal(beds.sel(district=DISTRICTS).values, data["n_hospital_beds"])
    # facilities keep their own coordinates
    assert ds["facility_district"].dims == ("facility",)


def test_list_series_includes_hospitals(hospital_file):
    path, _ = hospital_file
    listed = list_series(path)
    assert listed["n_beds_by_hospital"] == (("period", "hospital"), (24, 5))
    assert listed["new_hospital_admissions_by_origin"] == \
        (("period", "district", "destination_district"), (24, 3, 3))
    assert set(listed) == set(ALL_SERIES)


def test_info_coordinate_clashing_with_variable_or_dim_is_renamed(tmp_path):
    path = tmp_path / "clash.h5"
    data = make_run_file(path, n_periods=4, care=True, hospitals=True)
    with h5py.File(path, "a") as f:
        # /hospital_info/occupancy would be hospital_occupancy, a /series variable
        write_strings(f["hospital_info"], "occupancy", ["high"] * 5)
        # /dims/hospital_district makes hospital_district a dimension
        write_strings(f["dims"], "hospital_district", ["x", "y"])
        write_series(f["series"], "per_hospital_district", np.zeros((4, 2)), "period,hospital_district")
    ds = open_run(path)
    np.testing.assert_array_equal(ds["hospital_occupancy"].values, data["hospital_occupancy"])  # the variable
    assert ds["hospital_info_occupancy"].dims == ("hospital",)
    assert ds["hospital_info_occupancy"].values.tolist() == ["high"] * 5
    assert ds["hospital_district"].values.tolist() == ["x", "y"]  # the dimension
    assert ds["hospital_info_district"].values.tolist() == data["hospital_district"].tolist()
    assert ds["hospital_tier"].dims == ("hospital",)


def test_info_coordinate_without_a_free_name(tmp_path):
    path = tmp_path / "clash.h5"
    make_run_file(path, n_periods=4, care=True, hospitals=True)
    with h5py.File(path, "a") as f:
        write_strings(f["hospital_info"], "occupancy", ["high"] * 5)
        write_series(f["hospitals"], "hospital_info_occupancy", np.zeros((4, 5)), "period,hospital")
    with pytest.raises(ValueError,
                       match=r"clash\.h5.*/hospital_info/occupancy.*hospital_occupancy.*hospital_info_occupancy"):
        open_run(path)


# --- yearly helpers -----------------------------------------------------------------------------

def test_admissions_matrix_sums_years_and_rows(hosp):
    ds, data = hosp
    matrix = hospitals.admissions_matrix(ds)
    assert matrix.dims == ("year", "district", "destination_district")
    assert matrix["year"].values.tolist() == [2020, 2021]
    assert matrix["full_year"].values.tolist() == [True, True]
    for year in (2020, 2021):
        expected = data["new_hospital_admissions_by_origin"][rows_of(year)].sum(axis=0)
        np.testing.assert_array_equal(matrix.sel(year=year).values, expected)
        # rows sum to the year's new_hospital_admissions; columns to the district's hospitals'
        np.testing.assert_array_equal(matrix.sel(year=year).sum("destination_district").values,
                                      data["new_hospital_admissions"][rows_of(year)].sum(axis=0))
        by_hospital = data["new_admissions_by_hospital"][rows_of(year)].sum(axis=0)
        districts = data["hospital_district"]
        np.testing.assert_array_equal(matrix.sel(year=year).sum("district").values,
                                      [by_hospital[districts == d].sum() for d in DISTRICTS])
    np.testing.assert_array_equal(matrix.sum("destination_district").values,
                                  hospitals.yearly_totals(ds, "new_hospital_admissions").values)
    one = hospitals.admissions_matrix(ds, year=2021)
    assert one.dims == ("district", "destination_district")
    assert one.sel(district="Liwan", destination_district="Yuexiu").item() == \
        data["new_hospital_admissions_by_origin"][12:24, 1, 0].sum()
    # the last district's hospital opens after OPENS_AFTER periods: no admissions there before
    assert data["new_hospital_admissions_by_origin"][:OPENS_AFTER, :, -1].sum() == 0
    with pytest.raises(ValueError, match="year 2019"):
        hospitals.admissions_matrix(ds, year=2019)


def test_partial_year_is_marked(tmp_path):
    path = tmp_path / "short.h5"
    data = make_run_file(path, n_periods=30, care=True, hospitals=True)
    ds = open_run(path)
    matrix = hospitals.admissions_matrix(ds)
    assert matrix["year"].values.tolist() == [2020, 2021, 2022]
    assert matrix["full_year"].values.tolist() == [True, True, False]
    np.testing.assert_array_equal(matrix.sel(year=2022).values,
                                  data["new_hospital_admissions_by_origin"][24:30].sum(axis=0))
    delayed = hospitals.yearly_delayed_discharge_days(ds, citywide=True)
    assert delayed["full_year"].values.tolist() == [True, True, False]
    assert delayed.sel(year=2022).item() == pytest.approx(data["new_delayed_discharge_days"][24:30].sum())


def test_admission_rates_by_age(hosp):
    ds, data = hosp
    rates = hospitals.admission_rates_by_age(ds)
    assert rates.dims == ("year", "age_band")
    assert rates["age_band"].values.tolist() == AGE_BANDS
    for year in (2020, 2021):
        rows = rows_of(year)
        admissions = data["new_hospital_admissions_by_sex_age"][rows].sum(axis=(0, 1, 2))
        exposure = data["new_person_years"][rows].sum(axis=(0, 1, 2))
        np.testing.assert_allclose(rates.sel(year=year).values, 1000 * admissions / exposure, rtol=1e-12)
    # hand check of one cell: 2021, 85-89
    cell = (data["new_hospital_admissions_by_sex_age"][12:24, :, :, 5].sum()
            / data["new_person_years"][12:24, :, :, 5].sum() * 1000)
    assert rates.sel(year=2021, age_band="85-89").item() == pytest.approx(cell)
    by_sex = hospitals.admission_rates_by_age(ds, per=100, by_sex=True)
    assert by_sex.dims == ("year", "sex", "age_band")
    assert by_sex["sex"].values.tolist() == SEXES
    female = (data["new_hospital_admissions_by_sex_age"][:12, :, 1].sum(axis=(0, 1))
              / data["new_person_years"][:12, :, 1].sum(axis=(0, 1)) * 100)
    np.testing.assert_allclose(by_sex.sel(year=2020, sex="female").values, female, rtol=1e-12)
    assert "100 person-years" in by_sex.attrs["unit"]


def test_capacity_bed_days_are_exact(hosp):
    """The available bed-days are recovered exactly, also in the period in which a hospital
    lost beds (where beds at the period end x days is wrong), and are 0 without beds."""
    ds, data = hosp
    capacity = hospitals.capacity_bed_days(ds)
    assert capacity.dims == ("period", "district")
    np.testing.assert_allclose(capacity.values, data["capacity_bed_days"], rtol=1e-12)
    nominal = data["n_hospital_beds"] * days_of()[:, None]
    assert nominal[BED_CUT_PERIOD, 0] < data["capacity_bed_days"][BED_CUT_PERIOD, 0]
    assert (capacity.values[:OPENS_AFTER, -1] == 0).all()
    per_hospital = hospitals.hospital_capacity_bed_days(ds)
    assert per_hospital.dims == ("period", "hospital")
    np.testing.assert_allclose(per_hospital.values, data["hospital_capacity_bed_days"], rtol=1e-12)


def test_capacity_where_occupancy_is_zero_uses_beds_times_days(hosp):
    ds, data = hosp
    ds = ds.copy(deep=True)
    ds["new_hospital_bed_days"][0, 1] = 0.0
    ds["hospital_occupancy"][0, 1] = 0.0
    capacity = hospitals.capacity_bed_days(ds)
    assert capacity.values[0, 1] == data["n_hospital_beds"][0, 1] * 31


@pytest.mark.parametrize("total", [False, True])
def test_yearly_hospital_occupancy_weights_by_bed_days(hosp, total):
    ds, data = hosp
    capacity = data["capacity_bed_days"]
    used = (data["new_hospital_bed_days"] if not total else
            np.nan_to_num(data["hospital_occupancy_total"]) * capacity)
    by_district = hospitals.yearly_hospital_occupancy(ds, total=total)
    city = hospitals.yearly_hospital_occupancy(ds, total=total, citywide=True)
    assert by_district.dims == ("year", "district") and city.dims == ("year",)
    for year in (2020, 2021):
        rows = rows_of(year)
        np.testing.assert_allclose(by_district.sel(year=year).values,
                                   used[rows].sum(axis=0) / capacity[rows].sum(axis=0), rtol=1e-12)
        np.testing.assert_allclose(city.sel(year=year).item(), used[rows].sum() / capacity[rows].sum(),
                                   rtol=1e-12)
    # not the plain mean of the per-period ratios (periods differ in length and beds)
    plain = np.nanmean((data["hospital_occupancy_total"] if total else data["hospital_occupancy"])[:12], axis=0)
    assert not np.allclose(by_district.sel(year=2020).values, plain, rtol=1e-9)
    if not total:
        # elderly occupancy from the per-hospital series gives the same
        elderly = data["new_elderly_bed_days_by_hospital"][:12].sum()
        np.testing.assert_allclose(city.sel(year=2020).item(),
                                   elderly / data["hospital_capacity_bed_days"][:12].sum(), rtol=1e-12)


def test_yearly_occupancy_nan_without_beds(hosp):
    ds, _ = hosp
    ds = ds.copy(deep=True)
    ds["hospital_occupancy"][:, 2] = np.nan
    ds["hospital_occupancy_total"][:, 2] = np.nan
    ds["n_hospital_beds"][:, 2] = 0
    ds["new_hospital_bed_days"][:, 2] = 0.0
    occupancy = hospitals.yearly_hospital_occupancy(ds)
    assert np.isnan(occupancy.sel(district="Haizhu").values).all()
    assert np.isfinite(occupancy.sel(district="Liwan").values).all()
    assert np.isfinite(hospitals.yearly_hospital_occupancy(ds, citywide=True).values).all()


def test_yearly_delayed_discharge_days(hosp):
    ds, data = hosp
    delayed = hospitals.yearly_delayed_discharge_days(ds)
    assert delayed.dims == ("year", "district")
    np.testing.assert_allclose(delayed.sel(year=2021).values, data["new_delayed_discharge_days"][12:].sum(axis=0))
    city = hospitals.yearly_delayed_discharge_days(ds, citywide=True)
    np.testing.assert_allclose(city.values, [data["new_delayed_discharge_days"][:12].sum(),
                                             data["new_delayed_discharge_days"][12:].sum()])
    # the district series is the sum of its hospitals'
    np.testing.assert_allclose(city.values, [data["new_delayed_discharge_days_by_hospital"][:12].sum(),
                                             data["new_delayed_discharge_days_by_hospital"][12:].sum()])


def test_institution_wait_and_waiting(hosp):
    ds, data = hosp
    wait = hospitals.yearly_institution_wait(ds)
    waiting = hospitals.yearly_institution_waiting(ds)
    inst = 2  # service index of institution
    for year in (2020, 2021):
        rows = rows_of(year)
        admitted = data["new_admissions_after_wait"][rows, :, inst]
        days = np.nan_to_num(data["mean_wait_days"][rows, :, inst]) * admitted
        assert wait.sel(year=year).item() == pytest.approx(days.sum() / admitted.sum())
        assert waiting.sel(year=year).item() == pytest.approx(data["n_waiting"][rows, :, inst].sum(axis=1).mean())


def test_replicates_are_averaged_before_the_ratio(hosp):
    ds, data = hosp
    twice = ds.copy()
    twice["new_hospital_bed_days"] = twice["new_hospital_bed_days"] * 2
    twice["hospital_occupancy"] = twice["hospital_occupancy"] * 2  # same capacity
    both = xr.concat([ds, twice], dim="replicate", data_vars="all", coords="minimal", compat="override")
    occupancy = hospitals.yearly_hospital_occupancy(both, citywide=True)
    assert occupancy.dims == ("year",)
    expected = 1.5 * data["new_hospital_bed_days"][:12].sum() / data["capacity_bed_days"][:12].sum()
    assert occupancy.sel(year=2020).item() == pytest.approx(expected)
    with pytest.raises(ValueError, match="scenario"):
        hospitals.yearly_hospital_occupancy(both.rename(replicate="scenario"))


def test_tradeoff_indicators_and_table(tmp_path):
    base, scen = tmp_path / "base.h5", tmp_path / "scen.h5"
    make_run_file(base, care=True, hospitals=True, seed=1)
    make_run_file(scen, care=True, hospitals=True, seed=2)
    runs = {"base": open_run(base), "scen": open_run(scen)}
    indicators = hospitals.tradeoff_indicators(runs["base"])
    assert list(indicators.data_vars) == list(hospitals.TRADEOFF_INDICATORS)
    xr.testing.assert_allclose(indicators["hospital_occupancy"],
                               hospitals.yearly_hospital_occupancy(runs["base"], citywide=True))
    table = hospitals.tradeoff_table(runs)
    assert table.index.tolist() == [2020, 2021]
    for name in hospitals.TRADEOFF_INDICATORS:
        assert table[name].columns.tolist() == ["base", "scen", "scen - base"]
        np.testing.assert_allclose(table[(name, "scen - base")], table[(name, "scen")] - table[(name, "base")])
    np.testing.assert_allclose(table[("new_delayed_discharge_days", "scen")],
                               hospitals.yearly_delayed_discharge_days(runs["scen"], citywide=True).values)


def test_citywide_weights_hospital_ratios_by_bed_days(hosp):
    ds, data = hosp
    for reduce in ("auto", "weighted"):
        city = plots.citywide(ds, "hospital_occupancy", reduce)
        np.testing.assert_allclose(city.values, data["new_hospital_bed_days"].sum(axis=1)
                                   / data["capacity_bed_days"].sum(axis=1), rtol=1e-12)
        per_hospital = plots.citywide(ds, "elderly_occupancy_by_hospital", reduce)
        np.testing.assert_allclose(per_hospital.values, city.values, rtol=1e-12)


def test_citywide_weights_lengths_of_stay_by_stays_ended(hosp):
    ds, data = hosp
    stays = data["new_stays_ended_by_hospital"]
    days = np.nan_to_num(data["mean_length_of_stay_by_hospital"]) * stays
    expected = days.sum(axis=1) / stays.sum(axis=1)  # pooled: sum of stay lengths / stays
    for series in ("mean_length_of_stay", "mean_length_of_stay_by_hospital"):
        for reduce in ("auto", "weighted"):
            np.testing.assert_allclose(plots.citywide(ds, series, reduce).values, expected, rtol=1e-12)
    weights = plots._stays_ended_by_district(ds)
    assert weights.dims == ("period", "district")
    np.testing.assert_array_equal(weights.sel(district="Liwan").values, stays[:, 2:4].sum(axis=1))
    # not the plain mean of the districts' means
    assert not np.allclose(plots.citywide(ds, "mean_length_of_stay", "mean").values, expected)
    # without the hospitals' districts there are no weights by district: auto takes the plain mean
    bare = ds.drop_vars("hospital_district")
    np.testing.assert_allclose(plots.citywide(bare, "mean_length_of_stay", "auto").values,
                               np.nanmean(data["mean_length_of_stay"], axis=1))
    with pytest.raises(KeyError, match="hospital_info/district"):
        plots.citywide(bare, "mean_length_of_stay", "weighted")


def test_missing_series_raise_key_error(care_file):
    ds = open_run(care_file[0])
    for helper in (hospitals.admissions_matrix, hospitals.admission_rates_by_age, hospitals.capacity_bed_days,
                   hospitals.yearly_hospital_occupancy, hospitals.yearly_delayed_discharge_days,
                   hospitals.tradeoff_indicators, hospitals.occupancy_and_bed_blocking,
                   hospitals.admissions_matrix_heatmap):
        with pytest.raises(KeyError, match="not in this run"):
            helper(ds)


# --- plots --------------------------------------------------------------------------------------

def test_occupancy_and_bed_blocking(hosp):
    ds, data = hosp
    fig = hospitals.occupancy_and_bed_blocking(ds)
    assert isinstance(fig, Figure)
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.get_lines()]
    assert [ax.get_title() for ax in panels] == ["Guangzhou, all districts", *DISTRICTS]
    twins = [ax for ax in fig.axes if ax.get_visible() and ax.patches and not ax.get_lines()]
    assert len(twins) == len(panels)
    capacity = data["capacity_bed_days"]
    city_total = (np.nan_to_num(data["hospital_occupancy_total"]) * capacity).sum(axis=1) / capacity.sum(axis=1)
    city_elderly = data["new_hospital_bed_days"].sum(axis=1) / capacity.sum(axis=1)
    expected = [(city_total, city_elderly, data["new_delayed_discharge_days"].sum(axis=1))]
    expected += [(data["hospital_occupancy_total"][:, i], data["hospital_occupancy"][:, i],
                  data["new_delayed_discharge_days"][:, i]) for i in range(len(DISTRICTS))]
    for ax, bars_ax, (total, elderly, delayed) in zip(panels, twins, expected):
        all_ages, sixty = ax.get_lines()
        np.testing.assert_allclose(all_ages.get_ydata(), 100 * total, rtol=1e-12)
        np.testing.assert_allclose(sixty.get_ydata(), 100 * elderly, rtol=1e-12)
        np.testing.assert_allclose([p.get_height() for p in bars_ax.patches],
                                   [delayed[:12].sum(), delayed[12:].sum()], rtol=1e-12)
        assert isinstance(ax.yaxis.get_major_formatter(), PercentFormatter)
    assert "bed-blocking" in fig._suptitle.get_text() and "scale 0.1" in fig._suptitle.get_text()
    assert [t.get_text() for t in panels[0].get_legend().get_texts()] == \
        ["occupancy, all ages", "occupancy, patients 60+", "delayed-discharge bed-days per year (right)"]


def test_admissions_matrix_heatmap(hosp):
    ds, data = hosp
    fig = hospitals.admissions_matrix_heatmap(ds)
    ax = fig.axes[0]
    counts = data["new_hospital_admissions_by_origin"][12:24].sum(axis=0)  # default: last full year
    shares = 100 * counts / counts.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(np.asarray(ax.images[0].get_array()), shares, rtol=1e-12)
    texts = [t.get_text() for t in ax.texts]
    assert texts == [f"{c:,}" for c in counts.ravel()]
    assert [t.get_text() for t in ax.get_xticklabels()] == DISTRICTS
    assert [t.get_text() for t in ax.get_yticklabels()] == \
        [f"{d} ({r:,})" for d, r in zip(DISTRICTS, counts.sum(axis=1))]
    assert "2021" in ax.get_title() and "partial" not in ax.get_title()
    fig = hospitals.admissions_matrix_heatmap(ds, year=2020)
    assert [t.get_text() for t in fig.axes[0].texts][0] == \
        f"{data['new_hospital_admissions_by_origin'][:12, 0, 0].sum():,}"
    with pytest.raises(ValueError, match="2030"):
        hospitals.admissions_matrix_heatmap(ds, year=2030)


def test_admissions_matrix_heatmap_partial_year(tmp_path):
    path = tmp_path / "short.h5"
    make_run_file(path, n_periods=8, care=True, hospitals=True)
    fig = hospitals.admissions_matrix_heatmap(open_run(path))
    assert "2020, partial year" in fig.axes[0].get_title()


def test_tradeoff_comparison(tmp_path):
    runs = {}
    for name, seed in (("baseline", 1), ("convert", 2), ("fewer", 3)):
        make_run_file(tmp_path / f"{name}.h5", care=True, hospitals=True, seed=seed, n_periods=30)
        runs[name] = open_run(tmp_path / f"{name}.h5")
    fig = hospitals.tradeoff_comparison(runs)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 10
    table = hospitals.tradeoff_table(runs)
    by_title = {ax.get_title(): ax for ax in fig.axes if ax.get_title()}
    scatter = by_title["Hospital occupancy vs wait for an institution bed"]
    for line, name in zip(scatter.get_lines(), runs):
        assert line.get_label() == name
        np.testing.assert_allclose(line.get_xdata(), 100 * table[("hospital_occupancy_total", name)])
        np.testing.assert_allclose(line.get_ydata(), table[("institution_mean_wait_days", name)])
    assert scatter.get_lines()[0].get_color() == "black"
    # the delayed-discharge difference panel: bars of scenario - baseline per year
    diff_axes = [ax for ax in fig.axes if ax.get_ylabel() == "bed-days"]
    assert len(diff_axes) == 1
    heights = [p.get_height() for p in diff_axes[0].patches]
    expected = np.concatenate([table[("new_delayed_discharge_days", f"{s} - baseline")].values
                               for s in ("convert", "fewer")])
    np.testing.assert_allclose(heights, expected)
    ticks = [t.get_text() for t in diff_axes[0].get_xticklabels()]
    assert ticks == ["2020", "2021", "2022*"]
    assert "convert, fewer vs baseline" in fig._suptitle.get_text()
