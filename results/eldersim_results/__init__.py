"""Python tools for eldersim results: read run files into xarray and plot them.

>>> from eldersim_results import open_run, plots, hospitals
>>> ds = open_run("run.h5")
>>> plots.population_by_district(ds).savefig("pop.png")
>>> hospitals.admissions_matrix(ds, year=2021)      # [district, destination_district]
"""

from .reader import list_series, metadata, open_run
from . import plots
from . import hospitals

__all__ = ["open_run", "metadata", "list_series", "plots", "hospitals"]
