"""Tests for the care plots in eldersim_results.plots: each figure shows the numbers written."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from conftest import DISTRICTS, GOVERNMENT_TYPES, PAYERS, SERVICES, make_run_file
from eldersim_results import open_run, plots


@pytest.fixture
def care(care_file):
    """``(Dataset, data written)`` for the synthetic run with the care system (2020-2021)."""
    path, data = care_file
    return open_run(path), data


def year_rows(year, n_periods=24, start="2020-01-01"):
    """Row indices of the monthly periods starting in ``year``."""
    return np.flatnonzero(pd.date_range(start, periods=n_periods, freq="MS").year == year)


def lines_by_label(ax):
    return {line.get_label(): line for line in ax.get_lines()}


def hline_y(ax, label):
    ys = lines_by_label(ax)[label].get_ydata()
    assert ys[0] == ys[-1]
    return ys[0]


# --- care_shares_vs_9064 ------------------------------------------------------------------------

@pytest.mark.parametrize("year", [None, 2020, 2021])
def test_care_shares_vs_9064_bars_are_annual_means(care, year):
    ds, data = care
    shown = 2021 if year is None else year  # default: the last full year
    rows = year_rows(shown)
    fig = plots.care_shares_vs_9064(ds, year=year)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 3
    alive = data["n_alive"][rows]
    counts = {"home": data["n_home"] + data["n_no_care"], "community": data["n_community"],
              "institution": data["n_institution"]}
    for ax, service, target in zip(fig.axes, SERVICES, (0.90, 0.06, 0.04)):
        districts, city = ax.containers
        expected = data[f"share_{service}"][rows].mean(axis=0)
        np.testing.assert_allclose([b.get_height() for b in districts], expected, rtol=1e-12)
        city_share = (counts[service][rows].sum(axis=1) / alive.sum(axis=1)).mean()
        np.testing.assert_allclose(city[0].get_height(), city_share, rtol=1e-12)
        assert hline_y(ax, f"9064 target {target:.0%}") == target
        assert isinstance(ax.yaxis.get_major_formatter(), PercentFormatter)
        assert ax.get_ylim()[1] > max(target, city_share, expected.max())
    assert [t.get_text() for t in fig.axes[-1].get_xticklabels()] == [*DISTRICTS, "Guangzhou"]
    title = fig._suptitle.get_text()
    assert "广州 baseline" in title and str(shown) in title and "partial" not in title


def test_care_shares_vs_9064_small_shares_readable(care):
    ds, data = care
    fig = plots.care_shares_vs_9064(ds)
    community, institution = fig.axes[1], fig.axes[2]
    # own axis per panel: the 6% and 4% targets fill most of the height, not 5% of a 0-100% axis
    assert community.get_ylim()[1] < 0.1 and institution.get_ylim()[1] < 0.1
    labels = [t.get_text() for t in institution.texts]
    rows = year_rows(2021)
    assert labels[0] == f"{data['share_institution'][rows, 0].mean():.1%}"


def test_care_shares_vs_9064_partial_and_bad_year(tmp_path):
    path = tmp_path / "short.h5"
    make_run_file(path, n_periods=18, care=True)  # Jan 2020 - Jun 2021
    ds = open_run(path)
    assert "2020" in plots.care_shares_vs_9064(ds)._suptitle.get_text()
    fig = plots.care_shares_vs_9064(ds, year=2021)
    assert "2021, partial year" in fig._suptitle.get_text()
    rows = year_rows(2021, 18)
    np.testing.assert_allclose(fig.axes[2].containers[0][1].get_height(),
                               ds["share_institution"].values[rows, 1].mean())
    with pytest.raises(ValueError, match="2019 is not in this run"):
        plots.care_shares_vs_9064(ds, year=2019)
    path = tmp_path / "tiny.h5"
    make_run_file(path, n_periods=6, care=True, start="2020-03-01")  # no full year
    assert "2020, partial year" in plots.care_shares_vs_9064(open_run(path))._suptitle.get_text()


# --- care_shares_over_time ----------------------------------------------------------------------

def test_care_shares_over_time(care):
    ds, data = care
    fig = plots.care_shares_over_time(ds)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    lines = lines_by_label(ax)
    alive = data["n_alive"].sum(axis=1)
    for label, name in (("formal home care", "n_home"), ("community care", "n_community"),
                        ("institution", "n_institution")):
        np.testing.assert_allclose(lines[label].get_ydata(), 100 * data[name].sum(axis=1) / alive)
    assert hline_y(ax, "community target 6%") == 6
    assert hline_y(ax, "institution target 4%") == 4
    assert lines["community target 6%"].get_linestyle() == "--"
    assert "percent" in ax.get_ylabel() and "广州 baseline" in ax.get_title()


# --- unmet_need -----------------------------------------------------------------------------------

def test_unmet_need(care):
    ds, data = care
    fig = plots.unmet_need(ds)
    assert isinstance(fig, Figure)
    top, bottom = fig.axes
    need, unmet = data["n_need"].sum(axis=1), data["n_unmet"].sum(axis=1)
    lines = lines_by_label(top)
    np.testing.assert_array_equal(lines["in need of care"].get_ydata(), need)
    np.testing.assert_array_equal(lines["unmet need (no formal care)"].get_ydata(), unmet)
    (coverage,) = bottom.get_lines()
    np.testing.assert_allclose(coverage.get_ydata(), 100 * (1 - unmet / need))
    assert 0 < coverage.get_ydata().min() and coverage.get_ydata().max() < 100


# --- capacity_and_waits ---------------------------------------------------------------------------

def test_capacity_and_waits_matches_facility_data(care):
    ds, data = care
    fig = plots.capacity_and_waits(ds)
    assert isinstance(fig, Figure)
    top, bottom = fig.axes
    lines = lines_by_label(top)
    # citywide occupancy from the per-facility series, independently of the district series
    homes = ds["facility_type"].values == "institution"
    places, occupied = data["n_places_by_facility"][:, homes], data["n_occupied_by_facility"][:, homes]
    np.testing.assert_allclose(lines["institution beds"].get_ydata(),
                               100 * occupied.sum(axis=1) / places.sum(axis=1), rtol=1e-12)
    nursing = np.floor(0.9 * places)
    np.testing.assert_allclose(lines["nursing-type beds"].get_ydata(),
                               100 * np.minimum(occupied, nursing).sum(axis=1) / nursing.sum(axis=1),
                               rtol=1e-12)
    waits = lines_by_label(bottom)
    assert list(waits) == SERVICES
    for s, service in enumerate(SERVICES):
        np.testing.assert_array_equal(waits[service].get_ydata(), data["n_waiting"][:, :, s].sum(axis=1))
    community = ds["facility_type"].values == "community"
    np.testing.assert_array_equal(waits["community"].get_ydata(),
                                  data["n_waiting_by_facility"][:, community].sum(axis=1))


def test_capacity_ignores_districts_without_beds(care):
    ds, data = care
    ds = ds.copy()
    # no beds in Yuexiu: occupancy NaN, beds per 1000 zero
    ds["institution_occupancy"][:, 0] = np.nan
    ds["nursing_bed_occupancy"][:, 0] = np.nan
    ds["beds_per_1000"][:, 0] = 0.0
    ds["nursing_beds_per_100"][:, 0] = 0.0
    line = lines_by_label(plots.capacity_and_waits(ds).axes[0])["institution beds"]
    homes = (ds["facility_type"].values == "institution") & (ds["facility_district"].values != "Yuexiu")
    expected = (100 * data["n_occupied_by_facility"][:, homes].sum(axis=1)
                / data["n_places_by_facility"][:, homes].sum(axis=1))
    np.testing.assert_allclose(line.get_ydata(), expected, rtol=1e-12)


# --- spending_by_payer ----------------------------------------------------------------------------

def test_spending_by_payer_annual_stacks(care):
    ds, data = care
    fig = plots.spending_by_payer(ds)
    assert isinstance(fig, Figure)
    top, bottom = fig.axes
    assert len(top.containers) == len(PAYERS) and len(bottom.containers) == len(GOVERNMENT_TYPES)
    for ax, name, labels in ((top, "new_spending", PAYERS), (bottom, "new_government_spending", GOVERNMENT_TYPES)):
        per_year = np.stack([data[name][year_rows(y)].sum(axis=(0, 1)) for y in (2020, 2021)])  # [year, k]
        stacked = np.zeros(2)
        for k, (container, label) in enumerate(zip(ax.containers, labels)):
            assert container.get_label() == label.replace("_", " ")
            np.testing.assert_allclose([b.get_height() for b in container], per_year[:, k] / 1e6)
            np.testing.assert_allclose([b.get_y() for b in container], stacked, atol=1e-9)
            stacked += per_year[:, k] / 1e6
    construction = bottom.containers[0]
    np.testing.assert_allclose([b.get_height() for b in construction], [5.0, 0.0])  # the 2020 grant
    # government payer = sum of the instruments
    np.testing.assert_allclose([b.get_height() for b in top.containers[0]],
                               [sum(c[i].get_height() for c in bottom.containers) for i in range(2)])
    assert [t.get_text() for t in bottom.get_xticklabels()] == ["2020", "2021"]
    assert "million yuan" in top.get_ylabel()


def test_spending_partial_year_marked(tmp_path):
    path = tmp_path / "run.h5"
    data = make_run_file(path, n_periods=30, care=True)
    fig = plots.spending_by_payer(open_run(path))
    assert [t.get_text() for t in fig.axes[1].get_xticklabels()] == ["2020", "2021", "2022*"]
    np.testing.assert_allclose(fig.axes[0].containers[2][2].get_height(),
                               data["new_spending"][24:, :, 2].sum() / 1e6)
    assert any("partial year" in t.get_text() for t in fig.axes[1].texts)


# --- errors -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("func, needs", [
    (plots.care_shares_vs_9064, ["share_home", "share_community", "share_institution"]),
    (plots.care_shares_over_time, ["n_home", "n_community", "n_institution"]),
    (plots.unmet_need, ["n_need", "n_unmet"]),
    (plots.capacity_and_waits, ["institution_occupancy", "nursing_beds_per_100", "n_waiting"]),
    (plots.spending_by_payer, ["new_spending", "new_government_spending"]),
])
def test_care_plot_missing_series(tmp_path, func, needs):
    path = tmp_path / "partial.h5"
    make_run_file(path, n_periods=3, care=True, omit=needs)
    with pytest.raises(KeyError, match=", ".join(needs)):
        func(open_run(path))
    path = tmp_path / "old.h5"
    make_run_file(path, n_periods=3)  # a run file from before the care system
    with pytest.raises(KeyError, match=needs[-1]):
        func(open_run(path))


def test_care_plots_average_replicates_and_refuse_scenarios(care):
    ds, data = care
    stacked = xr.concat([ds, ds], dim="replicate", data_vars="all", coords="minimal")
    stacked["n_home"] = xr.concat([ds["n_home"] * 0, ds["n_home"] * 2], dim="replicate")
    line = lines_by_label(plots.care_shares_over_time(stacked).axes[0])["formal home care"]
    np.testing.assert_allclose(line.get_ydata(), 100 * data["n_home"].sum(axis=1) / data["n_alive"].sum(axis=1))
    with pytest.raises(ValueError, match="scenario"):
        plots.unmet_need(ds.expand_dims(scenario=["a", "b"]))


# --- several runs -------------------------------------------------------------------------------------

@pytest.fixture
def two_runs(tmp_path):
    runs, data = {}, {}
    for label, seed in (("baseline", 1), ("more beds", 2)):
        path = tmp_path / f"{seed}.h5"
        data[label] = make_run_file(path, care=True, seed=seed)
        runs[label] = open_run(path)
    return runs, data


def test_citywide_reductions(care):
    ds, data = care
    share = data["n_institution"].sum(axis=1) / data["n_alive"].sum(axis=1)
    np.testing.assert_allclose(plots.citywide(ds, "share_institution", "weighted").values, share, rtol=1e-12)
    np.testing.assert_allclose(plots.citywide(ds, "share_institution", "auto").values, share, rtol=1e-12)
    np.testing.assert_allclose(plots.citywide(ds, "share_institution", "mean").values,
                               data["share_institution"].mean(axis=1))
    np.testing.assert_array_equal(plots.citywide(ds, "n_unmet").values, data["n_unmet"].sum(axis=1))
    np.testing.assert_array_equal(plots.citywide(ds, "n_unmet", "auto").values, data["n_unmet"].sum(axis=1))
    np.testing.assert_allclose(plots.citywide(ds, "new_spending").values, data["new_spending"].sum(axis=(1, 2)))
    # ratios weighted by their denominators: exact citywide values
    np.testing.assert_allclose(plots.citywide(ds, "coverage", "auto").values,
                               1 - data["n_unmet"].sum(axis=1) / data["n_need"].sum(axis=1), rtol=1e-12)
    homes = ds["facility_type"].values == "institution"
    np.testing.assert_allclose(plots.citywide(ds, "institution_occupancy", "weighted").values,
                               data["n_occupied_by_facility"][:, homes].sum(axis=1)
                               / data["n_places_by_facility"][:, homes].sum(axis=1), rtol=1e-12)
    waited = data["new_admissions_after_wait"]
    np.testing.assert_allclose(plots.citywide(ds, "mean_wait_days", "auto").values,
                               np.nansum(data["mean_wait_days"] * waited, axis=(1, 2)) / waited.sum(axis=(1, 2)),
                               rtol=1e-12)
    # no weights for a per-facility mean: auto takes the plain mean, NaN skipped
    np.testing.assert_allclose(plots.citywide(ds, "mean_wait_days_by_facility", "auto").values,
                               np.nanmean(data["mean_wait_days_by_facility"], axis=1))
    with pytest.raises(ValueError, match="weighted.*n_alive.*adl_from"):
        plots.citywide(ds, "new_adl_transitions", "weighted")
    with pytest.raises(ValueError, match="reduce must be one of"):
        plots.citywide(ds, "n_unmet", "median")
    with pytest.raises(KeyError, match="no_such_series"):
        plots.citywide(ds, "no_such_series")


def test_scenario_comparison_lines(two_runs):
    runs, data = two_runs
    fig = plots.scenario_comparison(runs, "share_institution", reduce="weighted")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    lines = lines_by_label(ax)
    assert list(lines) == ["baseline", "more beds"]
    for label, d in data.items():
        np.testing.assert_allclose(lines[label].get_ydata(),
                                   d["n_institution"].sum(axis=1) / d["n_alive"].sum(axis=1), rtol=1e-12)
    assert lines["baseline"].get_color() == "black"
    assert not ax.collections  # no replicates, no band
    assert "share_institution" in ax.get_title()
    sums = lines_by_label(plots.scenario_comparison(runs, "n_unmet").axes[0])
    np.testing.assert_array_equal(sums["more beds"].get_ydata(), data["more beds"]["n_unmet"].sum(axis=1))


def test_scenario_comparison_replicate_band(tmp_path):
    reps = []
    for seed in (1, 2, 3, 4):
        path = tmp_path / f"rep{seed}.h5"
        make_run_file(path, n_periods=12, care=True, seed=seed)
        reps.append(open_run(path)[["n_unmet", "n_alive"]])
    # replicates share the coordinates; the values differ by seed
    ds = xr.concat([r.assign_coords(district=reps[0]["district"]) for r in reps], dim="replicate")
    single = reps[0]
    fig = plots.scenario_comparison({"base": single, "replicated": ds}, "n_unmet")
    ax = fig.axes[0]
    values = ds["n_unmet"].sum("district").values  # [replicate, period]
    mean = values.mean(axis=0)
    half = 1.96 * values.std(axis=0, ddof=1) / np.sqrt(4)
    np.testing.assert_allclose(lines_by_label(ax)["replicated"].get_ydata(), mean)
    (band,) = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert band.get_label() == "replicated 95% interval (n=4)"
    ys = band.get_paths()[0].vertices[:, 1]
    for bound in (mean + half, mean - half):
        assert all(np.isclose(ys, b).any() for b in bound)
    assert ys.max() == pytest.approx((mean + half).max()) and ys.min() == pytest.approx((mean - half).min())


def test_annual_means_table(two_runs):
    runs, data = two_runs
    table = plots.annual_means(runs, "share_institution", "auto")
    assert list(table.columns) == ["baseline", "more beds"] and list(table.index) == [2020, 2021]
    for label, d in data.items():
        share = d["n_institution"].sum(axis=1) / d["n_alive"].sum(axis=1)
        np.testing.assert_allclose(table[label].values, [share[:12].mean(), share[12:].mean()], rtol=1e-12)


def test_scenario_comparison_errors(two_runs, tmp_path):
    runs, _ = two_runs
    with pytest.raises(ValueError, match="no runs"):
        plots.scenario_comparison({}, "n_unmet")
    path = tmp_path / "old.h5"
    make_run_file(path, n_periods=3)
    with pytest.raises(KeyError, match="n_unmet"):
        plots.scenario_comparison({**runs, "old": open_run(path)}, "n_unmet")
    with pytest.raises(ValueError, match="scenario"):
        plots.scenario_comparison({"sweep": runs["baseline"].expand_dims(scenario=["a", "b"])}, "n_unmet")
