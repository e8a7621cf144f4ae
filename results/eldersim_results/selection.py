"""Narrow a run or sweep Dataset along any of its axes and to a window of calendar years.

``select`` maps a dimension to one label (the dimension is dropped) or a list of labels,
e.g. ``{"service": "institution", "district": "Yuexiu"}``; ``years`` is one calendar year
or an inclusive ``(first, last)`` pair, matched against the year each period starts in.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import xarray as xr

__all__ = ["narrow", "describe", "year_window"]

PERIOD = "period"
#: dimensions a comparison needs: a single label is kept as a length-1 dimension
KEEP = ("scenario", "replicate")


def year_window(years) -> tuple[int, int] | None:
    """``(first, last)`` from None, one year or a pair."""
    if years is None:
        return None
    if isinstance(years, (int, np.integer, str)):
        return int(years), int(years)
    first, last = years
    return int(first), int(last)


def _check_labels(ds: xr.Dataset, dim: str, labels) -> None:
    if dim not in ds.dims:
        raise KeyError(f"cannot select {dim!r}: the dataset's dimensions are {', '.join(map(str, ds.dims))}")
    if dim == PERIOD:
        return
    known = set(ds[dim].values.tolist())
    missing = [label for label in labels if label not in known]
    if missing:
        raise KeyError(f"{dim} has no {', '.join(map(repr, missing))}; it has "
                       f"{', '.join(map(str, ds[dim].values.tolist()))}")


def narrow(ds: xr.Dataset, select: Mapping | None = None, years=None, keep=KEEP) -> xr.Dataset:
    """``ds`` restricted to ``select`` and the calendar years ``years`` (see module doc).
    A single label of a dimension in ``keep`` keeps the dimension (length 1).  KeyError
    naming the dimension or label when ``ds`` lacks it, ValueError for an empty window."""
    for dim, value in (select or {}).items():
        scalar = not isinstance(value, (list, tuple, np.ndarray))
        labels = [value] if scalar else list(value)
        _check_labels(ds, dim, labels)
        ds = ds.sel({dim: value if scalar and dim not in keep else labels})
    window = year_window(years)
    if window is not None:
        year = ds[PERIOD].dt.year.values
        rows = np.flatnonzero((year >= window[0]) & (year <= window[1]))
        if not rows.size:
            raise ValueError(f"no period starts in {window[0]}-{window[1]} (periods start in "
                             f"{year.min()}-{year.max()})")
        ds = ds.isel({PERIOD: rows})
    return ds


def describe(select: Mapping | None = None, years=None) -> str:
    """Words for a title: ``"service institution, district Yuexiu, 2025-2030"`` ("" if none)."""
    parts = []
    for dim, value in (select or {}).items():
        shown = ", ".join(map(str, value)) if isinstance(value, (list, tuple, np.ndarray)) else str(value)
        parts.append(f"{dim} {shown}")
    window = year_window(years)
    if window is not None:
        parts.append(f"{window[0]}" if window[0] == window[1] else f"{window[0]}-{window[1]}")
    return ", ".join(parts)
