"""Python tools for eldersim results: read run and sweep files into xarray, compare
scenarios with intervals, plot them and write reports.

>>> import eldersim_results
>>> from eldersim_results import open_run, open_sweep, open_summary, to_frame, compare, plots, hospitals
>>> ds = eldersim_results.open("beds-vs-ltc.h5")        # a sweep: [scenario, replicate, period, ...]
>>> compare.scenario_comparison(ds, "coverage").savefig("coverage.png")
>>> summary_table(ds, year=2030)                        # headline indicators with 95% intervals
>>> run = open_run("run.h5")
>>> plots.population_by_district(run).savefig("pop.png")
>>> hospitals.admissions_matrix(run, year=2021)        # [district, destination_district]

``eldersim_results.open`` is not in ``__all__`` (a star import would shadow the builtin).
"""

from .integrity import (SCHEMA_VERSION, DamagedFile, FileError, LayoutError, MissingFile, NewerSchemaFile,
                        NotAnEldersimFile, OldSchemaWarning)
from .reader import file_kind, list_series, metadata, open_run
from .sweep import open_summary, open_sweep
from .files import open  # noqa: A001
from .tidy import to_frame
from . import plots
from . import hospitals
from . import stats
from . import compare
from . import waits
from .table import summary_table, wide_table
from .report import build_report, write_report

__all__ = ["open_run", "open_sweep", "open_summary", "file_kind", "metadata", "list_series", "to_frame",
           "plots", "hospitals", "stats", "compare", "waits", "summary_table", "wide_table", "build_report",
           "write_report", "SCHEMA_VERSION", "FileError", "MissingFile", "NotAnEldersimFile", "DamagedFile",
           "NewerSchemaFile", "LayoutError", "OldSchemaWarning"]
