"""Open any eldersim HDF5 file: a run file or a sweep file, by its /metadata ``file_kind``.

>>> import eldersim_results
>>> ds = eldersim_results.open("beds-vs-ltc.h5")     # a sweep: [scenario, replicate, period, ...]
>>> ds = eldersim_results.open("guangzhou.h5")       # a run:   [period, ...]
"""

from __future__ import annotations

import warnings

import xarray as xr

from .integrity import OldSchemaWarning
from .reader import file_kind, open_run
from .sweep import SWEEP_KINDS, open_sweep

__all__ = ["open", "file_kind"]


def open(path, check: bool = True) -> xr.Dataset:  # noqa: A001 - the package's reader, not the builtin
    """:func:`~eldersim_results.sweep.open_sweep` for a file whose /metadata ``file_kind``
    is ``"sweep"``, ``"plan"`` or ``"calibration"`` (all laid out as sweeps),
    :func:`~eldersim_results.reader.open_run` otherwise (run files written
    before sweeps have no ``file_kind``).  ValueError for another ``file_kind``; ``check``
    (done once) and the file errors as in :func:`~eldersim_results.reader.open_run`."""
    kind = file_kind(path, check)
    with warnings.catch_warnings():  # file_kind has warned about an older schema version
        warnings.simplefilter("ignore", OldSchemaWarning)
        if kind in SWEEP_KINDS:
            return open_sweep(path, check=False)
        if kind == "run":
            return open_run(path, check=False)
    raise ValueError(f"{path}: unknown file_kind {kind!r} (expected 'run', 'sweep', 'plan' or 'calibration')")
