"""Tidy (long) pandas tables of run, sweep and summary Datasets.

>>> to_frame(ds, "n_waiting", select={"service": "institution"}, years=(2025, 2030))
     scenario  replicate     period district  value
0    baseline          0 2025-01-01   Yuexiu   812.
...
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import xarray as xr

from .scale import population_scale, to_real
from .selection import narrow

__all__ = ["to_frame"]


def _one(ds: xr.Dataset, series: str, real: bool) -> pd.DataFrame:
    if series not in ds.data_vars:
        raise KeyError(f"series {series} not in this dataset")
    da = ds[series]
    if real:
        da = to_real(da, population_scale(ds))
    frame = da.drop_vars([c for c in da.coords if c not in da.dims]).to_dataframe(name="value").reset_index()
    return frame[[*da.dims, "value"]]


def to_frame(ds: xr.Dataset, series: str | Sequence[str], select: Mapping | None = None, years=None,
             real: bool = False, dropna: bool = False) -> pd.DataFrame:
    """``series`` of ``ds`` (a run, a sweep or a summary Dataset) as a long DataFrame: one
    column per dimension (``scenario``, ``replicate``, ``period`` as datetimes, ``district``,
    ..., ``stat`` for a summary) and ``value``, one row per cell.

    ``select`` and ``years`` narrow first (:func:`eldersim_results.selection.narrow`; a single
    label drops its column).  ``real``: counts and money for the real population (divided by
    the population scale).  Several series give a ``series`` column first (dimensions a series
    lacks are empty).  ``dropna`` drops NaN values (e.g. facilities a scenario does not have).
    ``attrs["unit"]`` holds the unit (of a single series)."""
    ds = narrow(ds, select, years, keep=())
    names = [series] if isinstance(series, str) else list(series)
    frames = [_one(ds, name, real) for name in names]
    if len(names) == 1:
        frame = frames[0]
        frame.attrs["unit"] = ds[names[0]].attrs.get("unit", "")
    else:
        frame = pd.concat([f.assign(series=name) for name, f in zip(names, frames)], ignore_index=True)
        frame = frame[["series", *[c for c in frame.columns if c not in ("series", "value")], "value"]]
    return frame.dropna(subset=["value"]).reset_index(drop=True) if dropna else frame
