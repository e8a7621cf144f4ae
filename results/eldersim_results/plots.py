"""Standard plots of one eldersim run.

Each function takes a Dataset from :func:`eldersim_results.open_run` and returns a
:class:`matplotlib.figure.Figure` drawn on an Agg canvas (no display, no pyplot
state; save it with ``fig.savefig(...)``).  A function raises KeyError naming the
series it needs when that series is absent.

Districts and other within-run dimensions are summed (shares and occupancies are
combined into exact citywide values: weighted by people or by beds); a ``replicate``
dimension is averaged.  Sweep files with a ``scenario`` dimension must be narrowed to
one scenario first, e.g. ``ds.isel(scenario=0)``.

Care plots: :func:`care_shares_vs_9064`, :func:`care_shares_over_time`,
:func:`unmet_need`, :func:`capacity_and_waits`, :func:`spending_by_payer`; several
runs: :func:`scenario_comparison` (with :func:`citywide` and :func:`annual_means`).
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib
import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.figure import Figure
from matplotlib.ticker import LogFormatter, PercentFormatter

from ._shared import (CJK_FONTS, DAYS_PER_YEAR, PERIOD, _THOUSANDS, _check_scenario, _figure,  # noqa: F401
                      _figure_grid, _fonts, _in_year, _partial_note, _pick_year, _reduce, _require,
                      _title, _year_coverage, capacity_bed_days, hospital_capacity_bed_days, period_days)

__all__ = ["population_by_district", "age_pyramid", "deaths_and_entrants", "death_rate_by_age",
           "death_rates", "period_days", "care_shares_vs_9064", "care_shares_over_time", "unmet_need",
           "capacity_and_waits", "spending_by_payer", "scenario_comparison", "citywide", "annual_means",
           "TARGETS_9064", "REDUCTIONS"]

#: the "9064" pattern: 90% cared for at home, 6% in community care, 4% in institutions
TARGETS_9064 = {"home": 0.90, "community": 0.06, "institution": 0.04}
#: how :func:`citywide` combines districts (and other non-period dimensions)
REDUCTIONS = ("sum", "mean", "weighted", "auto")
_SERVICE_COLORS = {"home": "tab:green", "community": "tab:orange", "institution": "tab:purple"}


@_fonts
def population_by_district(ds: xr.Dataset) -> Figure:
    """People alive (thousands) at each period end, one line per district."""
    _require(ds, "n_alive")
    alive = _reduce(ds["n_alive"], (PERIOD, "district"))
    fig, ax = _figure()
    # tab20 keeps 11+ districts distinguishable (tab10 repeats after ten).
    colors = matplotlib.colormaps["tab20"].colors
    for i, district in enumerate(alive["district"].values):
        ax.plot(alive[PERIOD].values, alive.sel(district=district).values / 1000, label=str(district),
                color=colors[i % len(colors)], linestyle="-" if i < len(colors) else "--")
    ax.set_ylabel("people alive (thousands)")
    ax.set_xlabel("period start")
    ax.set_title(_title(ds, "Population by district"))
    ax.legend(fontsize="small", ncol=2 if alive.sizes["district"] > 6 else 1)
    return fig


@_fonts
def age_pyramid(ds: xr.Dataset, period=-1) -> Figure:
    """Age pyramid at one period end: men to the left, women to the right.

    ``period`` is a position (default the last period) or a date label.
    """
    _require(ds, "n_alive_by_sex_age")
    pop = _reduce(ds["n_alive_by_sex_age"], (PERIOD, "sex", "age_band"))
    pop = pop.isel({PERIOD: period}) if isinstance(period, (int, np.integer)) else pop.sel({PERIOD: period})
    bands = [str(b) for b in pop["age_band"].values]
    y = np.arange(len(bands))
    fig, ax = _figure()
    ax.barh(y, -pop.sel(sex="male").values, color="tab:blue", label="men")
    ax.barh(y, pop.sel(sex="female").values, color="tab:red", label="women")
    ax.set_yticks(y, bands)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.xaxis.set_major_formatter(_THOUSANDS)
    ax.set_xlabel("people alive")
    ax.set_ylabel("age band")
    when = np.datetime_as_string(pop[PERIOD].values, unit="D")
    ax.set_title(_title(ds, f"Age pyramid, period starting {when}"))
    ax.legend()
    return fig


@_fonts
def deaths_and_entrants(ds: xr.Dataset) -> Figure:
    """Deaths and new entrants (all districts) per period, annualised to people per year.

    Each period's flow is scaled by 365.25 / (days in the period).
    """
    _require(ds, "new_deaths", "new_entrants")
    scale = DAYS_PER_YEAR / period_days(ds)
    fig, ax = _figure()
    for name, label in (("new_deaths", "deaths"), ("new_entrants", "new entrants (turning 60)")):
        rate = _reduce(ds[name], (PERIOD,)) * scale
        ax.plot(rate[PERIOD].values, rate.values, label=label)
    ax.yaxis.set_major_formatter(_THOUSANDS)
    ax.set_ylabel("people per year (annualised)")
    ax.set_xlabel("period start")
    ax.set_ylim(bottom=0)
    ax.set_title(_title(ds, "Deaths and entrants, all districts"))
    ax.legend()
    return fig


def death_rates(ds: xr.Dataset) -> xr.DataArray:
    """Deaths per 1000 person-years by sex and age band over the whole run and all districts."""
    _require(ds, "new_deaths_by_sex_age", "new_person_years")
    deaths = _reduce(ds["new_deaths_by_sex_age"], ("sex", "age_band"))
    exposure = _reduce(ds["new_person_years"], ("sex", "age_band"))
    return 1000 * deaths / exposure.where(exposure > 0)


@_fonts
def death_rate_by_age(ds: xr.Dataset) -> Figure:
    """Annual deaths per 1000 person-years by age band, one line per sex (log scale)."""
    rates = death_rates(ds)
    bands = [str(b) for b in rates["age_band"].values]
    x = np.arange(len(bands))
    fig, ax = _figure()
    for sex in rates["sex"].values:
        ax.plot(x, rates.sel(sex=sex).values, marker="o", label=str(sex))
    ax.set_xticks(x, bands)
    values = rates.values[np.isfinite(rates.values)]
    if values.size and (values > 0).all():
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(LogFormatter(labelOnlyBase=False))
        ax.yaxis.set_minor_formatter(LogFormatter(labelOnlyBase=False, minor_thresholds=(2, 0.5)))
    ax.set_xlabel("age band")
    ax.set_ylabel("deaths per 1000 person-years")
    ax.set_title(_title(ds, "Death rate by age and sex, whole run"))
    ax.legend()
    return fig


# ---------------------------------------------------------------------------------------------
# Care system


def _annual_totals(ds: xr.Dataset, name: str, keep: tuple[str, ...]) -> tuple[xr.DataArray, list[str]]:
    """Flow ``name`` summed per calendar year (new dim ``year``) over all dims but ``keep``,
    and the year tick labels (a partial year is marked with ``*``)."""
    per_period = _reduce(ds[name], (PERIOD, *keep))
    years = per_period[PERIOD].dt.year.rename("year")
    totals = per_period.groupby(years).sum(PERIOD)
    coverage = _year_coverage(ds)
    labels = [f"{y}" if coverage.get(int(y), False) else f"{y}*" for y in totals["year"].values]
    return totals, labels


def _stacked_bars(ax, x, values: xr.DataArray, stack_dim: str, scale: float = 1.0) -> None:
    """Stacked bars of ``values`` [year, stack_dim] / ``scale``, one container per stack label."""
    bottom = np.zeros(len(x))
    colors = matplotlib.colormaps["tab10"].colors
    for i, label in enumerate(values[stack_dim].values):
        heights = values.sel({stack_dim: label}).values / scale
        ax.bar(x, heights, bottom=bottom, label=str(label).replace("_", " "),
               color=colors[i % len(colors)])
        bottom = bottom + heights


def _money_label(ds: xr.Dataset) -> str:
    scale = ds.attrs.get("scale")
    if isinstance(scale, (int, float)) and scale != 1:
        return f"million yuan per year (model at scale {scale:g})"
    return "million yuan per year"


@_fonts
def care_shares_vs_9064(ds: xr.Dataset, year=None) -> Figure:
    """Achieved care shares by district against the 9064 targets, one panel per service.

    Bars are the means over the periods of ``year`` (default: the last calendar year the
    run covers fully) of ``share_home`` (at home, with or without formal services),
    ``share_community`` and ``share_institution``; the last bar in each panel is the
    citywide share (district shares weighted by ``n_alive``).  Dashed lines mark the
    targets 90% / 6% / 4%.  Each panel has its own percent axis so the small shares
    stay readable.
    """
    names = {"home": "share_home", "community": "share_community", "institution": "share_institution"}
    _require(ds, *names.values(), "n_alive")
    year, full = _pick_year(ds, year)
    alive = _in_year(_reduce(ds["n_alive"], (PERIOD, "district")), year).astype(float)
    districts = [str(d) for d in alive["district"].values]
    city = ds.attrs.get("city") or "citywide"
    x = np.arange(len(districts))
    x_city = len(districts) + 0.6
    fig, axes = _figure_grid(3, figsize=(11, 10), sharex=True)
    for ax, (service, name) in zip(axes, names.items()):
        share = _in_year(_reduce(ds[name], (PERIOD, "district")), year)
        by_district = share.mean(PERIOD).values
        weights = alive.where(share.notnull(), 0.0)
        city_share = float(((share.fillna(0.0) * weights).sum("district") / weights.sum("district")).mean())
        color = _SERVICE_COLORS[service]
        bars = ax.bar(x, by_district, color=color, alpha=0.75, label=f"{service} (districts)")
        city_bar = ax.bar([x_city], [city_share], color=color, edgecolor="black", hatch="//",
                          label=f"{service} ({city})")
        for container in (bars, city_bar):
            ax.bar_label(container, labels=[f"{v:.1%}" if np.isfinite(v) else "" for v in container.datavalues],
                         fontsize="x-small", padding=2)
        target = TARGETS_9064[service]
        ax.axhline(target, color="black", linestyle="--", linewidth=1.2,
                   label=f"9064 target {target:.0%}")
        top = np.nanmax([*by_district, city_share, target]) if np.isfinite(by_district).any() else target
        ax.set_ylim(0, 1.08 if service == "home" else top * 1.25)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_ylabel("share of people 60+")
        ax.set_title({"home": "At home (with or without formal services): the 90",
                      "community": "Community care (day care): the 6",
                      "institution": "Institutions (elderly homes): the 4"}[service], fontsize="medium")
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))
    axes[-1].set_xticks([*x, x_city], [*districts, city], rotation=45, ha="right")
    when = f"{year}" if full else f"{year}, partial year"
    fig.suptitle(_title(ds, f"Care shares vs 9064 targets, mean of {when}"))
    return fig


@_fonts
def care_shares_over_time(ds: xr.Dataset) -> Figure:
    """Citywide shares of people 60+ in formal home care, community care and institutions
    (percent of ``n_alive`` at each period end), with the 6% and 4% targets dashed."""
    names = {"home": "n_home", "community": "n_community", "institution": "n_institution"}
    _require(ds, "n_alive", *names.values())
    alive = _reduce(ds["n_alive"], (PERIOD,)).astype(float)
    alive = alive.where(alive > 0)
    fig, ax = _figure()
    labels = {"home": "formal home care", "community": "community care", "institution": "institution"}
    for service, name in names.items():
        pct = 100 * _reduce(ds[name], (PERIOD,)) / alive
        ax.plot(pct[PERIOD].values, pct.values, color=_SERVICE_COLORS[service], label=labels[service])
    for service in ("community", "institution"):
        target = 100 * TARGETS_9064[service]
        ax.axhline(target, color=_SERVICE_COLORS[service], linestyle="--", linewidth=1.2,
                   label=f"{service} target {target:g}%")
    ax.yaxis.set_major_formatter(PercentFormatter(100))
    ax.set_ylim(bottom=0)
    ax.set_ylabel("percent of people 60+")
    ax.set_xlabel("period start")
    ax.set_title(_title(ds, "Care shares, all districts"))
    ax.legend(fontsize="small")
    return fig


@_fonts
def unmet_need(ds: xr.Dataset) -> Figure:
    """Citywide people in need of care and with unmet need (top) and coverage, the share of
    people in need who receive formal care, 1 - n_unmet / n_need (bottom)."""
    _require(ds, "n_need", "n_unmet")
    need = _reduce(ds["n_need"], (PERIOD,))
    unmet = _reduce(ds["n_unmet"], (PERIOD,))
    coverage = 100 * (1 - unmet / need.where(need > 0))
    fig, (top, bottom) = _figure_grid(2, figsize=(8, 7), sharex=True)
    t = need[PERIOD].values
    top.plot(t, need.values, color="tab:blue", label="in need of care")
    top.plot(t, unmet.values, color="tab:red", label="unmet need (no formal care)")
    top.yaxis.set_major_formatter(_THOUSANDS)
    top.set_ylim(bottom=0)
    top.set_ylabel("people")
    top.legend(fontsize="small")
    bottom.plot(t, coverage.values, color="tab:green", label="coverage")
    bottom.yaxis.set_major_formatter(PercentFormatter(100))
    bottom.set_ylim(0, 100)
    bottom.set_ylabel("coverage (% of people in need)")
    bottom.set_xlabel("period start")
    fig.suptitle(_title(ds, "Need for care and unmet need, all districts"))
    return fig


@_fonts
def capacity_and_waits(ds: xr.Dataset) -> Figure:
    """Citywide institution and nursing-bed occupancy (top) and people on waiting lists by
    service (bottom), at each period end.

    Citywide occupancy weights each district's occupancy by its beds, recovered as
    ``beds_per_1000 * n_alive / 1000`` (nursing beds: ``nursing_beds_per_100 * n_alive / 100``).
    """
    _require(ds, "institution_occupancy", "nursing_bed_occupancy", "beds_per_1000",
             "nursing_beds_per_100", "n_alive", "n_waiting")
    keep = (PERIOD, "district")
    alive = _reduce(ds["n_alive"], keep).astype(float)
    fig, (top, bottom) = _figure_grid(2, figsize=(8, 7), sharex=True)
    for occ_name, per_name, per, label, color in (
            ("institution_occupancy", "beds_per_1000", 1000, "institution beds", "tab:purple"),
            ("nursing_bed_occupancy", "nursing_beds_per_100", 100, "nursing-type beds", "tab:brown")):
        occ = _reduce(ds[occ_name], keep)
        beds = (_reduce(ds[per_name], keep) * alive / per).fillna(0.0).where(occ.notnull(), 0.0)
        total = beds.sum("district")
        city = 100 * (occ.fillna(0.0) * beds).sum("district") / total.where(total > 0)
        top.plot(city[PERIOD].values, city.values, color=color, label=label)
    top.axhline(100, color="grey", linewidth=0.8)
    top.yaxis.set_major_formatter(PercentFormatter(100))
    top.set_ylim(0, 105)
    top.set_ylabel("occupancy (% of places)")
    top.legend(fontsize="small", loc="lower right")
    waiting = _reduce(ds["n_waiting"], (PERIOD, "service"))
    for service in waiting["service"].values:
        bottom.plot(waiting[PERIOD].values, waiting.sel(service=service).values,
                    color=_SERVICE_COLORS.get(str(service)), label=str(service))
    bottom.yaxis.set_major_formatter(_THOUSANDS)
    bottom.set_ylim(bottom=0)
    bottom.set_ylabel("people waiting")
    bottom.set_xlabel("period start")
    bottom.legend(title="waiting for", fontsize="small")
    fig.suptitle(_title(ds, "Occupancy and waiting lists, all districts"))
    return fig


@_fonts
def spending_by_payer(ds: xr.Dataset) -> Figure:
    """Care spending per calendar year (million yuan), stacked by payer (top) and government
    spending stacked by instrument (bottom).  Partial years are marked ``*``.  Amounts are
    those of the simulated population (divide by the run's ``scale`` for the full city)."""
    _require(ds, "new_spending", "new_government_spending")
    by_payer, labels = _annual_totals(ds, "new_spending", ("payer",))
    by_type, _ = _annual_totals(ds, "new_government_spending", ("government_spending_type",))
    x = np.arange(by_payer.sizes["year"])
    fig, (top, bottom) = _figure_grid(2, figsize=(9, 8), sharex=True)
    _stacked_bars(top, x, by_payer, "payer", 1e6)
    top.set_title("All spending by payer", fontsize="medium")
    _stacked_bars(bottom, x, by_type, "government_spending_type", 1e6)
    bottom.set_title("Government spending by instrument", fontsize="medium")
    for ax in (top, bottom):
        ax.set_ylabel(_money_label(ds))
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))
    bottom.set_xticks(x, labels)
    bottom.set_xlabel("year")
    _partial_note(bottom, labels)
    fig.suptitle(_title(ds, "Care spending, all districts"))
    return fig


# ---------------------------------------------------------------------------------------------
# Several runs


def _info(ds: xr.Dataset, dim: str, name: str) -> xr.DataArray:
    """The /<dim>_info table ``name`` as read by open_run: coordinate ``<dim>_<name>``, or
    ``<dim>_info_<name>`` when that name was taken (KeyError if the run has neither)."""
    for coord in (f"{dim}_{name}", f"{dim}_info_{name}"):
        if coord in ds.coords and ds[coord].dims == (dim,):
            return ds[coord]
    raise KeyError(f"table /{dim}_info/{name} not in this run")


def _stays_ended_by_district(ds: xr.Dataset) -> xr.DataArray:
    """Hospital stays ending in each period in each district's hospitals, [period, district]:
    the weights of ``mean_length_of_stay`` (``new_stays_ended_by_hospital`` summed by
    ``/hospital_info/district``; 0 for a district without hospitals)."""
    stays = ds["new_stays_ended_by_hospital"]
    district = _info(ds, "hospital", "district").rename("district")
    by_district = stays.groupby(district).sum("hospital")
    return by_district.reindex(district=ds["district"].values, fill_value=0)


_CAPACITY_NEEDS = ("new_hospital_bed_days", "hospital_occupancy", "n_hospital_beds")
_UNIT_CAPACITY_NEEDS = ("new_elderly_bed_days_by_hospital", "elderly_occupancy_by_hospital", "n_beds_by_hospital")

#: weights that make ``reduce="weighted"`` the exact citywide value of a ratio series:
#: series -> (series needed, weights from the Dataset), or None for a mean whose weights
#: the run does not hold (its citywide value is a plain mean).  Other series are weighted
#: by n_alive.
_WEIGHTS = {
    "coverage": (("n_need",), lambda ds: ds["n_need"]),
    "institution_occupancy": (("beds_per_1000", "n_alive"), lambda ds: ds["beds_per_1000"] * ds["n_alive"]),
    "nursing_bed_occupancy": (("nursing_beds_per_100", "n_alive"),
                              lambda ds: ds["nursing_beds_per_100"] * ds["n_alive"]),
    "mean_wait_days": (("new_admissions_after_wait",), lambda ds: ds["new_admissions_after_wait"]),
    "hospital_occupancy": (_CAPACITY_NEEDS, capacity_bed_days),
    "hospital_occupancy_total": (_CAPACITY_NEEDS, capacity_bed_days),
    "elderly_occupancy_by_hospital": (_UNIT_CAPACITY_NEEDS, hospital_capacity_bed_days),
    "total_occupancy_by_hospital": (_UNIT_CAPACITY_NEEDS, hospital_capacity_bed_days),
    # the weights of the mean lengths of stay are the stays ending (discharge or death)
    "mean_length_of_stay": (("new_stays_ended_by_hospital",), _stays_ended_by_district),
    "mean_length_of_stay_by_hospital": (("new_stays_ended_by_hospital",),
                                        lambda ds: ds["new_stays_ended_by_hospital"]),
}


def _weights(ds: xr.Dataset, series: str) -> tuple[tuple[str, ...], object] | None:
    """``(series needed, weights function)`` for a weighted mean of ``series``, or None."""
    return _WEIGHTS.get(series, (("n_alive",), lambda ds: ds["n_alive"]))


def _resolve_reduce(da: xr.DataArray, ds: xr.Dataset, reduce: str) -> str:
    """``auto``: a weighted mean for shares and means that have weights (see
    :func:`citywide`), a plain mean for other shares and means, else a sum."""
    if reduce != "auto":
        return reduce
    if da.attrs.get("unit") != "share" and da.attrs.get("kind") != "mean":
        return "sum"
    if _weights(ds, str(da.name)) is None:
        return "mean"
    needs, weigh = _weights(ds, str(da.name))
    reduced = set(da.dims) - {"replicate", PERIOD}
    if not reduced or not all(n in ds.data_vars for n in needs):
        return "mean"
    try:
        weight_dims = set(weigh(ds).dims)
    except KeyError:  # a table the weights need is missing
        return "mean"
    return "weighted" if reduced <= weight_dims else "mean"


def citywide(ds: xr.Dataset, series: str, reduce: str = "sum") -> xr.DataArray:
    """``series`` combined over all dimensions but ``period`` (and ``replicate``, kept).

    ``reduce``:

    * ``"sum"``: counts, flows, money;
    * ``"mean"``: plain mean, NaN skipped;
    * ``"weighted"``: weighted mean, NaN skipped, giving the exact citywide value:
      ``coverage`` by ``n_need``, ``institution_occupancy`` by beds,
      ``nursing_bed_occupancy`` by nursing-type beds, ``mean_wait_days`` by
      ``new_admissions_after_wait``, ``hospital_occupancy`` and
      ``hospital_occupancy_total`` (and per hospital ``elderly_occupancy_by_hospital``,
      ``total_occupancy_by_hospital``) by acute bed-days available
      (:func:`eldersim_results.hospitals.capacity_bed_days`), any other series by
      district (``share_*``, ``mean_age``) by ``n_alive`` (only an approximation for,
      e.g., ``community_occupancy`` and ``home_care_utilisation``);
      ``mean_length_of_stay`` and ``mean_length_of_stay_by_hospital`` by the stays ending
      (``new_stays_ended_by_hospital``, summed by the hospital's district for the former);
    * ``"auto"``: weighted for shares and means that have weights, plain mean for other
      shares and means, sum for everything else.
    """
    if reduce not in REDUCTIONS:
        raise ValueError(f"reduce must be one of {', '.join(REDUCTIONS)}, not {reduce!r}")
    _require(ds, series)
    da = ds[series]
    _check_scenario(da)
    reduce = _resolve_reduce(da, ds, reduce)
    keep = [d for d in ("replicate", PERIOD) if d in da.dims]
    others = [d for d in da.dims if d not in keep]
    if reduce == "sum":
        out = da.sum(others)
    elif reduce == "mean":
        out = da.mean(others)
    else:
        if _weights(ds, series) is None:
            raise ValueError(f"reduce='weighted': the run has no weights for {series}; "
                             f"use reduce='mean'")
        needs, weigh = _weights(ds, series)
        _require(ds, *needs)
        weights = weigh(ds).astype(float)
        if not set(others) <= set(weights.dims):
            raise ValueError(f"reduce='weighted' weighs {series} by {', '.join(needs)}, which has no "
                             f"{', '.join(sorted(set(others) - set(weights.dims)))} dimension")
        weights = weights.fillna(0.0).where(da.notnull(), 0.0)
        total = weights.sum(others)
        out = (da.fillna(0.0) * weights).sum(others) / total.where(total > 0)
    return out.transpose(*keep)


def annual_means(runs: Mapping[str, xr.Dataset], series: str, reduce: str = "sum") -> pd.DataFrame:
    """Mean over the periods of each calendar year of the citywide ``series`` (replicates
    averaged): one row per year, one column per run (NaN where a run lacks the year)."""
    columns = {}
    for label, ds in runs.items():
        city = citywide(ds, series, reduce)
        if "replicate" in city.dims:
            city = city.mean("replicate")
        years = city[PERIOD].dt.year.rename("year")
        means = city.groupby(years).mean(PERIOD)
        columns[label] = pd.Series(means.values, index=means["year"].values.astype(int))
    table = pd.DataFrame(columns)
    table.index.name = "year"
    return table


def _weights_label(series: str) -> str:
    if series in ("hospital_occupancy", "hospital_occupancy_total", "elderly_occupancy_by_hospital",
                  "total_occupancy_by_hospital"):
        return "acute bed-days available"
    return " x ".join(_weights(None, series)[0])


@_fonts
def scenario_comparison(runs: Mapping[str, xr.Dataset], series: str, reduce: str = "sum") -> Figure:
    """One line per run of the citywide ``series`` (see :func:`citywide` for ``reduce``).

    ``runs`` maps a label to a Dataset, baseline first (drawn in black); the series
    needs the same dimensions in every run.  A run with a
    ``replicate`` dimension is drawn as the mean over replicates with a shaded 95%
    interval, mean +/- 1.96 sd / sqrt(n) (sd with n - 1 degrees of freedom).
    """
    if not runs:
        raise ValueError("no runs to compare")
    fig, ax = _figure(figsize=(9, 5))
    colors = matplotlib.colormaps["tab10"].colors
    unit = None
    for i, (label, ds) in enumerate(runs.items()):
        city = citywide(ds, series, reduce)
        unit = unit or ds[series].attrs.get("unit")
        color = "black" if i == 0 else colors[(i - 1) % len(colors)]
        t = city[PERIOD].values
        if "replicate" in city.dims:
            n = city.sizes["replicate"]
            mean = city.mean("replicate")
            if n > 1:
                half = 1.96 * city.std("replicate", ddof=1) / np.sqrt(n)
                ax.fill_between(t, (mean - half).values, (mean + half).values, color=color, alpha=0.2,
                                linewidth=0, label=f"{label} 95% interval (n={n})")
            city = mean
        ax.plot(t, city.values, color=color, linewidth=2 if i == 0 else 1.5, label=str(label))
    if unit == "share":
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    first = next(iter(runs.values()))
    how = _resolve_reduce(first[series], first, reduce)
    how = {"sum": "summed", "mean": "plain mean",
           "weighted": f"weighted by {_weights_label(series)}"}[how]
    ax.set_ylabel(f"{series} ({unit})" if unit else series)
    ax.set_xlabel("period start")
    ax.set_title(f"{series}, citywide ({how}): scenario comparison")
    ax.legend(fontsize="small")
    return fig
