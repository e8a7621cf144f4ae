"""Scenario comparisons with 95% intervals over replicates: figures for sweeps (and runs).

Every function takes a Dataset from :func:`~eldersim_results.sweep.open_sweep` (or a run
from :func:`~eldersim_results.reader.open_run`, drawn as one scenario without intervals)
and returns a :class:`matplotlib.figure.Figure` on an Agg canvas.  Common arguments:

* ``select``: labels along any axis, e.g. ``{"service": "institution", "district": "Yuexiu"}``
  or ``{"scenario": ["baseline", "ltc-level2"]}`` (see :mod:`eldersim_results.selection`);
* ``years``: a calendar year or an inclusive ``(first, last)`` window;
* ``by``: ``"period"`` (each reporting period) or ``"year"`` (calendar years, see
  :func:`eldersim_results.aggregate.annual`; partial years are left out when a full one exists);
* ``reduce``: how the axes not shown are combined (:func:`eldersim_results.plots.citywide`).

Levels are the mean over replicates with its 95% Student t interval (a shaded band);
differences are the paired differences scenario - baseline, replicate by replicate, with
their interval (:mod:`eldersim_results.stats`).  The baseline is the first scenario (of the
selection).  Counts and money are for the real population (divided by the population
scale, :mod:`eldersim_results.scale`); shares in percent, money in million yuan.  Titles
state the selection and the scale; legends name the scenarios.  Series with a ``service``
axis are drawn one service per row: waits and waiting lists of different services are
never added.
"""

from __future__ import annotations

import math

import matplotlib
import matplotlib.dates as mdates
import numpy as np
import xarray as xr
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ._shared import _figure_grid, _fonts, _in_year, _pick_year, _require
from .aggregate import annual, as_sweep, citywide
from .plots import TARGETS_9064
from .scale import population_scale, scale_note
from .selection import describe, narrow
from .stats import interval, paired_difference
from .units import display_unit, reporting_period

__all__ = ["levels", "differences", "scenario_comparison", "care_shares_9064", "unmet_need", "waits",
           "hospital_pressure", "spending_by_payer", "district_multiples"]

SCENARIO, REPLICATE, PERIOD, YEAR, SERVICE = "scenario", "replicate", "period", "year", "service"


# ---------------------------------------------------------------------------------------------
# Values, units, labels


def _values(ds: xr.Dataset, series: str, by: str, reduce: str) -> xr.DataArray:
    """[scenario, replicate, period or year] for the real population."""
    _require(ds, series)
    if SERVICE in ds[series].dims:
        raise ValueError(f"{series} has a service axis: select one service (select={{'service': ...}}); "
                         f"the services are never combined")
    if by == PERIOD:
        return citywide(ds, series, reduce)
    if by != YEAR:
        raise ValueError(f"by must be 'period' or 'year', not {by!r}")
    out = annual(ds, series, reduce)
    if out["full_year"].any():
        out = out.isel({YEAR: np.flatnonzero(out["full_year"].values)})
    return out


def _x(da: xr.DataArray):
    return da[PERIOD].values if PERIOD in da.dims else da[YEAR].values


def _colors(names) -> dict:
    palette = matplotlib.colormaps["tab10"].colors
    return {name: ("black" if i == 0 else palette[(i - 1) % len(palette)]) for i, name in enumerate(names)}


def _formatter(factor: float):
    if factor == 100.0:
        return FuncFormatter(lambda v, _: f"{v:.3g}%")
    return FuncFormatter(lambda v, _: f"{v:,.6g}" if abs(v) < 1000 else f"{v:,.0f}")


def _title(ds: xr.Dataset, what: str, select=None, years=None) -> str:
    """What is shown, the selection, the scale and what the bands are."""
    where = describe(select, years)
    n = ds.sizes.get(REPLICATE, 1)
    bands = f"bands: 95% t intervals over {n} replicates" if n > 1 else "one replicate: no intervals"
    first = f"{what} \u2014 {where}" if where else f"{what} \u2014 all districts"
    return f"{first}\n{scale_note(population_scale(ds))}; {bands}"


# ---------------------------------------------------------------------------------------------
# Drawing


def _band(ax, x, stats: xr.Dataset, factor: float, color, label: str) -> None:
    ax.plot(x, stats["mean"].values * factor, color=color, linewidth=1.6, label=label,
            marker="o" if len(x) < 30 else None, markersize=3)
    ax.fill_between(x, stats["lo"].values * factor, stats["hi"].values * factor, color=color, alpha=0.18,
                    linewidth=0)


def _draw_levels(ax, da: xr.DataArray, factor: float, colors: dict) -> None:
    x = _x(da)
    for name in da[SCENARIO].values:
        _band(ax, x, interval(da.sel({SCENARIO: name})), factor, colors[name], str(name))


def _draw_differences(ax, da: xr.DataArray, factor: float, colors: dict) -> None:
    x = _x(da)
    diff = paired_difference(da)
    base = str(da[SCENARIO].values[0])
    for name in da[SCENARIO].values[1:]:
        _band(ax, x, diff.sel({SCENARIO: name}), factor, colors[name], f"{name} - {base}")
    ax.axhline(0, color="black", linewidth=0.8)


def _label_axes(ax, ylabel: str, factor: float, by: str, legend: bool = True) -> None:
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_formatter(_formatter(factor))
    ax.set_xlabel("period start" if by == PERIOD else "year")
    _x_ticks(ax, by)
    if legend and ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize="x-small")


def _x_ticks(ax, by: str, most: int = 8) -> None:
    """Whole years on a yearly axis; concise dates on a period axis."""
    if by == YEAR:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        return
    locator = mdates.AutoDateLocator(minticks=3, maxticks=most)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _by(da: xr.DataArray) -> str:
    return YEAR if YEAR in da.dims else PERIOD


def _row(axes, da: xr.DataArray, what: str, period: str, colors: dict) -> None:
    """Levels (left) and paired differences (right, if there is more than one scenario)."""
    by = _by(da)
    factor, unit = display_unit(da, by, period)
    _draw_levels(axes[0], da, factor, colors)
    axes[0].set_title(what, fontsize="medium")
    _label_axes(axes[0], f"{what} ({unit})", factor, by)
    if len(axes) > 1:
        _draw_differences(axes[1], da, factor, colors)
        axes[1].set_title(f"{what}: difference from {da[SCENARIO].values[0]}", fontsize="medium")
        _label_axes(axes[1], f"difference ({unit})", factor, by)


def _rows_figure(ds: xr.Dataset, rows: list[tuple[str, xr.DataArray]], title: str) -> Figure:
    """One row per ``(what, values)``: levels and, with scenarios to compare, differences."""
    ncols = 2 if ds.sizes[SCENARIO] > 1 else 1
    fig, axes = _figure_grid(len(rows), ncols, figsize=(6.5 * ncols, 3.3 * len(rows) + 1.0))
    colors = _colors(ds[SCENARIO].values)
    period = reporting_period(ds)
    for i, (what, da) in enumerate(rows):
        _row(axes[i * ncols:(i + 1) * ncols], da, what, period, colors)
    fig.suptitle(title, fontsize="medium")
    return fig


def _prepare(ds: xr.Dataset, select, years) -> xr.Dataset:
    return narrow(as_sweep(ds), select, years)


def _services(ds: xr.Dataset, series: str) -> list:
    """The service labels to draw one by one (``[None]`` if the series has no service axis)."""
    return list(ds[SERVICE].values) if SERVICE in ds[series].dims else [None]


def _per_service(ds: xr.Dataset, series: str, by: str, reduce: str, what: str) -> list[tuple[str, xr.DataArray]]:
    rows = []
    for service in _services(ds, series):
        one = ds if service is None else ds.sel({SERVICE: service})
        label = what if service is None else f"{what}, {service}"
        rows.append((label, _values(one, series, by, reduce)))
    return rows


# ---------------------------------------------------------------------------------------------
# Figures


@_fonts
def levels(ds: xr.Dataset, series: str, select=None, years=None, reduce: str = "auto", by: str = PERIOD) -> Figure:
    """Mean of ``series`` per scenario over time with its 95% interval band."""
    ds = _prepare(ds, select, years)
    da = _values(ds, series, by, reduce)
    fig, axes = _figure_grid(1, 1, figsize=(9, 5))
    factor, unit = display_unit(da, by, reporting_period(ds))
    _draw_levels(axes[0], da, factor, _colors(ds[SCENARIO].values))
    _label_axes(axes[0], f"{series} ({unit})", factor, by)
    axes[0].set_title(_title(ds, series, select, years), fontsize="medium")
    return fig


@_fonts
def differences(ds: xr.Dataset, series: str, select=None, years=None, reduce: str = "auto",
                by: str = PERIOD) -> Figure:
    """Paired difference scenario - baseline of ``series`` over time, with its 95% interval."""
    ds = _prepare(ds, select, years)
    if ds.sizes[SCENARIO] < 2:
        raise ValueError("differences need a baseline and at least one scenario")
    da = _values(ds, series, by, reduce)
    fig, axes = _figure_grid(1, 1, figsize=(9, 5))
    factor, unit = display_unit(da, by, reporting_period(ds))
    _draw_differences(axes[0], da, factor, _colors(ds[SCENARIO].values))
    _label_axes(axes[0], f"difference in {series} ({unit})", factor, by)
    base = ds[SCENARIO].values[0]
    axes[0].set_title(_title(ds, f"{series}: scenario - {base}, paired by replicate", select, years),
                      fontsize="medium")
    return fig


@_fonts
def scenario_comparison(ds: xr.Dataset, series: str, select=None, years=None, reduce: str = "auto",
                        by: str = PERIOD) -> Figure:
    """Levels (left) and paired differences from the baseline (right) of ``series``, one row
    per service if the series has a service axis."""
    ds = _prepare(ds, select, years)
    rows = _per_service(ds, series, by, reduce, series)
    return _rows_figure(ds, rows, _title(ds, f"{series}: scenarios compared", select, years))


@_fonts
def unmet_need(ds: xr.Dataset, select=None, years=None, by: str = PERIOD) -> Figure:
    """People in need without formal care (``n_unmet``, real population) and ``coverage``
    (% of people in need in formal care), levels and differences."""
    ds = _prepare(ds, select, years)
    rows = [("unmet need", _values(ds, "n_unmet", by, "sum")),
            ("coverage", _values(ds, "coverage", by, "auto"))]
    return _rows_figure(ds, rows, _title(ds, "Unmet need and coverage", select, years))


@_fonts
def waits(ds: xr.Dataset, select=None, years=None, by: str = YEAR) -> Figure:
    """Per service, separately: the mean completed wait (days, weighted by the admissions
    after a wait; by year pooled over the year's admissions) and the people waiting."""
    ds = _prepare(ds, select, years)
    rows = _per_service(ds, "mean_wait_days", by, "auto", "mean wait")
    rows += _per_service(ds, "n_waiting", by, "sum", "people waiting")
    return _rows_figure(ds, rows, _title(ds, "Waits for care, by service", select, years))


@_fonts
def hospital_pressure(ds: xr.Dataset, select=None, years=None) -> Figure:
    """Acute-bed occupancy (all ages and patients 60+, per period, weighted by bed-days
    available), delayed-discharge bed-days per year and people in delayed discharge."""
    ds = _prepare(ds, select, years)
    rows = [("hospital occupancy, all ages", _values(ds, "hospital_occupancy_total", PERIOD, "auto")),
            ("hospital occupancy, patients 60+", _values(ds, "hospital_occupancy", PERIOD, "auto")),
            ("delayed-discharge bed-days", _values(ds, "new_delayed_discharge_days", YEAR, "sum")),
            ("people in delayed discharge", _values(ds, "n_delayed_discharge", PERIOD, "sum"))]
    return _rows_figure(ds, rows, _title(ds, "Hospital occupancy and delayed discharge", select, years))


@_fonts
def spending_by_payer(ds: xr.Dataset, select=None, years=None) -> Figure:
    """Care spending per calendar year by payer and in all (million yuan, real population)."""
    ds = _prepare(ds, select, years)
    payers = list(ds["payer"].values) if "payer" in ds["new_spending"].dims else [None]
    rows = [(f"spending, {p}" if p is not None else "spending",
             _values(ds.sel(payer=p) if p is not None else ds, "new_spending", YEAR, "sum")) for p in payers]
    if len(payers) > 1:
        rows.append(("spending, all payers", _values(ds, "new_spending", YEAR, "sum")))
    return _rows_figure(ds, rows, _title(ds, "Care spending by payer", select, years))


def _year_means(ds: xr.Dataset, series: str, year: int, reduce: str) -> xr.DataArray:
    """[scenario, replicate]: the mean of ``series`` over the period ends of ``year``."""
    return _in_year(citywide(ds, series, reduce), year).mean(PERIOD)


_9064_TITLES = {"home": "At home, with or without formal services: the 90",
                "community": "Community (day) care: the 6", "institution": "Institutions: the 4"}


def _share_bars(ax, groups, service: str, year: int, colors: dict) -> None:
    """One bar per scenario and group (district or all districts): the year's mean share in
    %, with its 95% interval as an error bar; the 9064 target dashed."""
    names = list(colors)
    width, x = 0.8 / len(names), np.arange(len(groups))
    shares = [100 * _year_means(one, f"share_{service}", year, "auto") for _, one in groups]
    for k, name in enumerate(names):
        stats = [interval(share.sel({SCENARIO: name})) for share in shares]
        mean = np.array([float(s["mean"]) for s in stats])
        err = np.array([[float(s["mean"] - s["lo"]) for s in stats], [float(s["hi"] - s["mean"]) for s in stats]])
        ax.bar(x - 0.4 + (k + 0.5) * width, mean, width, yerr=np.nan_to_num(err), capsize=2,
               color=colors[name], alpha=0.8 if k else 0.55, label=str(name))
    target = 100 * TARGETS_9064[service]
    ax.axhline(target, color="tab:red", linestyle="--", linewidth=1.2, label=f"9064 target {target:g}%")
    ax.set_ylabel(f"share_{service} (% of people 60+)")
    ax.yaxis.set_major_formatter(_formatter(100.0))
    ax.set_title(_9064_TITLES[service], fontsize="medium")
    ax.legend(fontsize="x-small", loc="upper left", bbox_to_anchor=(1.01, 1))


@_fonts
def care_shares_9064(ds: xr.Dataset, year=None, select=None) -> Figure:
    """Shares of people 60+ at home (with or without formal services), in community care and
    in institutions (%), means of ``year``'s period ends (default the last full year), by
    district and citywide (weighted by people alive), one bar per scenario with its 95%
    interval, against the 9064 targets (dashed)."""
    ds = _prepare(ds, select, None)
    year, full = _pick_year(ds, year)
    districts = list(ds["district"].values) if "district" in ds.dims else []
    groups = [(str(d), ds.sel(district=d)) for d in districts] + [("all districts", ds)]
    colors = _colors(ds[SCENARIO].values)
    width = min(15, max(8, 0.45 * len(groups) * len(colors) + 3))
    fig, axes = _figure_grid(3, 1, figsize=(width, 11), sharex=True)
    for ax, service in zip(axes, TARGETS_9064):
        _share_bars(ax, groups, service, year, colors)
    axes[-1].set_xticks(np.arange(len(groups)), [g for g, _ in groups], rotation=45, ha="right")
    axes[-1].set_xlabel("district")
    when = f"{year}" if full else f"{year}, partial year"
    fig.suptitle(_title(ds, f"Care shares against 9064, mean of {when}", select, None), fontsize="medium")
    return fig


@_fonts
def district_multiples(ds: xr.Dataset, series: str, select=None, years=None, reduce: str = "auto",
                       by: str = PERIOD, difference: bool = False) -> Figure:
    """Small multiples: one panel for all districts, then one per district, each with the
    levels of ``series`` per scenario (or, with ``difference``, the paired differences from the
    baseline) and their 95% intervals; shared y axis."""
    ds = _prepare(ds, select, years)
    if "district" not in ds[series].dims:
        raise ValueError(f"{series} has no district axis (or one district is selected)")
    if difference and ds.sizes[SCENARIO] < 2:
        raise ValueError("differences need a baseline and at least one scenario")
    panels = [("all districts", ds)] + [(str(d), ds.sel(district=d)) for d in ds["district"].values]
    ncols = min(4, len(panels))
    nrows = math.ceil(len(panels) / ncols)
    fig, axes = _figure_grid(nrows, ncols, figsize=(3.8 * ncols, 2.9 * nrows + 1.2), sharex=True, sharey=True)
    colors = _colors(ds[SCENARIO].values)
    period = reporting_period(ds)
    for ax, (name, one) in zip(axes, panels):
        da = _values(one, series, by, reduce)
        factor, unit = display_unit(da, by, period)
        (_draw_differences if difference else _draw_levels)(ax, da, factor, colors)
        ax.set_title(name, fontsize="small")
        ax.yaxis.set_major_formatter(_formatter(factor))
        _x_ticks(ax, by, most=6)
        ax.tick_params(labelsize="x-small")
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    for i, ax in enumerate(axes[: len(panels)]):
        if i % ncols == 0:
            ax.set_ylabel(("difference " if difference else "") + f"({unit})", fontsize="small")
        if i >= len(panels) - ncols:
            ax.set_xlabel("period start" if by == PERIOD else "year", fontsize="small")
    axes[0].legend(fontsize="x-small")
    what = f"{series}: " + ("scenario - baseline" if difference else "by scenario") + ", small multiples by district"
    fig.suptitle(_title(ds, what, select, years), fontsize="medium")
    return fig
