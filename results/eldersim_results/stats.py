"""Intervals over replicates, with the engine's formula (docs/experiments.md).

For finite values x_1..x_n over the replicates (NaN left out):

    mean +- t_{0.975, n-1} * s / sqrt(n),    s^2 = sum (x_i - mean)^2 / (n - 1),

NaN when n < 2.  The paired difference scenario - baseline uses d_i = x_i(scenario) -
x_i(baseline) over the replicates where both are finite.  Values keep the unit of the
input (a difference of people is in people).

The t quantile is computed from the exact Student t distribution function for integer
degrees of freedom (Abramowitz and Stegun 26.7.3-4), inverted by bisection: the standard
library only, relative error below 1e-12 (scipy 1.10's ``t.ppf`` is off by up to 4e-9,
e.g. 4.302652729911 for t_{0.975,2} = 0.95 sqrt(2 / 0.0975) = 4.302652729749), so it
agrees with the engine's Boost.Math quantile to the printed digits.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import xarray as xr

__all__ = ["t_quantile", "interval", "paired_difference", "LEVEL"]

#: the level of every interval
LEVEL = 0.95
REPLICATE, SCENARIO = "replicate", "scenario"

def _t_two_sided(x: float, df: int) -> float:
    """P(|T| < x) for Student's t with integer ``df`` >= 1 (A&S 26.7.3, 26.7.4)."""
    theta = math.atan(x / math.sqrt(df))
    c2, s = math.cos(theta) ** 2, math.sin(theta)
    if df % 2:  # odd: 2/pi (theta + sin cos (1 + 2/3 cos^2 + 2.4/(3.5) cos^4 + ...))
        term, total = 1.0, 0.0
        for k in range(1, (df - 1) // 2 + 1):
            total += term
            term *= c2 * (2 * k) / (2 * k + 1)
        return 2 / math.pi * (theta + s * math.cos(theta) * total) if df > 1 else 2 * theta / math.pi
    term, total = 1.0, 0.0  # even: sin (1 + 1/2 cos^2 + 1.3/(2.4) cos^4 + ...)
    for k in range(1, df // 2 + 1):
        total += term
        term *= c2 * (2 * k - 1) / (2 * k)
    return s * total


@functools.lru_cache(maxsize=None)
def _t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile (p > 0.5) by bisection on theta = atan(t / sqrt(df)) in (0, pi/2)."""
    target = 2 * p - 1
    lo, hi = 0.0, math.pi / 2
    for _ in range(200):
        mid = (lo + hi) / 2
        if _t_two_sided(math.sqrt(df) * math.tan(mid), df) < target:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-16:
            break
    return math.sqrt(df) * math.tan((lo + hi) / 2)


def t_quantile(p: float, df: int) -> float:
    """Quantile ``p`` of Student's t with ``df`` degrees of freedom: t_quantile(0.975, 2) =
    4.3027; NaN for df < 1.  ``df`` must be an integer (it is n - 1 here)."""
    df = int(df)
    if df < 1:
        return math.nan
    if p == 0.5:
        return 0.0
    return _t_quantile(p, df) if p > 0.5 else -_t_quantile(1 - p, df)


def _t_factor(counts: np.ndarray) -> np.ndarray:
    """t_{0.975, n-1} / sqrt(n) for every count in ``counts`` (NaN where n < 2)."""
    top = int(counts.max()) if counts.size else 0
    table = np.array([t_quantile(0.5 + LEVEL / 2, k - 1) / math.sqrt(k) if k >= 2 else math.nan
                      for k in range(top + 1)])
    return table[counts]


def _without(da: xr.DataArray, dim: str) -> xr.DataArray:
    """``da`` without ``dim`` (its first slice), as a template for results over ``dim``:
    coordinates along ``dim`` (such as run_seed) are dropped."""
    along = [c for c in da.coords if dim in da[c].dims]
    return da.drop_vars(along).isel({dim: 0})


def interval(da: xr.DataArray, dim: str = REPLICATE) -> xr.Dataset:
    """Mean of ``da`` over ``dim`` and its 95% Student t interval: Dataset with ``mean``,
    ``lo``, ``hi`` (the unit of ``da``) and ``n`` (finite values), NaN values left out."""
    axis = da.get_axis_num(dim)
    x = np.asarray(da.values, dtype=np.float64)
    finite = np.isfinite(x)
    n = finite.sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, np.where(finite, x, 0.0).sum(axis=axis) / np.maximum(n, 1), np.nan)
        dev = np.where(finite, x - np.expand_dims(mean, axis), 0.0)
        sd = np.sqrt((dev ** 2).sum(axis=axis) / np.where(n > 1, n - 1, np.nan))
    half = _t_factor(n) * sd
    template = _without(da, dim)
    out = xr.Dataset({k: template.copy(data=v) for k, v in (("mean", mean), ("lo", mean - half),
                                                             ("hi", mean + half), ("n", n))})
    out["n"].attrs = {"unit": "replicates"}
    return out


def paired_difference(da: xr.DataArray, baseline=0, dim: str = REPLICATE,
                      scenario_dim: str = SCENARIO) -> xr.Dataset:
    """Paired difference scenario - baseline, replicate by replicate, and its 95% interval
    (:func:`interval` of the differences): Dataset ``mean``, ``lo``, ``hi``, ``n`` over
    every scenario (the baseline's difference is 0 with a zero-width interval where it
    is finite).  ``baseline`` is a position or a scenario name."""
    if not isinstance(baseline, (int, np.integer)):
        baseline = list(da[scenario_dim].values).index(baseline)
    axis = da.get_axis_num(scenario_dim)
    x = np.asarray(da.values, dtype=np.float64)
    return interval(da.copy(data=x - np.take(x, [baseline], axis=axis)), dim)
