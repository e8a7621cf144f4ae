"""Hospital results: yearly summaries and plots of the hospital system of a run.

Yearly helpers (calendar years of the period starts; every result has a ``year``
dimension and a boolean ``full_year`` coordinate, False for a year the run covers only
in part):

* :func:`admissions_matrix`: admissions by the patient's district (``district``, rows)
  and the hospital's district (``destination_district``, columns);
* :func:`admission_rates_by_age`: admissions per 1000 person-years by age band;
* :func:`yearly_hospital_occupancy`: acute bed-days used / acute bed-days available,
  by district or citywide (see :func:`capacity_bed_days` for the weights);
* :func:`yearly_delayed_discharge_days`: bed-days of delayed discharge (bed-blocking);
* :func:`yearly_institution_wait`, :func:`yearly_institution_waiting`,
  :func:`tradeoff_indicators`, :func:`tradeoff_table`: the hospital-bed conversion
  trade-off between hospital occupancy and waits for institution beds.

Plots (matplotlib Figures on an Agg canvas, like :mod:`eldersim_results.plots`):
:func:`occupancy_and_bed_blocking`, :func:`admissions_matrix_heatmap` for one run and
:func:`tradeoff_comparison` for a baseline and scenarios.

Like the other plots, everything sums districts and other dimensions it does not keep,
averages a ``replicate`` dimension (ratios as ratios of the averaged sums) and refuses
a ``scenario`` dimension.  Missing series raise KeyError naming them.  Counts and
bed-days are those of the simulated agents (divide by ``ds.attrs["scale"]`` for the
whole city); occupancies need no scaling.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import matplotlib
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter, ScalarFormatter

from ._shared import (PERIOD, _THOUSANDS, _figure, _figure_grid, _fonts, _partial_note, _pick_year,
                      _reduce, _require, _title, _year_coverage, capacity_bed_days,
                      hospital_capacity_bed_days, period_days)

__all__ = ["admissions_matrix", "admission_rates_by_age", "capacity_bed_days", "hospital_capacity_bed_days",
           "yearly_totals", "period_hospital_occupancy", "yearly_hospital_occupancy", "yearly_delayed_discharge_days",
           "yearly_institution_wait", "yearly_institution_waiting", "tradeoff_indicators",
           "tradeoff_table", "occupancy_and_bed_blocking", "admissions_matrix_heatmap",
           "tradeoff_comparison", "TRADEOFF_INDICATORS"]

YEAR = "year"
#: the indicators of the conversion trade-off (:func:`tradeoff_indicators`): name -> description
TRADEOFF_INDICATORS = {
    "hospital_occupancy_total": "hospital occupancy, all ages: acute bed-days used / available, citywide",
    "hospital_occupancy": "hospital occupancy by patients 60+: their acute bed-days / available, citywide",
    "new_delayed_discharge_days": "acute bed-days of delayed discharge (bed-blocking) in the year, all districts",
    "institution_mean_wait_days": "mean completed wait for an institution bed, days (admissions after a wait)",
    "institution_waiting": "people waiting for an institution place, mean of the period ends, all districts",
}
_OCCUPANCY = {False: "hospital_occupancy", True: "hospital_occupancy_total"}


# ---------------------------------------------------------------------------------------------
# Yearly helpers


def _by_year(ds: xr.Dataset, da: xr.DataArray, how: str = "sum") -> xr.DataArray:
    """``da`` [period, ...] summed (or averaged) over the periods starting in each calendar
    year: dimension ``year`` with coordinate ``full_year``."""
    years = da[PERIOD].dt.year.rename(YEAR)
    out = getattr(da.groupby(years), how)(PERIOD)
    coverage = _year_coverage(ds)
    full = [coverage.get(int(y), False) for y in out[YEAR].values]
    return out.assign_coords(full_year=(YEAR, np.array(full, dtype=bool)))


def _year_labels(da: xr.DataArray) -> list[str]:
    """Tick labels of the years of ``da``, a partial year marked ``*``."""
    return [f"{y}" if full else f"{y}*" for y, full in zip(da[YEAR].values, da["full_year"].values)]


def yearly_totals(ds: xr.Dataset, series: str, keep: tuple[str, ...] = ("district",)) -> xr.DataArray:
    """Flow ``series`` summed over each calendar year's periods and over every dimension
    but ``keep``: [year, *keep] (a replicate dimension is averaged)."""
    _require(ds, series)
    return _by_year(ds, _reduce(ds[series], (PERIOD, *keep)))


def admissions_matrix(ds: xr.Dataset, year=None) -> xr.DataArray:
    """Yearly hospital admissions by the patient's district (``district``, rows) and the
    hospital's district (``destination_district``, columns): the sum over each calendar
    year's periods of ``new_hospital_admissions_by_origin``, [year, district,
    destination_district].  Rows sum to ``new_hospital_admissions`` over the same
    periods.  With ``year`` only that year, [district, destination_district]; ValueError
    for a year the run does not cover.
    """
    matrix = yearly_totals(ds, "new_hospital_admissions_by_origin", ("district", "destination_district"))
    matrix.name = "hospital_admissions"
    if year is None:
        return matrix
    if int(year) not in matrix[YEAR].values:
        years = matrix[YEAR].values
        raise ValueError(f"year {year} is not in this run (periods start in {years.min()}-{years.max()})")
    return matrix.sel({YEAR: int(year)})


def admission_rates_by_age(ds: xr.Dataset, per: float = 1000.0, by_sex: bool = False) -> xr.DataArray:
    """Hospital admissions per ``per`` person-years by age band and calendar year, all
    districts: the year's ``new_hospital_admissions_by_sex_age`` summed over districts
    and sex (kept with ``by_sex``) divided by the same sum of ``new_person_years``.
    [year, age_band] or [year, sex, age_band]; NaN where there is no exposure.
    """
    _require(ds, "new_hospital_admissions_by_sex_age", "new_person_years")
    keep = ("sex", "age_band") if by_sex else ("age_band",)
    admissions = yearly_totals(ds, "new_hospital_admissions_by_sex_age", keep)
    exposure = yearly_totals(ds, "new_person_years", keep)
    rates = per * admissions / exposure.where(exposure > 0)
    rates.name = "hospital_admission_rate"
    rates.attrs["unit"] = f"admissions per {per:g} person-years"
    return rates


def _occupancy_parts(ds: xr.Dataset, total: bool) -> tuple[xr.DataArray, xr.DataArray]:
    """``(bed-days used, bed-days available)`` per period and district."""
    name = _OCCUPANCY[total]
    _require(ds, name)
    capacity = capacity_bed_days(ds)
    used = ds[name].fillna(0.0) * capacity if total else ds["new_hospital_bed_days"]
    return used, capacity


def period_hospital_occupancy(ds: xr.Dataset, total: bool = False, citywide: bool = False) -> xr.DataArray:
    """Hospital occupancy per period, [period, district] (``citywide``: [period]): the
    series itself by district; citywide the district occupancies weighted by the acute
    bed-days available (:func:`capacity_bed_days`), NaN without beds.  ``total``: all
    ages (``hospital_occupancy_total``), else patients 60+ (``hospital_occupancy``)."""
    if not citywide:
        _require(ds, _OCCUPANCY[total])
        return _reduce(ds[_OCCUPANCY[total]], (PERIOD, "district"))
    used, capacity = _occupancy_parts(ds, total)
    used, capacity = _reduce(used, (PERIOD,)), _reduce(capacity, (PERIOD,))
    return used / capacity.where(capacity > 0)


def yearly_hospital_occupancy(ds: xr.Dataset, total: bool = False, citywide: bool = False) -> xr.DataArray:
    """Hospital occupancy per calendar year by district, [year, district] (``citywide``:
    [year]): the year's acute bed-days used divided by the year's acute bed-days
    available (each period weighted by its available bed-days, :func:`capacity_bed_days`,
    i.e. days x beds), NaN without beds.  ``total``: bed-days used by all ages
    (``hospital_occupancy_total``); else by patients 60+ (``new_hospital_bed_days``).
    """
    used, capacity = _occupancy_parts(ds, total)
    keep = (PERIOD,) if citywide else (PERIOD, "district")
    used, capacity = _by_year(ds, _reduce(used, keep)), _by_year(ds, _reduce(capacity, keep))
    occupancy = used / capacity.where(capacity > 0)
    occupancy.name = _OCCUPANCY[total]
    occupancy.attrs["unit"] = "share"
    return occupancy


def yearly_delayed_discharge_days(ds: xr.Dataset, citywide: bool = False) -> xr.DataArray:
    """Acute bed-days of delayed discharge (bed-blocking: patients ready to leave who wait
    for a care place) per calendar year in each district's hospitals, [year, district]
    (``citywide``: [year])."""
    return yearly_totals(ds, "new_delayed_discharge_days", () if citywide else ("district",))


def _institution(ds: xr.Dataset, name: str) -> xr.DataArray:
    if "service" not in ds[name].dims or "institution" not in ds["service"].values:
        raise KeyError(f"series {name} has no service 'institution' in this run")
    return ds[name].sel(service="institution", drop=True)


def yearly_institution_wait(ds: xr.Dataset) -> xr.DataArray:
    """Mean completed wait for an institution bed (days) per calendar year, citywide:
    ``mean_wait_days`` of service institution weighted by
    ``new_admissions_after_wait`` over the year's periods and all districts; NaN in a
    year without admissions after a wait."""
    _require(ds, "mean_wait_days", "new_admissions_after_wait")
    wait, admitted = _institution(ds, "mean_wait_days"), _institution(ds, "new_admissions_after_wait")
    admitted = admitted.where(wait.notnull(), 0)
    days = _by_year(ds, _reduce(wait.fillna(0.0) * admitted, (PERIOD,)))
    admitted = _by_year(ds, _reduce(admitted, (PERIOD,)))
    out = days / admitted.where(admitted > 0)
    out.name = "institution_mean_wait_days"
    return out


def yearly_institution_waiting(ds: xr.Dataset) -> xr.DataArray:
    """People waiting for an institution place, all districts, averaged over the period
    ends of each calendar year, [year]."""
    _require(ds, "n_waiting")
    out = _by_year(ds, _reduce(_institution(ds, "n_waiting"), (PERIOD,)), "mean")
    out.name = "institution_waiting"
    return out


def tradeoff_indicators(ds: xr.Dataset) -> xr.Dataset:
    """The trade-off of converting hospital beds to nursing beds, one value per calendar
    year (see TRADEOFF_INDICATORS): citywide hospital occupancy (all ages and patients
    60+, yearly, weighted by bed-days available), delayed-discharge bed-days, mean wait
    for an institution bed and people waiting for one."""
    return xr.Dataset({
        "hospital_occupancy_total": yearly_hospital_occupancy(ds, total=True, citywide=True),
        "hospital_occupancy": yearly_hospital_occupancy(ds, citywide=True),
        "new_delayed_discharge_days": yearly_delayed_discharge_days(ds, citywide=True),
        "institution_mean_wait_days": yearly_institution_wait(ds),
        "institution_waiting": yearly_institution_waiting(ds),
    })


def _diff_label(label: str, base: str) -> str:
    return f"{label} - {base}"


def tradeoff_table(runs: Mapping[str, xr.Dataset]) -> pd.DataFrame:
    """:func:`tradeoff_indicators` of every run side by side: one row per year (the union
    of the runs' years), columns ``(indicator, run)`` and, for every run after the first
    (the baseline), ``(indicator, "<run> - <baseline>")``: the difference, NaN where either
    run lacks the year."""
    if not runs:
        raise ValueError("no runs to compare")
    frames = {label: tradeoff_indicators(ds).drop_vars("full_year").to_dataframe() for label, ds in runs.items()}
    base = next(iter(frames))
    years = sorted(set().union(*(f.index for f in frames.values())))
    columns = {}
    for name in TRADEOFF_INDICATORS:
        values = {label: frame[name].reindex(years) for label, frame in frames.items()}
        for label, series in values.items():
            columns[(name, label)] = series
        for label in list(values)[1:]:
            columns[(name, _diff_label(label, base))] = values[label] - values[base]
    table = pd.DataFrame(columns, index=pd.Index(years, name=YEAR))
    table.columns = pd.MultiIndex.from_tuples(table.columns, names=["indicator", "run"])
    return table


# ---------------------------------------------------------------------------------------------
# Plots


def _scale_note(ds: xr.Dataset) -> str:
    scale = ds.attrs.get("scale")
    return f" (model at scale {scale:g})" if isinstance(scale, (int, float)) and scale != 1 else ""


def _year_spans(ds: xr.Dataset, years) -> tuple[list[pd.Timestamp], list[float]]:
    """First day and length in days of the periods of each year in ``years``."""
    start = pd.DatetimeIndex(ds[PERIOD].values)
    end = start + pd.to_timedelta(np.asarray(period_days(ds).values, dtype=float), unit="D")
    lefts, widths = [], []
    for y in years:
        mine = start.year == int(y)
        lefts.append(start[mine].min())
        widths.append((end[mine].max() - start[mine].min()).days)
    return lefts, widths


@_fonts
def occupancy_and_bed_blocking(ds: xr.Dataset) -> Figure:
    """Hospital occupancy and bed-blocking, one panel per district after a citywide panel.

    Lines (left axis): occupancy of the acute beds in each period, by all ages
    (``hospital_occupancy_total``) and by patients 60+ (``hospital_occupancy``); the
    citywide panel weights the districts by acute bed-days available.  Bars (right axis):
    acute bed-days of delayed discharge (``new_delayed_discharge_days``) in each calendar
    year, each bar spanning the year's periods (a partial year is narrower).
    """
    _require(ds, "hospital_occupancy", "hospital_occupancy_total", "new_hospital_bed_days",
             "n_hospital_beds", "new_delayed_discharge_days")
    total_city = period_hospital_occupancy(ds, total=True, citywide=True)
    elderly_city = period_hospital_occupancy(ds, citywide=True)
    total = period_hospital_occupancy(ds, total=True)
    elderly = period_hospital_occupancy(ds)
    delayed_city = yearly_delayed_discharge_days(ds, citywide=True)
    delayed = yearly_delayed_discharge_days(ds)
    districts = [str(d) for d in total["district"].values]
    city = ds.attrs.get("city")
    panels = [(f"{city}, all districts" if city else "all districts", total_city, elderly_city, delayed_city)]
    panels += [(d, total.sel(district=d), elderly.sel(district=d), delayed.sel(district=d)) for d in districts]
    ncols = min(4, len(panels))
    nrows = math.ceil(len(panels) / ncols)
    fig, axes = _figure_grid(nrows, ncols, figsize=(4.2 * ncols, 3.0 * nrows + 0.8), sharex=True)
    lefts, widths = _year_spans(ds, delayed_city[YEAR].values)
    t = ds[PERIOD].values
    for i, (ax, (name, occ_all, occ_60, blocked)) in enumerate(zip(axes, panels)):
        bars_ax = ax.twinx()
        bars = bars_ax.bar(lefts, blocked.values, width=widths, align="edge", color="tab:red", alpha=0.25,
                           label="delayed-discharge bed-days per year (right)")
        bars_ax.set_ylim(bottom=0)
        bars_ax.yaxis.set_major_formatter(_THOUSANDS)
        bars_ax.tick_params(axis="y", labelsize="small", colors="tab:red")
        ax.set_zorder(bars_ax.get_zorder() + 1)
        ax.patch.set_visible(False)
        ax.plot(t, 100 * occ_all.values, color="tab:blue", linewidth=1.2, label="occupancy, all ages")
        ax.plot(t, 100 * occ_60.values, color="tab:orange", linewidth=1.2, label="occupancy, patients 60+")
        top = np.nanmax(100 * occ_all.values) if np.isfinite(occ_all.values).any() else 100.0
        ax.set_ylim(0, max(100.0, top) * 1.05)
        ax.yaxis.set_major_formatter(PercentFormatter(100))
        ax.tick_params(axis="y", labelsize="small")
        if not np.isfinite(occ_all.values).any():
            ax.text(0.5, 0.5, "no acute beds", transform=ax.transAxes, ha="center", va="center")
        ax.set_title(name, fontsize="medium")
        if i % ncols == 0:
            ax.set_ylabel("% of acute bed-days")
        if i % ncols == ncols - 1 or i == len(panels) - 1:
            bars_ax.set_ylabel("delayed-discharge bed-days", color="tab:red")
        if i == 0:
            handles = [*ax.get_lines(), bars]
            ax.legend(handles, [h.get_label() for h in handles], fontsize="x-small", loc="lower left")
    locator = mdates.AutoDateLocator(maxticks=6)
    for ax in axes[: len(panels)]:
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    fig.suptitle(_title(ds, f"Hospital occupancy and bed-blocking by district{_scale_note(ds)}"))
    return fig


@_fonts
def admissions_matrix_heatmap(ds: xr.Dataset, year=None) -> Figure:
    """Hospital admissions of one calendar year by the patient's district (rows) and the
    hospital's district (columns), default the last full year (the last partial year
    when none is full).  Cells show the number of admissions and are coloured by the
    share of the row (the origin district's admissions); row labels give the totals."""
    _require(ds, "new_hospital_admissions_by_origin")
    year, full = _pick_year(ds, year)
    matrix = admissions_matrix(ds, year)
    counts = matrix.values.astype(float)
    rows = counts.sum(axis=1)
    shares = 100 * counts / np.where(rows > 0, rows, np.nan)[:, None]
    origins = [str(d) for d in matrix["district"].values]
    destinations = [str(d) for d in matrix["destination_district"].values]
    n_o, n_d = len(origins), len(destinations)
    fig, ax = _figure(figsize=(0.75 * n_d + 4.5, 0.6 * n_o + 3))
    image = ax.imshow(shares, cmap="Blues", vmin=0, vmax=100, aspect="auto")
    for i in range(n_o):
        for j in range(n_d):
            dark = np.isfinite(shares[i, j]) and shares[i, j] > 55
            ax.text(j, i, f"{counts[i, j]:,.0f}", ha="center", va="center", fontsize="x-small",
                    color="white" if dark else "black")
    ax.set_xticks(np.arange(n_d), destinations, rotation=45, ha="right")
    ax.set_yticks(np.arange(n_o), [f"{o} ({r:,.0f})" for o, r in zip(origins, rows)])
    ax.set_xlabel("hospital's district (destination)")
    ax.set_ylabel("patient's district (origin), total admissions")
    fig.colorbar(image, ax=ax, label="% of the origin district's admissions",
                 format=PercentFormatter(100))
    when = f"{year}" if full else f"{year}, partial year"
    ax.set_title(_title(ds, f"Hospital admissions by origin and destination, {when}{_scale_note(ds)}"))
    return fig


def _run_colors(n: int) -> list:
    colors = matplotlib.colormaps["tab10"].colors
    return ["black"] + [colors[i % len(colors)] for i in range(n - 1)]


def _grouped_bars(ax, years, differences: Mapping[str, np.ndarray], colors, hatches=None) -> None:
    """Bars of several difference series per year, side by side."""
    x = np.arange(len(years))
    width = 0.8 / max(len(differences), 1)
    for k, (label, values) in enumerate(differences.items()):
        ax.bar(x - 0.4 + (k + 0.5) * width, values, width=width, color=colors[k], label=label,
               hatch=(hatches or {}).get(label))
    ax.axhline(0, color="black", linewidth=0.8)


@_fonts
def tradeoff_comparison(runs: Mapping[str, xr.Dataset]) -> Figure:
    """The hospital-bed conversion trade-off for a baseline (first, black) and scenarios.

    Top: citywide hospital occupancy (all ages) against the mean wait for an institution
    bed (left) and against delayed-discharge bed-days (right), one point per year and
    run, joined in time order (the baseline's first and every run's last year labelled).  Below, one row per
    indicator (:func:`tradeoff_indicators`): its yearly values by run (left) and each
    scenario minus the baseline (right; occupancy in percentage points, patients 60+
    hatched).  Partial years are marked ``*``.
    """
    if len(runs) < 1:
        raise ValueError("no runs to compare")
    indicators = {label: tradeoff_indicators(ds) for label, ds in runs.items()}
    labels = list(indicators)
    base = labels[0]
    colors = _run_colors(len(labels))
    years = sorted(set().union(*(set(ind[YEAR].values.tolist()) for ind in indicators.values())))
    full = {y: all(bool(ind["full_year"].sel({YEAR: y})) for ind in indicators.values()
                   if y in ind[YEAR].values) for y in years}
    tick_labels = [f"{y}" if full[y] else f"{y}*" for y in years]
    aligned = {label: ind.drop_vars("full_year").reindex({YEAR: years}) for label, ind in indicators.items()}
    first = next(iter(runs.values()))
    scale = _scale_note(first)

    fig = Figure(figsize=(13, 18), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplot_mosaic([["vs_wait", "vs_delay"], ["occ", "d_occ"], ["delay", "d_delay"],
                               ["wait", "d_wait"], ["queue", "d_queue"]],
                              gridspec_kw={"height_ratios": [1.4, 1, 1, 1, 1]})
    # trade-off scatter panels
    for key, other, ylabel in (("vs_wait", "institution_mean_wait_days", "mean wait for an institution bed (days)"),
                               ("vs_delay", "new_delayed_discharge_days",
                                f"delayed-discharge bed-days per year{scale}")):
        ax = axes[key]
        for label, color in zip(labels, colors):
            ind = aligned[label]
            x, y = 100 * ind["hospital_occupancy_total"].values, ind[other].values
            ax.plot(x, y, marker="o", markersize=4, color=color, linewidth=1.2, label=str(label),
                    zorder=3 if label == base else 2)
            ok = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
            # the last year of every run; the first only for the baseline (runs share it)
            for i in sorted({*(ok[:1].tolist() if label == base else []), *ok[-1:].tolist()}):
                ax.annotate(tick_labels[i], (x[i], y[i]), textcoords="offset points", xytext=(4, 4),
                            fontsize="x-small", color=color)
        ax.xaxis.set_major_formatter(PercentFormatter(100))
        ax.set_xlabel("hospital occupancy, all ages (% of acute bed-days, citywide)")
        ax.set_ylabel(ylabel)
        ax.legend(fontsize="small")
    axes["vs_wait"].set_title("Hospital occupancy vs wait for an institution bed", fontsize="medium")
    axes["vs_delay"].set_title("Hospital occupancy vs bed-blocking", fontsize="medium")

    x = np.arange(len(years))
    scenarios = labels[1:]
    # levels
    ax = axes["occ"]
    for label, color in zip(labels, colors):
        z = 3 if label == base else 2  # the baseline on top: where a scenario does not differ
        ax.plot(x, 100 * aligned[label]["hospital_occupancy_total"].values, marker="o", markersize=3,
                color=color, label=f"{label}, all ages", zorder=z)
        ax.plot(x, 100 * aligned[label]["hospital_occupancy"].values, marker="o", markersize=3,
                color=color, linestyle="--", label=f"{label}, patients 60+", zorder=z)
    ax.yaxis.set_major_formatter(PercentFormatter(100))
    ax.set_ylabel("hospital occupancy\n(% of acute bed-days)")
    for key, name, ylabel in (("delay", "new_delayed_discharge_days", f"delayed-discharge\nbed-days{scale}"),
                              ("wait", "institution_mean_wait_days", "mean wait for an\ninstitution bed (days)"),
                              ("queue", "institution_waiting", f"people waiting for an\ninstitution{scale}")):
        ax = axes[key]
        for label, color in zip(labels, colors):
            ax.plot(x, aligned[label][name].values, marker="o", markersize=3, color=color, label=str(label),
                    zorder=3 if label == base else 2)
        ax.set_ylabel(ylabel)
        ax.yaxis.set_major_formatter(_THOUSANDS if name != "institution_mean_wait_days" else
                                     ScalarFormatter())
    for key in ("occ", "delay", "wait", "queue"):
        axes[key].set_ylim(bottom=0)
        axes[key].legend(fontsize="x-small", ncol=2 if key == "occ" else 1)
    axes["occ"].set_title("By run", fontsize="medium")
    # differences
    diff_colors = colors[1:]
    occ_diffs, occ_colors, hatches = {}, [], {}
    for label, color in zip(scenarios, diff_colors):
        for name, what in (("hospital_occupancy_total", "all ages"), ("hospital_occupancy", "patients 60+")):
            key = f"{_diff_label(label, base)}, {what}"
            occ_diffs[key] = 100 * (aligned[label][name] - aligned[base][name]).values
            occ_colors.append(color)
            if name == "hospital_occupancy":
                hatches[key] = "//"
    _grouped_bars(axes["d_occ"], years, occ_diffs, occ_colors, hatches)
    axes["d_occ"].set_ylabel("percentage points")
    for key, name, ylabel in (("d_delay", "new_delayed_discharge_days", "bed-days"),
                              ("d_wait", "institution_mean_wait_days", "days"),
                              ("d_queue", "institution_waiting", "people")):
        diffs = {_diff_label(label, base): (aligned[label][name] - aligned[base][name]).values
                 for label in scenarios}
        _grouped_bars(axes[key], years, diffs, diff_colors)
        axes[key].set_ylabel(ylabel)
    for key in ("d_occ", "d_delay", "d_wait", "d_queue"):
        if scenarios:
            axes[key].legend(fontsize="x-small")
    axes["d_occ"].set_title("Difference from the baseline (scenario - baseline)", fontsize="medium")
    for key in ("occ", "delay", "wait", "queue", "d_occ", "d_delay", "d_wait", "d_queue"):
        axes[key].set_xticks(x, tick_labels, rotation=45 if len(years) > 12 else 0)
        axes[key].set_xlim(-0.6, len(years) - 0.4)
    for key in ("queue", "d_queue"):
        axes[key].set_xlabel("year")
    _partial_note(axes["d_queue"], tick_labels)
    names = ", ".join(map(str, scenarios)) if scenarios else "no scenario"
    fig.suptitle(f"Hospital beds and institution places: {names} vs {base}")
    return fig
