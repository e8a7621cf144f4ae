"""Units for display: the series' ``unit`` attribute turned into what axes and tables show.

Shares are shown in percent, money in million yuan, person-years as such; flows per
reporting period or per year.  Values must already be for the real population
(:mod:`eldersim_results.scale`) when the label is used as such.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

__all__ = ["display_unit", "reporting_period", "PER_PERIOD"]

#: words for "per reporting period", by /metadata reporting_period
PER_PERIOD = {"month": "per month", "quarter": "per quarter", "year": "per year"}


def display_unit(da: xr.DataArray, by: str = "period", period: str = "month") -> tuple[float, str]:
    """``(factor, unit label)``: multiply values in the series' unit by ``factor`` to show them
    in the label's unit: shares in %, yuan in million yuan, and a flow ``per year`` when
    ``by == "year"``, else per reporting period (``period``: month, quarter or year)."""
    unit, kind = da.attrs.get("unit", ""), da.attrs.get("kind")
    factor, label = {"share": (100.0, "%"), "yuan": (1e-6, "million yuan")}.get(unit, (1.0, unit))
    if unit == "years" and kind != "mean":
        label = "person-years"
    if kind == "flow":
        label += " " + ("per year" if by == "year" else PER_PERIOD.get(period, "per period"))
    return factor, label


def reporting_period(ds: xr.Dataset) -> str:
    """``month``, ``quarter`` or ``year``: /metadata ``reporting_period`` when the file has it
    (run files), else judged from the period starts (a sweep file's /metadata has no calendar)."""
    known = ds.attrs.get("reporting_period")
    if known in PER_PERIOD:
        return str(known)
    starts = ds["period"].values
    if len(starts) < 2:
        return "period"
    days = float(np.median(np.diff(starts).astype("timedelta64[D]").astype(float)))
    return "month" if days <= 31 else "quarter" if days <= 92 else "year"
