"""Tests for eldersim_results.plots: each figure shows the numbers in the run file."""

import numpy as np
import pytest
import xarray as xr
from matplotlib.figure import Figure

from conftest import DISTRICTS, make_run_file
from eldersim_results import open_run, plots


@pytest.fixture
def run(run_file):
    """``(Dataset, data written)`` for the default synthetic run."""
    path, data = run_file
    return open_run(path), data


def test_population_by_district(run):
    ds, data = run
    fig = plots.population_by_district(ds)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert list(lines) == DISTRICTS
    for i, district in enumerate(DISTRICTS):
        np.testing.assert_allclose(lines[district].get_ydata(), data["n_alive"][:, i] / 1000)
    assert "thousands" in ax.get_ylabel()
    assert "广州 baseline" in ax.get_title()


def test_population_title_without_scenario_name(run):
    ds, _ = run
    del ds.attrs["scenario_name"]
    assert plots.population_by_district(ds).axes[0].get_title() == "Population by district"


def test_age_pyramid_last_and_first_period(run):
    ds, data = run
    expected = data["n_alive_by_sex_age"].sum(axis=1)  # [period, sex, age_band]
    for period, index in ((-1, -1), (0, 0), ("2020-03-01", 2)):
        fig = plots.age_pyramid(ds, period=period)
        assert isinstance(fig, Figure)
        men, women = fig.axes[0].containers
        np.testing.assert_array_equal([bar.get_width() for bar in men], -expected[index, 0])
        np.testing.assert_array_equal([bar.get_width() for bar in women], expected[index, 1])
    assert "2020-03-01" in fig.axes[0].get_title()
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()][-1] == "95+"


def test_deaths_and_entrants_are_annualised(run):
    ds, data = run
    fig = plots.deaths_and_entrants(ds)
    assert isinstance(fig, Figure)
    deaths, entrants = fig.axes[0].get_lines()
    days = np.array([31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] + [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    np.testing.assert_allclose(deaths.get_ydata(), data["new_deaths"].sum(axis=1) * 365.25 / days)
    np.testing.assert_allclose(entrants.get_ydata(), data["new_entrants"].sum(axis=1) * 365.25 / days)
    # over 2020 (366 days) the day-weighted mean rate is the year's total per 365.25 days
    yearly = data["new_deaths"][:12].sum()
    np.testing.assert_allclose(np.average(deaths.get_ydata()[:12], weights=days[:12]), yearly * 365.25 / 366)


def test_period_days_without_period_end(run):
    ds, _ = run
    days = plots.period_days(ds.drop_vars("period_end"))
    assert days.values[:3].tolist() == [31, 29, 31]
    assert days.values[-1] == days.values[-2] == 30  # Nov 2021, repeated for Dec


def test_death_rate_by_age(run):
    ds, data = run
    deaths = data["new_deaths_by_sex_age"].sum(axis=(0, 1))  # [sex, age_band]
    exposure = data["new_person_years"].sum(axis=(0, 1))
    expected = 1000 * deaths / exposure
    fig = plots.death_rate_by_age(ds)
    assert isinstance(fig, Figure)
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    assert list(lines) == ["male", "female"]
    np.testing.assert_allclose(lines["male"].get_ydata(), expected[0])
    np.testing.assert_allclose(lines["female"].get_ydata(), expected[1])
    np.testing.assert_allclose(plots.death_rates(ds).values, expected)
    # the synthetic file's mortality rises with age band
    assert (np.diff(expected, axis=1) > 0).all()


def test_replicates_are_averaged(run):
    ds, data = run
    stacked = xr.concat([ds["n_alive"] * 0, ds["n_alive"]], dim="replicate").to_dataset()
    line = plots.population_by_district(stacked).axes[0].get_lines()[0]
    np.testing.assert_allclose(line.get_ydata(), data["n_alive"][:, 0] / 2 / 1000)


def test_scenario_dim_must_be_selected(run):
    ds, _ = run
    with pytest.raises(ValueError, match="scenario"):
        plots.population_by_district(ds.expand_dims(scenario=["a", "b"]))


@pytest.mark.parametrize("func, needs", [
    (plots.population_by_district, ["n_alive"]),
    (plots.age_pyramid, ["n_alive_by_sex_age"]),
    (plots.deaths_and_entrants, ["new_deaths", "new_entrants"]),
    (plots.death_rate_by_age, ["new_deaths_by_sex_age", "new_person_years"]),
])
def test_missing_series_raises_key_error(tmp_path, func, needs):
    path = tmp_path / "partial.h5"
    make_run_file(path, n_periods=3, omit=needs)
    with pytest.raises(KeyError, match=needs[-1]):
        func(open_run(path))
