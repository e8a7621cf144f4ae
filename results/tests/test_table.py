"""The headline table: values and intervals against hand computations on the fixture's arrays."""

import math

import numpy as np
import pytest

from conftest import make_run_file
from eldersim_results import open_run, open_sweep, summary_table, wide_table
from eldersim_results.table import COLUMNS
from sweep_fixture import SCALE, SCENARIOS

T2 = 4.3026527297494639  # t_{0.975, 2}: three replicates
Y2021 = slice(12, 24)


def t_interval(values):
    values = np.asarray(values, dtype=float)
    half = T2 * values.std(ddof=1) / math.sqrt(len(values))
    return values.mean(), values.mean() - half, values.mean() + half


@pytest.fixture(scope="module")
def table(sweep_file, sweep_table):
    return sweep_table, sweep_file[1]["series"]


def row(table, indicator, scenario):
    out = table[(table.indicator == indicator) & (table.scenario == scenario)]
    assert len(out) == 1, (indicator, scenario)
    return out.iloc[0]


def test_layout(table):
    t, _ = table
    assert list(t.columns) == COLUMNS
    assert t.attrs["year"] == 2021 and t.attrs["full_year"]
    assert list(dict.fromkeys(t.indicator)) == [
        "coverage", "unmet need", "mean wait, home", "mean wait, community", "mean wait, institution",
        "people waiting, home", "people waiting, community", "people waiting, institution",
        "spending, government", "spending, ltc_insurance", "spending, out_of_pocket", "spending, all payers",
        "hospital occupancy, all ages", "delayed-discharge bed-days"]
    assert dict(zip(t.indicator, t.series))["unmet need"] == "n_unmet"
    assert dict(zip(t.indicator, t.series))["spending, government"] == "new_spending"
    units = dict(zip(t.indicator, t.unit))
    assert units["coverage"] == "%" and units["unmet need"] == "people" and units["mean wait, home"] == "days"
    assert units["spending, government"] == "million yuan per year"
    assert units["delayed-discharge bed-days"] == "bed-days per year"
    assert set(t.scenario) == set(SCENARIOS) and (t.n == 3).all()


def test_paired_difference_of_unmet_need_is_the_t_interval(table):
    t, x = table
    yearly = x["n_unmet"][:, :, Y2021].sum(axis=3).mean(axis=2) / SCALE  # [scenario, replicate], people
    r = row(t, "unmet need", "beds-plus")
    assert (r.diff_mean, r.diff_lo, r.diff_hi) == pytest.approx(t_interval(yearly[1] - yearly[0]), rel=1e-12)
    assert (r["mean"], r.lo, r.hi) == pytest.approx(t_interval(yearly[1]), rel=1e-12)
    assert r.diff_hi < 0  # the scenario lowers unmet need in every replicate
    base = row(t, "unmet need", "baseline")
    assert (base.diff_mean, base.diff_lo, base.diff_hi) == (0.0, 0.0, 0.0)


def test_spending_waits_and_coverage(table):
    t, x = table
    gov = x["new_spending"][:, :, Y2021, :, 0].sum(axis=(2, 3)) / SCALE / 1e6  # million yuan
    r = row(t, "spending, government", "beds-plus")
    assert (r.diff_mean, r.diff_lo, r.diff_hi) == pytest.approx(t_interval(gov[1] - gov[0]), rel=1e-12)
    total = x["new_spending"][:, :, Y2021].sum(axis=(2, 3, 4)) / SCALE / 1e6
    assert row(t, "spending, all payers", "baseline")["mean"] == pytest.approx(total[0].mean(), rel=1e-12)
    w, a = x["mean_wait_days"][..., 2], x["new_admissions_after_wait"][..., 2].astype(float)
    a = np.where(np.isnan(w), 0.0, a)
    wait = (np.nan_to_num(w) * a)[:, :, Y2021].sum(axis=(2, 3)) / a[:, :, Y2021].sum(axis=(2, 3))
    r = row(t, "mean wait, institution", "beds-plus")
    assert (r.diff_mean, r.diff_lo, r.diff_hi) == pytest.approx(t_interval(wait[1] - wait[0]), rel=1e-12)
    need = x["n_need"].astype(float)
    city = np.nansum(x["coverage"] * need, axis=3) / need.sum(axis=3)
    coverage = 100 * city[:, :, Y2021].mean(axis=2)
    assert row(t, "coverage", "baseline")[["mean", "lo", "hi"]].tolist() == \
        pytest.approx(t_interval(coverage[0]), rel=1e-12)
    home = row(t, "mean wait, home", "beds-plus")  # the scenario does not change home care
    assert home.diff_mean == 0.0 and home.diff_lo == 0.0


def test_wide_table_strings(table):
    t, _ = table
    wide = wide_table(t)
    assert list(wide.columns) == ["baseline", "beds-plus", "beds-plus - baseline"]
    assert wide.index[0] == "coverage (%)" and wide.index[1] == "unmet need (people)"
    r = row(t, "unmet need", "beds-plus")
    assert wide.loc["unmet need (people)", "beds-plus - baseline"] == \
        f"{r.diff_mean:,.0f} [{r.diff_lo:,.0f}, {r.diff_hi:,.0f}]"
    cell = wide.loc["coverage (%)", "baseline"]
    assert cell.count("[") == 1 and cell.endswith("]")


def test_selection_and_a_run(sweep_file, tmp_path):
    ds = open_sweep(sweep_file[0])
    yuexiu = summary_table(ds, year=2020, select={"district": "Yuexiu", "service": "institution"})
    assert yuexiu.attrs["year"] == 2020
    indicators = list(dict.fromkeys(yuexiu.indicator))
    assert "mean wait, institution" in indicators and "mean wait, home" not in indicators
    x = sweep_file[1]["series"]["n_unmet"]
    assert row(yuexiu, "unmet need", "baseline")["mean"] == pytest.approx(x[0, :, :12, 0].mean() / SCALE, rel=1e-12)
    with pytest.raises(ValueError, match="year 2031 is not in this run"):
        summary_table(ds, year=2031)
    run = tmp_path / "run.h5"
    make_run_file(run, n_periods=12, care=True, hospitals=True)
    single = summary_table(open_run(run))
    assert set(single.scenario) == {"广州 baseline"} and single.lo.isna().all() and (single.n == 1).all()
    assert list(wide_table(single).columns) == ["广州 baseline"]
