"""Python tools for eldersim results: read run files into xarray and plot them.

>>> from eldersim_results import open_run, plots
>>> ds = open_run("run.h5")
>>> plots.population_by_district(ds).savefig("pop.png")
"""

from .reader import list_series, metadata, open_run
from . import plots

__all__ = ["open_run", "metadata", "list_series", "plots"]
