"""Citywide and yearly values of a series, per scenario and replicate, for the real population.

Every function takes a run Dataset (from :func:`~eldersim_results.reader.open_run`) or a
sweep Dataset (from :func:`~eldersim_results.sweep.open_sweep`); a run is treated as a
sweep of one scenario (named by its ``scenario_name``) and one replicate
(:func:`as_sweep`).  Results keep the ``scenario`` and ``replicate`` axes so that
:mod:`eldersim_results.stats` can put intervals on them:

* :func:`citywide`: [scenario, replicate, period], the districts and other axes combined as
  :func:`eldersim_results.plots.citywide` does (sums for counts, exact weighted means for
  shares and means);
* :func:`annual`: [scenario, replicate, year], each calendar year's value: flows summed,
  stocks averaged over the year's period ends, means pooled with their weights (e.g. the
  mean wait of the year's admissions after a wait), peaks as the maximum, running totals
  at the year's last period end.

With ``real=True`` (the default) counts and money are divided by the population scale
(:mod:`eldersim_results.scale`); the ``unit`` attribute is kept (people, yuan, ...).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from . import plots
from ._shared import _year_coverage
from .scale import population_scale, to_real

__all__ = ["as_sweep", "citywide", "annual", "ANNUAL_RULES"]

SCENARIO, REPLICATE, PERIOD, YEAR = "scenario", "replicate", "period", "year"
#: how :func:`annual` combines a year's periods, by the series' ``kind``
ANNUAL_RULES = {"flow": "sum over the year's periods", "stock": "mean of the year's period ends",
                "mean": "pooled over the year's periods (weighted like the citywide value)",
                "max": "largest over the year's periods", "cumulative": "at the year's last period end"}


def as_sweep(ds: xr.Dataset) -> xr.Dataset:
    """``ds`` with leading ``scenario`` and ``replicate`` axes: unchanged for a sweep, a run
    as scenario [its scenario_name, or "run"] and replicate [0] (a run that already has a
    replicate axis keeps it)."""
    if REPLICATE not in ds.dims:
        ds = ds.expand_dims({REPLICATE: [0]})
    if SCENARIO not in ds.dims:
        ds = ds.expand_dims({SCENARIO: [str(ds.attrs.get("scenario_name") or "run")]})
    order = [d for d in (SCENARIO, REPLICATE) if d in ds.dims]
    return ds.transpose(*order, ...)


def _needed(ds: xr.Dataset, series: str) -> xr.Dataset:
    """``ds`` with only ``series`` and the series its citywide weights need (faster to split)."""
    spec = plots._weights(ds, series)
    names = [series, *(n for n in (spec[0] if spec else ()) if n in ds.data_vars and n != series)]
    return ds[names]


def _by_scenario(ds: xr.Dataset, compute) -> xr.DataArray:
    """``compute(one scenario's Dataset)`` for every scenario, stacked on ``scenario``."""
    names = ds[SCENARIO].values
    parts = [compute(ds.isel({SCENARIO: i})) for i in range(len(names))]
    index = pd.Index(names, name=SCENARIO)
    return xr.concat([p.drop_vars(SCENARIO, errors="ignore") for p in parts], dim=index)


def citywide(ds: xr.Dataset, series: str, reduce: str = "auto", real: bool = True) -> xr.DataArray:
    """``series`` combined over every axis but scenario, replicate and period:
    [scenario, replicate, period] (``reduce`` as in :func:`eldersim_results.plots.citywide`;
    ``real``: counts and money for the real population)."""
    ds = as_sweep(ds)
    plots._require(ds, series)
    out = _by_scenario(_needed(ds, series), lambda one: plots.citywide(one, series, reduce))
    out = out.transpose(SCENARIO, REPLICATE, PERIOD)
    out.attrs = dict(ds[series].attrs)
    out.name = series
    return to_real(out, population_scale(ds)) if real else out


def _pool_weights(one: xr.Dataset, series: str) -> xr.DataArray | None:
    """The citywide weights of mean ``series`` in each period, [replicate, period] (summed over
    the other axes where the series is finite), or None when the run has none for it."""
    da = one[series]
    others = [d for d in da.dims if d not in (REPLICATE, PERIOD)]
    spec = plots._weights(one, series)
    if spec is None or not all(n in one.data_vars for n in spec[0]):
        return None
    try:
        weights = spec[1](one).astype(float)
    except (KeyError, ValueError):
        return None
    if not set(weights.dims) <= set(da.dims) or not set(others) <= set(weights.dims):
        return None
    weights = weights.fillna(0.0).where(da.notnull(), 0.0)
    return weights.sum(others).transpose(*[d for d in (REPLICATE, PERIOD) if d in weights.dims])


def _years(ds: xr.Dataset, da: xr.DataArray, how: str, weights: xr.DataArray | None = None) -> xr.DataArray:
    """``da`` [..., period] combined within calendar years (``how``: sum, mean, max, last, pooled)."""
    years = da[PERIOD].dt.year.rename(YEAR)
    if how == "pooled" and weights is not None:
        total = weights.groupby(years).sum(PERIOD)
        out = (da.fillna(0.0) * weights).groupby(years).sum(PERIOD) / total.where(total > 0)
    elif how == "last":
        out = da.groupby(years).last(skipna=False)
    else:
        out = getattr(da.groupby(years), "mean" if how == "pooled" else how)(PERIOD)
    coverage = _year_coverage(ds)
    return out.assign_coords(full_year=(YEAR, np.array([coverage.get(int(y), False) for y in out[YEAR].values])))


_HOW = {"flow": "sum", "stock": "mean", "mean": "pooled", "max": "max", "cumulative": "last"}


def annual(ds: xr.Dataset, series: str, reduce: str = "auto", real: bool = True) -> xr.DataArray:
    """Each calendar year's citywide value of ``series``, [scenario, replicate, year], with a
    boolean ``full_year`` coordinate (see :data:`ANNUAL_RULES` for how a year's periods are
    combined; years are those the periods start in).  Units as the series' (a flow in
    people is people per year)."""
    ds = as_sweep(ds)
    plots._require(ds, series)
    kind = ds[series].attrs.get("kind", "stock")
    how = _HOW.get(kind, "mean")

    def one_scenario(one: xr.Dataset) -> xr.DataArray:
        values = plots.citywide(one, series, reduce)
        weights = _pool_weights(one, series) if how == "pooled" else None
        return _years(one, values, how, weights)

    out = _by_scenario(_needed(ds, series), one_scenario).transpose(SCENARIO, REPLICATE, YEAR)
    out.attrs = {**ds[series].attrs, "annual": ANNUAL_RULES.get(kind, ANNUAL_RULES["stock"])}
    out.name = series
    return to_real(out, population_scale(ds)) if real else out
