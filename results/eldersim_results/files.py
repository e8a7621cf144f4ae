"""Open any eldersim HDF5 file: a run file or a sweep file, by its /metadata ``file_kind``.

>>> import eldersim_results
>>> ds = eldersim_results.open("beds-vs-ltc.h5")     # a sweep: [scenario, replicate, period, ...]
>>> ds = eldersim_results.open("guangzhou.h5")       # a run:   [period, ...]
"""

from __future__ import annotations

import xarray as xr

from .reader import file_kind, open_run
from .sweep import open_sweep

__all__ = ["open", "file_kind"]


def open(path) -> xr.Dataset:  # noqa: A001 - the package's reader, not the builtin
    """:func:`~eldersim_results.sweep.open_sweep` for a file whose /metadata ``file_kind``
    is ``"sweep"``, :func:`~eldersim_results.reader.open_run` otherwise (run files written
    before sweeps have no ``file_kind``).  ValueError for another ``file_kind``."""
    kind = file_kind(path)
    if kind == "sweep":
        return open_sweep(path)
    if kind == "run":
        return open_run(path)
    raise ValueError(f"{path}: unknown file_kind {kind!r} (expected 'run' or 'sweep')")
