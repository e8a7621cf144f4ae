"""Standard plots of one eldersim run.

Each function takes a Dataset from :func:`eldersim_results.open_run` and returns a
:class:`matplotlib.figure.Figure` drawn on an Agg canvas (no display, no pyplot
state; save it with ``fig.savefig(...)``).  A function raises KeyError naming the
series it needs when that series is absent.

Districts and other within-run dimensions are summed; a ``replicate`` dimension is
averaged.  Sweep files with a ``scenario`` dimension must be narrowed to one
scenario first, e.g. ``ds.isel(scenario=0)``.
"""

from __future__ import annotations

import functools

import matplotlib
import numpy as np
import xarray as xr
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogFormatter

from .reader import PERIOD

__all__ = ["population_by_district", "age_pyramid", "deaths_and_entrants", "death_rate_by_age",
           "death_rates", "period_days"]

DAYS_PER_YEAR = 365.25
#: fonts tried, if installed, for Chinese scenario or district names (e.g. Debian fonts-noto-cjk)
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
             "SimHei", "Microsoft YaHei", "PingFang SC")
_THOUSANDS = FuncFormatter(lambda x, _: f"{abs(x):,.0f}")


@functools.lru_cache(maxsize=None)
def _cjk_fallback() -> tuple[str, ...]:
    """Installed fonts from CJK_FONTS."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return tuple(name for name in CJK_FONTS if name in installed)


def _fonts(plot):
    """Draw ``plot`` with CJK fonts as glyph fallback, so Chinese names render when available."""
    @functools.wraps(plot)
    def wrapper(*args, **kwargs):
        family = [*matplotlib.rcParams["font.family"], *_cjk_fallback()]
        with matplotlib.rc_context({"font.family": family}):
            return plot(*args, **kwargs)
    return wrapper


def _figure(**kwargs) -> tuple[Figure, object]:
    """A new Figure on an Agg canvas with one Axes."""
    fig = Figure(figsize=kwargs.pop("figsize", (8, 5)), layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot(**kwargs)


def _require(ds: xr.Dataset, *names: str) -> None:
    """Raise KeyError naming every series in ``names`` that ``ds`` lacks."""
    missing = [n for n in names if n not in ds.data_vars]
    if missing:
        raise KeyError(f"series {', '.join(missing)} not in this run")


def _reduce(da: xr.DataArray, keep: tuple[str, ...]) -> xr.DataArray:
    """Sum ``da`` over all dims not in ``keep``, except average over ``replicate``."""
    if "scenario" in da.dims and "scenario" not in keep:
        raise ValueError("dataset has a 'scenario' dimension; select one scenario first, "
                         "e.g. ds.isel(scenario=0)")
    if "replicate" in da.dims and "replicate" not in keep:
        da = da.mean("replicate")
    return da.sum([d for d in da.dims if d not in keep]).transpose(*keep)


def _title(ds: xr.Dataset, what: str) -> str:
    """Plot title, with the scenario name from the run metadata when known."""
    name = ds.attrs.get("scenario_name")
    return f"{what} \u2014 {name}" if name else what


def period_days(ds: xr.Dataset) -> xr.DataArray:
    """Length in days of each reporting period (``period_end`` is inclusive).

    Without a ``period_end`` coordinate, a period runs to the next period start and
    the last period is as long as the one before it.
    """
    start = ds[PERIOD]
    if "period_end" in ds.coords:
        return (ds["period_end"] - start).dt.days + 1
    days = np.diff(start.values).astype("timedelta64[D]").astype(float)
    days = np.append(days, days[-1] if len(days) else DAYS_PER_YEAR / 12)
    return xr.DataArray(days, coords={PERIOD: start}, dims=PERIOD)


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
    _require(ds, "new_deaths_by_sex_age", "person_years")
    deaths = _reduce(ds["new_deaths_by_sex_age"], ("sex", "age_band"))
    exposure = _reduce(ds["person_years"], ("sex", "age_band"))
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
