"""The fit of a calibration file (``eldersim calibrate``, docs/calibration.md).

A calibration file is a sweep of two scenarios, ``start`` and ``fitted``, with a
/calibration group: the parameters (bounds, start, fitted value), the targets (published
value, tolerance, weight, source) with their simulated values per replicate at the start and
at the fit, and every evaluation of the search.

>>> fit = read_fit("results/guangzhou.h5")
>>> fit.targets[["value", "fitted", "fitted_lo", "fitted_hi", "met"]]
>>> fit_figure(fit)                   # simulated against published, and the search
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .integrity import LayoutError
from .reader import _decode, _open
from .stats import t_quantile

__all__ = ["Fit", "read_fit", "fit_figure", "targets_figure"]


@dataclass
class Fit:
    """What /calibration holds, as tables."""
    parameters: pd.DataFrame  # index path; low, high, start, fitted
    targets: pd.DataFrame     # index name; quantity, value, tolerance, weight, source, start, fitted, fitted_lo, fitted_hi, met
    search: pd.DataFrame      # one row per evaluation: parameter values and objective
    attrs: dict = field(default_factory=dict)


def _mean_interval(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95% t interval (as sim/interval.hpp) over the finite values."""
    x = values[np.isfinite(values)]
    if x.size == 0:
        return (np.nan, np.nan, np.nan)
    mean = float(x.mean())
    if x.size < 2:
        return (mean, np.nan, np.nan)
    half = t_quantile(0.975, x.size - 1) * float(x.std(ddof=1)) / np.sqrt(x.size)
    return (mean, mean - half, mean + half)


def read_fit(path, check: bool = True) -> Fit:
    """The fit stored in the calibration file ``path``; LayoutError if it has no /calibration."""
    with _open(path, check) as f:
        if "calibration" not in f:
            raise LayoutError(str(path), "no /calibration group: not a file of eldersim calibrate")
        g = f["calibration"]
        strings = (lambda name: [_decode(v) for v in g[name][()]])
        paths = strings("parameter")
        stats = (g["parameter_low_high_start_fitted"][()] if "parameter_low_high_start_fitted" in g
                 else np.zeros((4, 0)))  # a check of held-out targets fits nothing
        parameters = pd.DataFrame(stats.T, columns=["low", "high", "start", "fitted"],
                                  index=pd.Index(paths, name="path"))
        values = g["target_value_tolerance_weight"][()]
        at_start, at_fit = g["simulated_at_start"][()], g["simulated_at_fit"][()]
        rows = []
        for k, name in enumerate(strings("target")):
            start = _mean_interval(at_start[k])[0]
            fitted, lo, hi = _mean_interval(at_fit[k])
            rows.append({"name": name, "quantity": strings("target_quantity")[k], "value": values[0, k],
                         "tolerance": values[1, k], "weight": values[2, k], "source": strings("target_source")[k],
                         "start": start, "fitted": fitted, "fitted_lo": lo, "fitted_hi": hi,
                         "met": bool(abs(fitted - values[0, k]) <= values[1, k])})
        targets = pd.DataFrame(rows).set_index("name")
        search = pd.DataFrame(g["search"][()] if "search" in g else np.zeros((0, len(paths) + 1)),
                              columns=strings("search_column"))
        search.index.name = "evaluation"
        attrs = {k: _decode(v) for k, v in g.attrs.items()}
    return Fit(parameters, targets, search, attrs)


def fit_figure(fit: Fit) -> Figure:
    """Left: each target's simulated value at the start and at the fit (95% interval over
    replicates) against the published value and its tolerance, as a share of the published
    value.  Right: the objective of every evaluation, on a log scale."""
    fig = Figure(figsize=(11, 0.5 * len(fit.targets) + 3))
    FigureCanvasAgg(fig)
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    t = fit.targets
    y = np.arange(len(t))[::-1]
    scale = t["value"].where(t["value"] != 0, 1.0)
    left.barh(y, 2 * t["tolerance"] / scale, left=1 - t["tolerance"] / scale, color="#dde8f3",
              label="published ± tolerance")
    left.axvline(1.0, color="#333", lw=1)
    left.plot(t["start"] / scale, y, "o", mfc="none", color="#999", label="start")
    err = np.vstack([(t["fitted"] - t["fitted_lo"]) / scale, (t["fitted_hi"] - t["fitted"]) / scale])
    left.errorbar(t["fitted"] / scale, y, xerr=np.nan_to_num(err), fmt="o", color="#c0392b", capsize=3,
                  label="fitted, 95% interval")
    left.set_yticks(y, [f"{n}\n{v:g}" for n, v in zip(t.index, t["value"])], fontsize=8)
    left.set_xlabel("simulated / published")
    left.legend(fontsize=8, loc="best")
    objective = fit.search["objective"].to_numpy()
    if objective.size == 0:  # a check: no search to draw
        right.set_axis_off()
        right.text(0.5, 0.5, "a check of the configured values:\nno search", ha="center", va="center")
        fig.suptitle("Targets: simulated against published")
        fig.tight_layout()
        return fig
    right.semilogy(np.arange(1, len(objective) + 1), objective, ".", color="#999", label="evaluation")
    right.semilogy(np.arange(1, len(objective) + 1), np.fmin.accumulate(objective), "-", color="#c0392b",
                   label="best so far")
    right.set_xlabel("evaluation")
    right.set_ylabel("objective")
    right.legend(fontsize=8)
    fig.suptitle("Calibration: simulated against published targets")
    fig.tight_layout()
    return fig


def targets_figure(fits: dict) -> Figure:
    """Every target of several calibration files (``{label: Fit}``, e.g. "calibration target"
    and "held out") as simulated / published with its 95% interval over replicates, against
    the published value and its tolerance band; one colour per label."""
    rows = [(label, name, r) for label, fit in fits.items() for name, r in fit.targets.iterrows()]
    fig = Figure(figsize=(9, 0.45 * len(rows) + 2))
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    colours = ["#c0392b", "#2c7fb8", "#31a354", "#756bb1"]
    y = np.arange(len(rows))[::-1]
    for k, (label, name, r) in enumerate(rows):
        scale = r["value"] if r["value"] != 0 else 1.0
        colour = colours[list(fits).index(label) % len(colours)]
        ax.barh(y[k], 2 * r["tolerance"] / scale, left=1 - r["tolerance"] / scale, color="#eeeeee")
        lo, hi = r["fitted_lo"], r["fitted_hi"]
        err = [[0 if np.isnan(lo) else (r["fitted"] - lo) / scale], [0 if np.isnan(hi) else (hi - r["fitted"]) / scale]]
        ax.errorbar(r["fitted"] / scale, y[k], xerr=err, fmt="o" if r["met"] else "X", color=colour, capsize=3,
                    label=label if label not in ax.get_legend_handles_labels()[1] else None)
    ax.axvline(1.0, color="#333", lw=1)
    ax.set_yticks(y, [f"{name} ({r['value']:g})" for _, name, r in rows], fontsize=8)
    ax.set_xscale("log")
    ticks = [t for t in (0.25, 0.5, 0.8, 1, 1.25, 2, 4, 8) if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.set_xlabel("simulated / published (log scale); grey: the tolerance; X: not met")
    ax.legend(fontsize=8, loc="upper right")
    fig.suptitle("Targets: simulated against published, 95% intervals over replicates")
    fig.tight_layout()
    return fig
