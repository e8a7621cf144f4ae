"""Scenario comparison figures: each line and band shows the numbers computed by hand from
the arrays the sweep fixture wrote (real population: divided by the scale 0.1)."""

import math

import numpy as np
import pytest
from matplotlib.figure import Figure

from conftest import DISTRICTS, make_run_file
from eldersim_results import compare, open_run, open_sweep
from sweep_fixture import SCALE, SCENARIOS

T2 = 4.3026527297494639  # t_{0.975, 2}
Y2021 = slice(12, 24)


@pytest.fixture(scope="module")
def sweep(sweep_file):
    path, written = sweep_file
    return open_sweep(path), written["series"]


def t_band(values, axis=0):
    """mean, lo, hi over ``axis`` (three replicates)."""
    mean = values.mean(axis=axis)
    half = T2 * values.std(axis=axis, ddof=1) / math.sqrt(values.shape[axis])
    return mean, mean - half, mean + half


def lines(ax):
    return {line.get_label(): line for line in ax.get_lines() if not line.get_label().startswith("_")}


def band(ax, k, n):
    """(lo, hi) of the k-th fill_between band of ``ax`` over ``n`` points."""
    vertices = ax.collections[k].get_paths()[0].vertices
    return vertices[1:n + 1, 1], vertices[n + 2:2 * n + 2, 1][::-1]


def test_levels_with_selection_window_and_scale(sweep):
    ds, x = sweep
    fig = compare.levels(ds, "n_unmet", select={"district": "Yuexiu"}, years=2021)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert list(lines(ax)) == SCENARIOS
    for k, name in enumerate(SCENARIOS):
        mean, lo, hi = t_band(x["n_unmet"][k, :, Y2021, 0] / SCALE)
        np.testing.assert_allclose(lines(ax)[name].get_ydata(), mean, rtol=1e-12)
        got_lo, got_hi = band(ax, k, 12)
        np.testing.assert_allclose(got_lo, lo, rtol=1e-10, atol=1e-8)
        np.testing.assert_allclose(got_hi, hi, rtol=1e-10, atol=1e-8)
    title = ax.get_title()
    assert "district Yuexiu, 2021" in title and "scale 0.1" in title and "3 replicates" in title
    assert ax.get_ylabel() == "n_unmet (people)" and ax.get_xlabel() == "period start"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == SCENARIOS


def test_paired_differences_over_time(sweep):
    ds, x = sweep
    fig = compare.differences(ds, "n_unmet")
    ax = fig.axes[0]
    assert list(lines(ax)) == ["beds-plus - baseline"]
    city = x["n_unmet"].sum(axis=3) / SCALE
    mean, lo, hi = t_band(city[1] - city[0])
    np.testing.assert_allclose(lines(ax)["beds-plus - baseline"].get_ydata(), mean, rtol=1e-12)
    got_lo, got_hi = band(ax, 0, 24)
    np.testing.assert_allclose(got_lo, lo, rtol=1e-10, atol=1e-8)
    np.testing.assert_allclose(got_hi, hi, rtol=1e-10, atol=1e-8)
    assert "paired by replicate" in ax.get_title() and "all districts" in ax.get_title()
    assert (mean < 0).all() and (lo < mean).all()  # less unmet need in every period


def test_waits_are_drawn_per_service_and_never_added(sweep):
    ds, x = sweep
    with pytest.raises(ValueError, match="select one service"):
        compare.levels(ds, "mean_wait_days")
    fig = compare.waits(ds)
    assert len(fig.axes) == 12  # mean wait and people waiting, three services each, levels and differences
    titles = [ax.get_title() for ax in fig.axes[::2]]
    assert titles == ["mean wait, home", "mean wait, community", "mean wait, institution",
                      "people waiting, home", "people waiting, community", "people waiting, institution"]
    w, a = x["mean_wait_days"][..., 2], x["new_admissions_after_wait"][..., 2].astype(float)
    a = np.where(np.isnan(w), 0.0, a)
    yearly = np.stack([(np.nan_to_num(w) * a)[:, :, p].sum(axis=(2, 3)) / a[:, :, p].sum(axis=(2, 3))
                       for p in (slice(0, 12), Y2021)], axis=2)  # [scenario, replicate, year], pooled
    institution = fig.axes[4]
    np.testing.assert_allclose(lines(institution)["beds-plus"].get_xdata(), [2020, 2021])
    np.testing.assert_allclose(lines(institution)["beds-plus"].get_ydata(), yearly[1].mean(axis=0), rtol=1e-12)
    queue = fig.axes[10]  # people waiting for an institution: that service alone, mean of the period ends
    expected = x["n_waiting"][0, :, :, :, 2].sum(axis=2) / SCALE
    expected = np.stack([expected[:, :12].mean(axis=1), expected[:, 12:].mean(axis=1)], axis=1).mean(axis=0)
    np.testing.assert_allclose(lines(queue)["baseline"].get_ydata(), expected, rtol=1e-12)
    assert "people per" not in queue.get_ylabel() and "(people)" in queue.get_ylabel()
    assert fig.axes[5].get_ylabel() == "difference (days)"


def test_scenario_comparison_rows(sweep):
    ds, x = sweep
    fig = compare.scenario_comparison(ds, "coverage", select={"district": ["Yuexiu", "Liwan"]})
    assert len(fig.axes) == 2 and "district Yuexiu, Liwan" in fig._suptitle.get_text()
    need = x["n_need"][..., :2].astype(float)
    city = 100 * np.nansum(x["coverage"][..., :2] * need, axis=3) / need.sum(axis=3)
    np.testing.assert_allclose(lines(fig.axes[0])["baseline"].get_ydata(), city[0].mean(axis=0), rtol=1e-12)
    assert fig.axes[0].get_ylabel() == "coverage (%)"
    per_service = compare.scenario_comparison(ds, "new_admissions", by="year")
    assert len(per_service.axes) == 6 and per_service.axes[0].get_ylabel() == "new_admissions, home (people per year)"


def test_spending_by_payer_in_million_yuan(sweep):
    ds, x = sweep
    fig = compare.spending_by_payer(ds)
    assert len(fig.axes) == 8
    gov = x["new_spending"][..., 0].sum(axis=3) / SCALE / 1e6
    yearly = np.stack([gov[:, :, :12].sum(axis=2), gov[:, :, 12:].sum(axis=2)], axis=2)
    np.testing.assert_allclose(lines(fig.axes[0])["beds-plus"].get_ydata(), yearly[1].mean(axis=0), rtol=1e-12)
    mean, lo, hi = t_band(yearly[1] - yearly[0])
    np.testing.assert_allclose(lines(fig.axes[1])["beds-plus - baseline"].get_ydata(), mean, rtol=1e-12)
    assert fig.axes[0].get_ylabel() == "spending, government (million yuan per year)"
    assert fig.axes[6].get_title() == "spending, all payers"


def test_care_shares_against_9064(sweep):
    ds, x = sweep
    fig = compare.care_shares_9064(ds, year=2021)
    assert len(fig.axes) == 3
    for ax, service, target in zip(fig.axes, ("home", "community", "institution"), (90, 6, 4)):
        share = x[f"share_{service}"][:, :, Y2021].mean(axis=2)  # [scenario, replicate, district]
        bars = [c for c in ax.containers if hasattr(c, "patches")]
        assert [c.get_label() for c in bars] == SCENARIOS
        for k, container in enumerate(bars):
            heights = [p.get_height() for p in container.patches]
            np.testing.assert_allclose(heights[:3], 100 * share[k].mean(axis=0), rtol=1e-12)
            assert len(heights) == len(DISTRICTS) + 1  # and all districts
        assert lines(ax)[f"9064 target {target}%"].get_ydata()[0] == target
    assert [t.get_text() for t in fig.axes[-1].get_xticklabels()] == [*DISTRICTS, "all districts"]
    assert "mean of 2021" in fig._suptitle.get_text()


def test_district_multiples(sweep):
    ds, x = sweep
    fig = compare.district_multiples(ds, "coverage")
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == ["all districts", *DISTRICTS]
    np.testing.assert_allclose(lines(visible[2])["beds-plus"].get_ydata(), 100 * x["coverage"][1, :, :, 1].mean(axis=0),
                               rtol=1e-12)
    diff = compare.district_multiples(ds, "n_unmet", difference=True)
    panel = [ax for ax in diff.axes if ax.get_title() == "Haizhu"][0]
    mean, _, _ = t_band((x["n_unmet"][1, :, :, 2] - x["n_unmet"][0, :, :, 2]) / SCALE)
    np.testing.assert_allclose(lines(panel)["beds-plus - baseline"].get_ydata(), mean, rtol=1e-12)
    with pytest.raises(ValueError, match="no district axis"):
        compare.district_multiples(ds, "coverage", select={"district": "Yuexiu"})


def test_hospital_pressure(sweep):
    ds, x = sweep
    fig = compare.hospital_pressure(ds, years=(2021, 2021))
    titles = [ax.get_title() for ax in fig.axes[::2]]
    assert titles == ["hospital occupancy, all ages", "hospital occupancy, patients 60+",
                      "delayed-discharge bed-days", "people in delayed discharge"]
    delayed = x["new_delayed_discharge_days"][:, :, Y2021].sum(axis=(2, 3)) / SCALE
    np.testing.assert_allclose(lines(fig.axes[4])["beds-plus"].get_ydata(), delayed[1].mean(), rtol=1e-12)
    assert fig.axes[4].get_ylabel() == "delayed-discharge bed-days (bed-days per year)"
    assert "2021" in fig._suptitle.get_text()


def test_a_run_is_one_scenario_without_intervals(tmp_path):
    path = tmp_path / "run.h5"
    data = make_run_file(path, n_periods=12, care=True, hospitals=True)
    ds = open_run(path)
    fig = compare.unmet_need(ds)
    assert len(fig.axes) == 2  # levels only: no second scenario
    np.testing.assert_allclose(lines(fig.axes[0])["广州 baseline"].get_ydata(), data["n_unmet"].sum(axis=1) / 0.1)
    assert "one replicate: no intervals" in fig._suptitle.get_text()
    with pytest.raises(ValueError, match="baseline and at least one scenario"):
        compare.differences(ds, "n_unmet")
    assert isinstance(compare.care_shares_9064(ds), Figure)
