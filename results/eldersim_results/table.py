"""The headline table of a run or sweep for one calendar year, with 95% intervals.

:func:`summary_table` gives, for a target year (default the last full calendar year), per
scenario the mean over replicates of each indicator with its Student t interval, and the
paired difference from the baseline with its interval (:mod:`eldersim_results.stats`,
computed here from the replicates' yearly values, :func:`eldersim_results.aggregate.annual`):

======================================  ===========================================  ==================
indicator                               yearly value                                 unit
======================================  ===========================================  ==================
coverage                                mean of the period ends, citywide            % of people in need
unmet need                              ``n_unmet``, mean of the period ends         people
mean wait, <service> (one per service)  pooled over the year's admissions after wait days
people waiting, <service>               ``n_waiting``, mean of the period ends       people
spending, <payer> and all payers        sum over the year                            million yuan per year
hospital occupancy, all ages            bed-days used / available                    %
delayed-discharge bed-days              sum over the year                            bed-days per year
======================================  ===========================================  ==================

Counts and money are for the real population (divided by the population scale).  An
indicator whose series the file lacks is left out.  :func:`wide_table` formats the table as
``mean [lo, hi]`` strings, one column per scenario and per difference.
"""

from __future__ import annotations

import math

import pandas as pd
import xarray as xr

from ._shared import _pick_year
from .aggregate import annual, as_sweep
from .selection import narrow
from .stats import interval, paired_difference
from .units import display_unit

__all__ = ["summary_table", "wide_table", "indicators", "COLUMNS"]

SCENARIO, YEAR = "scenario", "year"
#: columns of :func:`summary_table`
COLUMNS = ["indicator", "series", "unit", "scenario", "mean", "lo", "hi", "n", "diff_mean", "diff_lo",
           "diff_hi", "diff_n"]


def _labels(ds: xr.Dataset, dim: str, series: str) -> list:
    """Labels of ``dim`` for ``series``: all of them, or the one selected (scalar coordinate)."""
    if series not in ds.data_vars or dim not in ds.coords:
        return []
    if dim in ds[series].dims:
        return list(ds[dim].values)
    return [ds[dim].item()] if ds[dim].ndim == 0 else []


def _own_selection(ds: xr.Dataset, series: str, own: dict, select) -> dict | None:
    """The indicator's selection on what is left of ``ds``, or None if ``select`` excluded it."""
    out = {}
    for dim, label in own.items():
        if dim in ds[series].dims:
            out[dim] = label
        elif (select or {}).get(dim) != label:
            return None
    return out


def indicators(ds: xr.Dataset) -> list[tuple[str, str, dict, str]]:
    """``(label, series, selection, reduce)`` of each indicator the Dataset can give."""
    out = [("coverage", "coverage", {}, "auto"), ("unmet need", "n_unmet", {}, "sum")]
    services = _labels(ds, "service", "mean_wait_days")
    out += [(f"mean wait, {s}", "mean_wait_days", {"service": s}, "auto") for s in services]
    out += [(f"people waiting, {s}", "n_waiting", {"service": s}, "sum") for s in _labels(ds, "service", "n_waiting")]
    payers = _labels(ds, "payer", "new_spending")
    out += [(f"spending, {p}", "new_spending", {"payer": p}, "sum") for p in payers]
    out += [("spending, all payers", "new_spending", {}, "sum")]
    out += [("hospital occupancy, all ages", "hospital_occupancy_total", {}, "auto"),
            ("delayed-discharge bed-days", "new_delayed_discharge_days", {}, "sum")]
    return [item for item in out if item[1] in ds.data_vars]


def _rows(label: str, values: xr.DataArray, factor: float, unit: str) -> list[dict]:
    """One row per scenario: level and paired difference (``values`` [scenario, replicate])."""
    level, diff = interval(values * factor), paired_difference(values * factor)
    return [{"indicator": label, "series": values.name, "unit": unit, "scenario": str(name),
             "mean": float(level["mean"][i]), "lo": float(level["lo"][i]), "hi": float(level["hi"][i]),
             "n": int(level["n"][i]), "diff_mean": float(diff["mean"][i]), "diff_lo": float(diff["lo"][i]),
             "diff_hi": float(diff["hi"][i]), "diff_n": int(diff["n"][i])}
            for i, name in enumerate(values[SCENARIO].values)]


def summary_table(ds: xr.Dataset, year=None, select=None) -> pd.DataFrame:
    """The headline indicators of ``year`` (module doc), long format: one row per indicator and
    scenario, columns :data:`COLUMNS` (values in ``unit``; ``diff_*`` the paired difference
    scenario - baseline, 0 for the baseline; ``n`` the replicates).  ``select`` narrows every
    indicator (e.g. ``{"district": "Yuexiu"}``); an indicator whose own selection conflicts
    with it is left out.  The table's ``attrs`` hold the year and whether it is a full year."""
    ds = narrow(as_sweep(ds), select)
    year, full = _pick_year(ds, year)
    rows = []
    for label, series, own, reduce in indicators(ds):
        own = _own_selection(ds, series, own, select)
        if own is None:
            continue
        values = annual(ds.sel(own), series, reduce).sel({YEAR: year}, drop=True)
        factor, unit = display_unit(values, by=YEAR)
        rows += _rows(label, values, factor, unit)
    table = pd.DataFrame(rows, columns=COLUMNS)
    table.attrs.update(year=year, full_year=full, select=dict(select or {}))
    return table


def _decimals(*values: float) -> int:
    """Decimals that show the largest of ``values`` to three significant digits (0 from 100 up)."""
    size = max((abs(v) for v in values if math.isfinite(v)), default=0.0)
    return 0 if size >= 100 or size == 0 else max(0, 2 - math.floor(math.log10(size)))


def _cell(mean: float, lo: float, hi: float) -> str:
    """``mean [lo, hi]`` with common decimals, or the mean alone without an interval."""
    if not math.isfinite(mean):
        return "n/a"
    interval_known = math.isfinite(lo) and math.isfinite(hi)
    digits = _decimals(mean, lo, hi) if interval_known else _decimals(mean)
    show = (lambda v: f"{v:,.{digits}f}")
    return f"{show(mean)} [{show(lo)}, {show(hi)}]" if interval_known else show(mean)


def wide_table(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`summary_table` as strings: rows ``indicator (unit)``, one column per scenario
    (``mean [lo, hi]``) and one per scenario after the baseline (``<scenario> - <baseline>``)."""
    scenarios = list(dict.fromkeys(table["scenario"]))
    out = {}
    for name in scenarios:
        part = table[table["scenario"] == name]
        out[name] = [_cell(r.mean, r.lo, r.hi) for r in part.itertuples()]
    for name in scenarios[1:]:
        part = table[table["scenario"] == name]
        out[f"{name} - {scenarios[0]}"] = [_cell(r.diff_mean, r.diff_lo, r.diff_hi) for r in part.itertuples()]
    first = table[table["scenario"] == scenarios[0]] if scenarios else table
    index = pd.Index([f"{r.indicator} ({r.unit})" for r in first.itertuples()], name="indicator (unit)")
    return pd.DataFrame(out, index=index)
