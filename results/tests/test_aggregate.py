"""Citywide and yearly values per scenario and replicate, the population scale, the selection
and the tidy frames, checked against sums over the arrays the fixtures wrote."""

import h5py
import numpy as np
import pandas as pd
import pytest

from conftest import make_run_file
from eldersim_results import open_run, open_summary, open_sweep, to_frame
from eldersim_results.aggregate import annual, as_sweep, citywide
from eldersim_results.scale import population_scale, scale_note, to_real
from eldersim_results.selection import describe, narrow
from eldersim_results.units import display_unit, reporting_period
from sweep_fixture import SCALE

Y2021 = slice(12, 24)  # the monthly periods of 2021


@pytest.fixture(scope="module")
def sweep(sweep_file):
    path, written = sweep_file
    return open_sweep(path), written["series"]


def test_population_scale_from_the_resolved_configuration(sweep, tmp_path):
    ds, _ = sweep
    assert population_scale(ds).values.tolist() == [SCALE, SCALE]
    other = ds.assign_coords(scenario_config_resolved=("scenario", ["population:\n  scale: 0.02\n", "a: 1\n"]))
    assert population_scale(other).values.tolist() == [0.02, 1.0]  # 1.0: the engine's default
    assert scale_note(population_scale(other)) == \
        "real population (model at scale 0.02, 1: counts and money / scale)"
    bare = ds.drop_vars("scenario_config_resolved")
    assert population_scale(bare).values.tolist() == [SCALE, SCALE]  # /metadata/scale
    del bare.attrs["scale"]
    assert np.isnan(population_scale(bare).values).all()
    assert scale_note(population_scale(bare)) == "model agents (population scale unknown)"
    run = tmp_path / "run.h5"
    make_run_file(run, n_periods=3)
    assert float(population_scale(as_sweep(open_run(run)))[0]) == 0.1


def test_to_real_scales_counts_and_money_only(sweep):
    ds, _ = sweep
    scale = population_scale(ds)
    np.testing.assert_allclose(to_real(ds["n_alive"], scale).values, ds["n_alive"].values / SCALE)
    np.testing.assert_allclose(to_real(ds["new_spending"], scale).values, ds["new_spending"].values / SCALE)
    for name in ("coverage", "mean_wait_days", "mean_age"):  # mean_age: years, but a mean
        assert to_real(ds[name], scale).identical(ds[name]), name


def test_citywide_sums_and_weights(sweep):
    ds, x = sweep
    unmet = citywide(ds, "n_unmet")
    assert unmet.dims == ("scenario", "replicate", "period")
    np.testing.assert_allclose(unmet.values, np.nansum(x["n_unmet"], axis=3) / SCALE)
    coverage = citywide(ds, "coverage")  # weighted by people in need
    need = x["n_need"]
    expected = np.nansum(x["coverage"] * need, axis=3) / need.sum(axis=3)
    np.testing.assert_allclose(coverage.values, expected, rtol=1e-12)
    assert coverage.attrs["unit"] == "share"
    raw = citywide(ds, "n_unmet", real=False)
    np.testing.assert_allclose(raw.values, np.nansum(x["n_unmet"], axis=3))


def test_annual_rules(sweep):
    ds, x = sweep
    flow = annual(ds.sel(payer="government"), "new_spending")  # sum over the year
    expected = x["new_spending"][:, :, Y2021, :, 0].sum(axis=(2, 3)) / SCALE
    np.testing.assert_allclose(flow.sel(year=2021).values, expected)
    assert flow["full_year"].values.tolist() == [True, True]
    stock = annual(ds, "n_unmet")  # mean of the period ends
    np.testing.assert_allclose(stock.sel(year=2020).values, x["n_unmet"][:, :, :12].sum(axis=3).mean(axis=2) / SCALE)
    wait = annual(ds.sel(service="institution"), "mean_wait_days")  # pooled over the admissions after a wait
    w, a = x["mean_wait_days"][..., 2], x["new_admissions_after_wait"][..., 2].astype(float)
    a = np.where(np.isnan(w), 0.0, a)
    expected = (np.nan_to_num(w) * a)[:, :, Y2021].sum(axis=(2, 3)) / a[:, :, Y2021].sum(axis=(2, 3))
    np.testing.assert_allclose(wait.sel(year=2021).values, expected, rtol=1e-12)
    cumulative = annual(ds, "cum_deaths")  # the year's last period end
    np.testing.assert_allclose(cumulative.sel(year=2020).values, x["cum_deaths"][:, :, 11].sum(axis=2) / SCALE)
    peak = annual(ds, "peak_occupied_beds_by_hospital")  # the largest period of the year
    beds = x["peak_occupied_beds_by_hospital"][:, :, Y2021].sum(axis=3)
    np.testing.assert_allclose(peak.sel(year=2021).values, beds.max(axis=2) / SCALE)
    assert wait.attrs["annual"].startswith("pooled") and flow.attrs["unit"] == "yuan"


def test_partial_year_flagged(tmp_path):
    run = tmp_path / "run.h5"
    make_run_file(run, n_periods=15, care=True)
    out = annual(open_run(run), "new_deaths")
    assert out.dims == ("scenario", "replicate", "year") and out["full_year"].values.tolist() == [True, False]


def test_run_as_a_sweep_of_one(tmp_path):
    run = tmp_path / "run.h5"
    data = make_run_file(run, n_periods=6)
    ds = as_sweep(open_run(run))
    assert ds["n_alive"].dims == ("scenario", "replicate", "period", "district")
    assert ds["scenario"].values.tolist() == ["广州 baseline"] and ds["replicate"].values.tolist() == [0]
    np.testing.assert_array_equal(ds["n_alive"].values[0, 0], data["n_alive"])
    assert as_sweep(ds) is not None and as_sweep(ds)["n_alive"].dims == ds["n_alive"].dims


def test_narrow_and_describe(sweep):
    ds, x = sweep
    one = narrow(ds, {"service": "institution", "district": "Yuexiu"}, years=(2021, 2021))
    assert "service" not in one["n_waiting"].dims and one.sizes["period"] == 12
    np.testing.assert_array_equal(one["n_waiting"].values, x["n_waiting"][:, :, Y2021, 0, 2])
    kept = narrow(ds, {"scenario": "beds-plus", "replicate": 1})
    assert kept.sizes["scenario"] == 1 and kept.sizes["replicate"] == 1  # comparisons keep these axes
    assert describe({"service": "institution", "district": ["Yuexiu", "Liwan"]}, (2025, 2030)) == \
        "service institution, district Yuexiu, Liwan, 2025-2030"
    with pytest.raises(KeyError, match="service has no 'hospital'"):
        narrow(ds, {"service": "hospital"})
    with pytest.raises(KeyError, match="cannot select 'ward'"):
        narrow(ds, {"ward": "A"})
    with pytest.raises(ValueError, match="no period starts in 2030-2031"):
        narrow(ds, years=(2030, 2031))


def test_to_frame(sweep, sweep_file):
    ds, x = sweep
    frame = to_frame(ds, "n_waiting", select={"service": "institution"}, years=2021)
    assert list(frame.columns) == ["scenario", "replicate", "period", "district", "value"]
    assert len(frame) == 2 * 3 * 12 * 3 and frame.attrs["unit"] == "people"
    row = frame[(frame.scenario == "beds-plus") & (frame.replicate == 2) & (frame.district == "Liwan")
                & (frame.period == pd.Timestamp("2021-03-01"))]
    assert row["value"].item() == x["n_waiting"][1, 2, 14, 1, 2]
    real = to_frame(ds, "n_waiting", select={"service": "institution"}, years=2021, real=True)
    np.testing.assert_allclose(real["value"].values, frame["value"].values / SCALE)
    both = to_frame(ds, ["n_alive", "n_places_by_facility"], dropna=True)
    assert list(both.columns[:3]) == ["series", "scenario", "replicate"] and both["value"].notnull().all()
    places = both[both.series == "n_places_by_facility"]
    assert len(places) == (2 * 3 * 24 * 10) - 3 * 24  # the baseline's cells of the new facility dropped
    summary = to_frame(open_summary(sweep_file[0]), "coverage", select={"stat": ["lo", "hi"]})
    assert list(summary.columns) == ["stat", "scenario", "period", "district", "value"]
    with pytest.raises(KeyError, match="no_such"):
        to_frame(ds, "no_such")


def test_summary_without_parameters_or_runs(sweep_file, tmp_path):
    """/parameters and /runs are optional."""
    import shutil
    path = tmp_path / "bare.h5"
    shutil.copy(sweep_file[0], path)
    with h5py.File(path, "a") as f:
        del f["parameters"], f["runs"]
    ds = open_sweep(path)
    assert "parameter" not in ds.dims and "run_seed" not in ds.coords


def test_units_and_reporting_period(sweep, tmp_path):
    ds, _ = sweep
    assert ds.attrs["reporting_period"] == "month"
    ds = ds.copy()
    del ds.attrs["reporting_period"]  # without the attribute: from the period starts
    assert reporting_period(ds) == "month"
    assert reporting_period(ds.isel(period=slice(0, None, 3))) == "quarter"
    assert reporting_period(ds.isel(period=[0, 12])) == "year"
    assert display_unit(ds["new_spending"]) == (1e-6, "million yuan per month")
    assert display_unit(ds["new_spending"], by="year") == (1e-6, "million yuan per year")
    assert display_unit(ds["coverage"]) == (100.0, "%")
    assert display_unit(ds["mean_wait_days"], by="year") == (1.0, "days")
    assert display_unit(ds["n_waiting"], by="year") == (1.0, "people")  # a stock: not per year
    assert display_unit(ds["new_person_years"], period="quarter") == (1.0, "person-years per quarter")
    run = tmp_path / "run.h5"
    make_run_file(run, n_periods=3)
    assert reporting_period(open_run(run)) == "month"


def test_scale_without_python_yaml(monkeypatch):
    """The resolved configuration is read by a pattern when python3-yaml is missing."""
    from eldersim_results import scale

    text = "scenario:\n  name: x\npopulation:\n  min_age: 60\n  scale: 0.025  # agents per person\nsimulation: {}\n"
    assert scale._scale_from_yaml(text) == 0.025
    monkeypatch.setattr(scale, "yaml", None)
    scale._scale_from_yaml.cache_clear()
    try:
        assert scale._scale_from_yaml(text) == 0.025
        assert scale._scale_from_yaml("population:\n  min_age: 60\n") == 1.0
        assert scale._scale_from_yaml("") is None
    finally:
        scale._scale_from_yaml.cache_clear()
