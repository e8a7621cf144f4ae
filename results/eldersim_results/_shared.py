"""Helpers shared by :mod:`eldersim_results.plots` and :mod:`eldersim_results.hospitals`.

Both modules import from here and neither imports the other.  Public names defined here
are re-exported where users import them from: :func:`period_days` (and ``DAYS_PER_YEAR``,
``CJK_FONTS``) from :mod:`~eldersim_results.plots`, :func:`capacity_bed_days` and
:func:`hospital_capacity_bed_days` from :mod:`~eldersim_results.hospitals`.
"""

from __future__ import annotations

import functools

import matplotlib
import numpy as np
import pandas as pd
import xarray as xr
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from .reader import PERIOD

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


def _figure_grid(nrows: int, ncols: int = 1, **kwargs) -> tuple[Figure, np.ndarray]:
    """A new Figure on an Agg canvas with a grid of Axes (always a flat array)."""
    fig = Figure(figsize=kwargs.pop("figsize", (8, 5)), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False, **kwargs)
    return fig, axes.ravel()


def _check_scenario(da: xr.DataArray) -> None:
    if "scenario" in da.dims:
        raise ValueError("dataset has a 'scenario' dimension; select one scenario first, "
                         "e.g. ds.isel(scenario=0)")


def _period_bounds(ds: xr.Dataset) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex]:
    """First and last day (inclusive) of every period."""
    start = pd.DatetimeIndex(ds[PERIOD].values)
    end = start + pd.to_timedelta(np.asarray(period_days(ds).values, dtype=float) - 1, unit="D")
    return start, end


def _year_coverage(ds: xr.Dataset) -> dict[int, bool]:
    """``{calendar year: whether the run covers all of it}`` for each year a period starts in."""
    start, end = _period_bounds(ds)
    if not len(start):
        return {}
    first, last = start.min(), end.max()
    return {int(y): bool(first <= pd.Timestamp(int(y), 1, 1) and last >= pd.Timestamp(int(y), 12, 31))
            for y in sorted(set(start.year))}


def _pick_year(ds: xr.Dataset, year) -> tuple[int, bool]:
    """``(year, full)``: ``year`` checked against the run, or by default the last full year
    (the last year with any period when no year is fully covered)."""
    coverage = _year_coverage(ds)
    if not coverage:
        raise ValueError("run has no periods")
    if year is None:
        full = [y for y, whole in coverage.items() if whole]
        year = full[-1] if full else max(coverage)
    year = int(year)
    if year not in coverage:
        raise ValueError(f"year {year} is not in this run (periods start in "
                         f"{min(coverage)}-{max(coverage)})")
    return year, coverage[year]


def _in_year(da: xr.DataArray, year: int) -> xr.DataArray:
    return da.isel({PERIOD: np.flatnonzero(da[PERIOD].dt.year.values == year)})


def _partial_note(ax, labels: list[str]) -> None:
    if any(label.endswith("*") for label in labels):
        ax.annotate("* partial year", xy=(1, 0), xycoords="axes fraction", xytext=(0, -28),
                    textcoords="offset points", ha="right", va="top", fontsize="small")


# ---------------------------------------------------------------------------------------------
# Acute bed-days available: the weights of the hospital occupancies


def _available(used: xr.DataArray, occupancy: xr.DataArray, nominal: xr.DataArray) -> xr.DataArray:
    """Bed-days available: ``used / occupancy`` where occupancy > 0 (exact), ``nominal``
    where it is 0, and 0 where it is NaN (no beds open in the period)."""
    exact = used / occupancy.where(occupancy > 0)
    out = xr.where(occupancy > 0, exact, nominal).where(occupancy.notnull(), 0.0)
    return out.transpose(*occupancy.dims)


def capacity_bed_days(ds: xr.Dataset) -> xr.DataArray:
    """Acute bed-days available in each district's hospitals in each period, the weights
    of the district occupancies: [period, district] (and replicate, if any).

    The engine counts them day by day (beds open x days), so they are recovered exactly
    as ``new_hospital_bed_days / hospital_occupancy``; where the occupancy is 0,
    ``n_hospital_beds`` (at the period end) x days in the period; where it is NaN (no
    beds open), 0.
    """
    _require(ds, "new_hospital_bed_days", "hospital_occupancy", "n_hospital_beds")
    nominal = ds["n_hospital_beds"] * period_days(ds)
    return _available(ds["new_hospital_bed_days"], ds["hospital_occupancy"], nominal).rename("capacity_bed_days")


def hospital_capacity_bed_days(ds: xr.Dataset) -> xr.DataArray:
    """Acute bed-days available in each hospital in each period, [period, hospital]:
    ``new_elderly_bed_days_by_hospital / elderly_occupancy_by_hospital`` as in
    :func:`capacity_bed_days` (``n_beds_by_hospital`` x days where the occupancy is 0)."""
    _require(ds, "new_elderly_bed_days_by_hospital", "elderly_occupancy_by_hospital", "n_beds_by_hospital")
    nominal = ds["n_beds_by_hospital"] * period_days(ds)
    return _available(ds["new_elderly_bed_days_by_hospital"], ds["elderly_occupancy_by_hospital"],
                      nominal).rename("hospital_capacity_bed_days")
