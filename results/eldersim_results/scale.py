"""Population scale: from the agents of the model to the real population.

A run simulates ``population.scale`` agents per person, so every count of people, places
or beds, every amount of person-years, bed-days and money is for the agents; dividing it by
the scale gives the figure for the real population.  Shares, ratios, days and means need
no scaling.  The scale is ``/metadata/scale`` in a run file and ``population.scale`` of
each scenario's resolved configuration (``/scenarios/config_resolved``) in a sweep file
(1.0, the engine's default, when the configuration does not set it).
"""

from __future__ import annotations

import functools
import re

import numpy as np
import xarray as xr

__all__ = ["SCALED_UNITS", "population_scale", "is_scaled", "to_real", "scale_note"]

#: units (the series' ``unit`` attribute) that count agents and so scale with the population
SCALED_UNITS = frozenset({"people", "years", "yuan", "places", "beds", "bed-days", "meals"})
SCENARIO = "scenario"

try:
    import yaml
except ImportError:  # pragma: no cover - python3-yaml is part of Debian's desktop set
    yaml = None


@functools.lru_cache(maxsize=64)
def _scale_from_yaml(text: str) -> float | None:
    """``population.scale`` of a resolved configuration (1.0 if the text has no such key;
    None if the text is empty)."""
    if not text or not text.strip():
        return None
    if yaml is not None:
        population = (yaml.safe_load(text) or {}).get("population") or {}
        return float(population.get("scale", 1.0))
    match = re.search(r"^population:\s*\n(?:[ \t]+.*\n)*?[ \t]+scale:\s*([0-9.eE+-]+)", text + "\n", re.M)
    return float(match.group(1)) if match else 1.0


def population_scale(ds: xr.Dataset) -> xr.DataArray:
    """Agents per person for each scenario of ``ds`` ([scenario] if ``ds`` has that
    dimension, else a scalar): from ``scenario_config_resolved``, else the run's
    ``scale`` attribute, else NaN (unknown)."""
    fallback = ds.attrs.get("scale")
    fallback = float(fallback) if isinstance(fallback, (int, float, np.number)) else np.nan
    if SCENARIO not in ds.dims:
        return xr.DataArray(fallback)
    values = []
    texts = ds["scenario_config_resolved"].values if "scenario_config_resolved" in ds.coords else \
        [None] * ds.sizes[SCENARIO]
    for text in texts:
        found = _scale_from_yaml(str(text)) if text is not None else None
        values.append(fallback if found is None else found)
    return xr.DataArray(np.array(values, dtype=float), coords={SCENARIO: ds[SCENARIO].values}, dims=SCENARIO)


def is_scaled(da: xr.DataArray) -> bool:
    """Whether ``da`` counts agents (unit in SCALED_UNITS and not a mean or share)."""
    return da.attrs.get("unit") in SCALED_UNITS and da.attrs.get("kind") != "mean"


def to_real(da: xr.DataArray, scale: xr.DataArray) -> xr.DataArray:
    """``da`` for the real population: divided by ``scale`` (from :func:`population_scale`)
    if it counts agents, unchanged otherwise; attributes kept, ``real_population`` set.
    An unknown (NaN) scale leaves the values as they are."""
    if not is_scaled(da):
        return da
    scale = scale.fillna(1.0)
    if SCENARIO in scale.dims and SCENARIO in da.dims:
        scale = scale.sel({SCENARIO: da[SCENARIO].values})
    elif SCENARIO in scale.dims:
        scale = scale.isel({SCENARIO: 0}, drop=True)
    out = (da / scale).rename(da.name)
    out.attrs = {**da.attrs, "real_population": True}
    return out


def scale_note(scale: xr.DataArray) -> str:
    """Words for titles: how counts and money were scaled, e.g. ``real population (model at
    scale 0.01: counts and money / 0.01)``."""
    values = sorted({float(v) for v in np.atleast_1d(scale.values) if np.isfinite(v)})
    if not values:
        return "model agents (population scale unknown)"
    if values == [1.0]:
        return "real population (model at full scale)"
    shown = ", ".join(f"{v:g}" for v in values)
    return f"real population (model at scale {shown}: counts and money / scale)"
