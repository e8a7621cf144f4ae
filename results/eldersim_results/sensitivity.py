"""Morris screening results (``eldersim sensitivity``, docs/sensitivity.md).

A sensitivity file has /metadata (``file_kind = "sensitivity"``) and a /sensitivity group:
the parameters (path, distribution, source), the outputs, the design (quantiles and values of
every point, its trajectory and the parameter moved) with each point's outputs, and the
indices mu*, mu and sigma per output and parameter.

>>> s = read_sensitivity("results/guangzhou.sensitivity.h5")
>>> ranking(s, "share_institution_2030")     # parameters by mu*, with mu, sigma and rank
>>> morris_figure(s)                          # mu* of every parameter, normalised per output
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .integrity import LayoutError
from .reader import _decode, _open

__all__ = ["Sensitivity", "read_sensitivity", "ranking", "morris_figure"]


@dataclass
class Sensitivity:
    """What /sensitivity holds, as tables (rows are outputs, columns parameters for the indices)."""
    parameters: pd.DataFrame  # index path; distribution, source
    outputs: pd.DataFrame     # index name; quantity
    mu_star: pd.DataFrame
    mu: pd.DataFrame
    sigma: pd.DataFrame
    design: pd.DataFrame      # one row per point: trajectory, moved, parameter values, outputs
    attrs: dict = field(default_factory=dict)


def read_sensitivity(path, check: bool = True) -> Sensitivity:
    """The results stored in the sensitivity file ``path``; LayoutError without /sensitivity."""
    with _open(path, check) as f:
        if "sensitivity" not in f:
            raise LayoutError(str(path), "no /sensitivity group: not a file of eldersim sensitivity")
        g = f["sensitivity"]
        strings = (lambda name: [_decode(v) for v in g[name][()]])
        paths, names = strings("parameter"), strings("output")
        parameters = pd.DataFrame({"distribution": strings("parameter_distribution"),
                                   "source": strings("parameter_source")}, index=pd.Index(paths, name="path"))
        outputs = pd.DataFrame({"quantity": strings("output_quantity")}, index=pd.Index(names, name="output"))
        index = (lambda name: pd.DataFrame(g[name][()], index=outputs.index,
                                           columns=pd.Index(paths, name="parameter")))
        moved = g["trajectory_moved"][()]
        design = pd.DataFrame(g["design_value"][()], columns=paths)
        design.insert(0, "moved", [paths[m] if m >= 0 else "" for m in moved[:, 1]])
        design.insert(0, "trajectory", moved[:, 0])
        for k, name in enumerate(names):
            design[name] = g["output_value"][()][:, k]
        design.index.name = "point"
        attrs = {k: _decode(v) for k, v in f["metadata"].attrs.items()}
        return Sensitivity(parameters, outputs, index("mu_star"), index("mu"), index("sigma"), design, attrs)


def ranking(s: Sensitivity, output: str) -> pd.DataFrame:
    """The parameters by mu* (largest first) for one output, with mu, sigma, mu* as a share of
    the largest, and rank."""
    table = pd.DataFrame({"mu_star": s.mu_star.loc[output], "mu": s.mu.loc[output],
                          "sigma": s.sigma.loc[output]})
    table = table.sort_values("mu_star", ascending=False, na_position="last")
    top = table["mu_star"].max()
    table["relative"] = table["mu_star"] / top if top > 0 else np.nan
    table["rank"] = np.arange(1, len(table) + 1)
    return table


def morris_figure(s: Sensitivity) -> Figure:
    """A heat map of mu* normalised by each output's largest (so 1 marks what drives it most)."""
    norm = s.mu_star.div(s.mu_star.max(axis=1).replace(0, np.nan), axis=0).T
    fig = Figure(figsize=(1.1 * len(norm.columns) + 5, 0.35 * len(norm.index) + 2.5))
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    image = ax.imshow(norm.to_numpy(dtype=float), aspect="auto", cmap="Reds", vmin=0, vmax=1)
    ax.set_xticks(np.arange(len(norm.columns)), norm.columns, rotation=30, ha="right", fontsize=8)
    ax.set_yticks(np.arange(len(norm.index)), norm.index, fontsize=8)
    for (i, j), v in np.ndenumerate(norm.to_numpy(dtype=float)):
        if np.isfinite(v):
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7, color="white" if v > 0.6 else "black")
    fig.colorbar(image, ax=ax, label="mu* / largest mu* of the output")
    fig.suptitle("Morris screening: what drives each output")
    fig.tight_layout()
    return fig
