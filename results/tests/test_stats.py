"""The Student t quantile and the intervals of eldersim_results.stats, against closed forms,
hand computations and the /summary of the sweep fixture (computed there independently)."""

import math

import numpy as np
import pytest
import xarray as xr

from eldersim_results import open_summary, open_sweep
from eldersim_results.stats import interval, paired_difference, t_quantile

PROBABILITIES = (0.6, 0.9, 0.975, 0.999)


@pytest.mark.parametrize("p", PROBABILITIES)
def test_t_quantile_closed_forms(p):
    assert t_quantile(p, 1) == pytest.approx(math.tan(math.pi * (p - 0.5)), rel=1e-12)
    assert t_quantile(p, 2) == pytest.approx((2 * p - 1) / math.sqrt(2 * p * (1 - p)), rel=1e-12)
    a = 4 * p * (1 - p)
    assert t_quantile(p, 4) == pytest.approx(2 * math.sqrt(math.cos(math.acos(math.sqrt(a)) / 3) / math.sqrt(a) - 1),
                                             rel=1e-12)
    assert t_quantile(1 - p, 3) == -t_quantile(p, 3)


def test_t_quantile_table_of_the_docs():
    # docs/experiments.md: 12.7 for n = 2, 4.30 for 3, 2.78 for 5, 2.26 for 10
    assert [round(t_quantile(0.975, n - 1), 2) for n in (2, 3, 5, 10)] == [12.71, 4.30, 2.78, 2.26]
    assert t_quantile(0.975, 10_000) == pytest.approx(1.9602, abs=1e-4)
    assert math.isnan(t_quantile(0.975, 0)) and t_quantile(0.5, 7) == 0.0


def test_t_quantile_agrees_with_scipy():
    stats = pytest.importorskip("scipy.stats")
    for df in (1, 2, 3, 5, 9, 19, 39, 99):
        for p in PROBABILITIES:
            assert t_quantile(p, df) == pytest.approx(stats.t.ppf(p, df), rel=1e-8)  # scipy is good to ~4e-9


def test_interval_by_hand():
    x = xr.DataArray([[1.0, 2.0, 4.0], [3.0, np.nan, 5.0], [7.0, np.nan, np.nan]], dims=("cell", "replicate"))
    out = interval(x)
    s = math.sqrt(((1 - 7 / 3) ** 2 + (2 - 7 / 3) ** 2 + (4 - 7 / 3) ** 2) / 2)
    half = 4.3026527297494639 * s / math.sqrt(3)
    np.testing.assert_allclose(out["mean"].values[:2], [7 / 3, 4.0], rtol=1e-14)
    np.testing.assert_allclose([out["lo"].values[0], out["hi"].values[0]], [7 / 3 - half, 7 / 3 + half], rtol=1e-13)
    half2 = 12.706204736174705 * math.sqrt(2) / math.sqrt(2)  # n = 2: s = sqrt(2)
    np.testing.assert_allclose([out["lo"].values[1], out["hi"].values[1]], [4 - half2, 4 + half2], rtol=1e-13)
    assert out["n"].values.tolist() == [3, 2, 1]
    assert out["mean"].values[2] == 7.0 and np.isnan(out["lo"].values[2]) and np.isnan(out["hi"].values[2])


def test_paired_difference_by_hand():
    base = [10.0, 12.0, 11.0, np.nan]
    scen = [9.0, 10.5, 10.8, 4.0]
    x = xr.DataArray([base, scen], dims=("scenario", "replicate"), coords={"scenario": ["baseline", "s"]})
    out = paired_difference(x)
    d = np.array([-1.0, -1.5, -0.2])  # the fourth replicate has no pair
    half = 4.3026527297494639 * d.std(ddof=1) / math.sqrt(3)
    sel = out.sel(scenario="s")
    assert float(sel["mean"]) == pytest.approx(d.mean(), rel=1e-14)
    assert (float(sel["lo"]), float(sel["hi"])) == pytest.approx((d.mean() - half, d.mean() + half), rel=1e-13)
    assert int(sel["n"]) == 3
    assert float(out.sel(scenario="baseline")["mean"]) == 0.0 and float(out.sel(scenario="baseline")["hi"]) == 0.0
    # by name, the same
    assert float(paired_difference(x, baseline="baseline").sel(scenario="s")["lo"]) == float(sel["lo"])


def test_intervals_equal_the_files_summary(sweep_file):
    """Python's intervals from the replicate axis equal the /summary written with the docs' formula."""
    path, _ = sweep_file
    ds, summary = open_sweep(path), open_summary(path)
    for name in ("coverage", "n_unmet", "mean_wait_days", "n_places_by_facility", "new_spending"):
        level, diff = interval(ds[name]), paired_difference(ds[name])
        for stat in ("mean", "lo", "hi", "n"):
            np.testing.assert_allclose(level[stat].transpose(*summary[name].dims[1:]).values,
                                       summary[name].sel(stat=stat).values, rtol=1e-12, atol=1e-9,
                                       err_msg=f"{name} {stat}")
        for stat in ("mean", "lo", "hi"):
            expected = summary[name].sel(stat=f"diff_{stat}").values[1:]
            np.testing.assert_allclose(diff[stat].transpose(*summary[name].dims[1:]).values[1:], expected,
                                       rtol=1e-12, atol=1e-9, err_msg=f"{name} diff_{stat}")
