"""Read eldersim sweep files (``eldersim sweep``, docs/experiments.md) into xarray.

A sweep file holds every series of a run file with two leading axes, ``scenario`` (the
baseline first) and ``replicate``, plus the tables that describe the sweep:

* :func:`open_sweep` returns a Dataset with one variable per series,
  [scenario, replicate, period, ...] (cells a scenario does not have, such as a facility
  it does not open, are NaN), and as coordinates the scenario definitions
  (``scenario_description``, ``scenario_config_file``, ``scenario_overrides``,
  ``scenario_config_resolved`` on ``scenario``), the seeds and costs of every run
  (``run_seed``, ``run_population_seed``, ``run_seconds``, ``run_person_steps`` on
  [scenario, replicate]) and the uncertain parameters (dimension ``parameter`` labelled
  by the configuration path, ``parameter_distribution``, ``parameter_source``, and the
  drawn ``parameter_value`` on [replicate, parameter]).
* :func:`open_summary` returns the summaries the engine computed, one variable per
  series with a leading ``stat`` dimension (``mean``, ``lo``, ``hi``, ``n``,
  ``diff_mean``, ``diff_lo``, ``diff_hi``), [stat, scenario, period, ...], all float64.

Units are those of the series (``unit`` attribute); counts and money are for the agents
(divide by ``population.scale``, see :mod:`eldersim_results.scale`).
"""

from __future__ import annotations

from contextlib import contextmanager

import h5py
import numpy as np
import xarray as xr

from .integrity import LayoutError
from .reader import PERIOD, _coords, _decode, _info_coords, _open, _read, _read_1d

__all__ = ["open_sweep", "open_summary", "SCENARIO", "REPLICATE", "STATS"]

SCENARIO, REPLICATE = "scenario", "replicate"
#: the statistics of /summary/<group>/<name>, in this order
STATS = ("mean", "lo", "hi", "n", "diff_mean", "diff_lo", "diff_hi")
#: /scenarios tables (besides ``name``) and /runs tables, read as coordinates
_SCENARIO_TABLES = ("description", "config_file", "overrides", "config_resolved")
_RUN_TABLES = ("seed", "population_seed", "seconds", "person_steps")


#: file kinds laid out as a sweep: a plan file (docs/planning.md) and a calibration file
#: (docs/calibration.md) are sweeps of two scenarios with one more group (/plan, /calibration)
SWEEP_KINDS = ("sweep", "plan", "calibration")


@contextmanager
def _open_sweep(path, check: bool = True):
    """``path`` open as a context (reader._open), checking that /metadata says
    ``file_kind`` is one of SWEEP_KINDS."""
    with _open(path, check, stacklevel=7) as f:
        kind = _decode(f["metadata"].attrs.get("file_kind", "run"))
        if kind not in SWEEP_KINDS:
            raise ValueError(f"{path}: not a sweep file (file_kind {kind!r}); read it with open_run")
        yield f


def _scenario_coords(f: h5py.File, scenarios: np.ndarray) -> dict:
    """``scenario_<table>`` coordinates from /scenarios; /scenarios/name must match /dims/scenario."""
    group = f.get("scenarios")
    if group is None:
        return {}
    if "name" in group and _read_1d(group["name"]).tolist() != scenarios.tolist():
        raise LayoutError(f.filename, f"/scenarios/name {_read_1d(group['name']).tolist()} differs from "
                          f"/dims/scenario {scenarios.tolist()}")
    out = {}
    for key in _SCENARIO_TABLES:
        if key in group:
            values = _read_1d(group[key])
            if values.shape != scenarios.shape:
                raise LayoutError(f.filename, f"/scenarios/{key} has shape {values.shape}, "
                                  f"/dims/scenario {scenarios.shape}")
            out[f"scenario_{key}"] = (SCENARIO, values)
    return out


def _run_coords(f: h5py.File, shape: tuple[int, int]) -> dict:
    """``run_<table>`` coordinates on [scenario, replicate] from /runs."""
    group = f.get("runs")
    out = {}
    for key in _RUN_TABLES:
        if group is not None and key in group:
            values = group[key][()]
            if values.shape != shape:
                raise LayoutError(f.filename, f"/runs/{key} has shape {values.shape}, expected "
                                  f"(scenario, replicate) = {shape}")
            out[f"run_{key}"] = ((SCENARIO, REPLICATE), values)
    return out


def _parameter_coords(f: h5py.File, replicates: int) -> dict:
    """The uncertain parameters: dimension ``parameter`` (labels: configuration paths) with
    ``parameter_distribution``, ``parameter_source`` and ``parameter_value`` [replicate, parameter]."""
    group = f.get("parameters")
    if group is None or "path" not in group:
        return {}
    paths = _read_1d(group["path"])
    out = {"parameter": ("parameter", paths)}
    for key in ("distribution", "source"):
        if key in group:
            out[f"parameter_{key}"] = ("parameter", _read_1d(group[key]))
    if "value" in group:
        values = group["value"][()]
        if values.shape != (replicates, len(paths)):
            raise LayoutError(f.filename, f"/parameters/value has shape {values.shape}, expected "
                              f"(replicate, parameter) = {(replicates, len(paths))}")
        out["parameter_value"] = ((REPLICATE, "parameter"), values)
    return out


def _check_axes(f: h5py.File, data_vars: dict) -> None:
    for name, var in data_vars.items():
        if var.dims[:3] != (SCENARIO, REPLICATE, PERIOD):
            raise LayoutError(f.filename, f"series {name} has dims {','.join(var.dims)}; a sweep "
                              f"series starts with scenario,replicate,period")


def open_sweep(path, check: bool = True) -> xr.Dataset:
    """Read a sweep file into a Dataset [scenario, replicate, period, ...] (see module doc).

    ``period`` is a DatetimeIndex of period starts (``period_end`` an extra coordinate),
    ``scenario`` holds the scenario names (baseline first), ``replicate`` the integers
    0 .. R-1; /<dim>_info tables become coordinates as in :func:`open_run`.  Cells with a
    dataset's ``fill_value`` are NaN.  The Dataset's attributes are the /metadata
    attributes.  ``check`` (read the whole file in a child process first, so a damaged file
    raises DamagedFile rather than crashing the interpreter) and the file errors as in
    :func:`~eldersim_results.reader.open_run`; ValueError if the file is not a sweep file or
    a table does not fit.
    """
    with _open_sweep(path, check) as f:
        data_vars, coords, attrs = _read(f)
        _check_axes(f, data_vars)
        scenarios = coords[SCENARIO][1]
        replicates = len(coords[REPLICATE][1])
        coords.update(_scenario_coords(f, scenarios))
        coords.update(_run_coords(f, (len(scenarios), replicates)))
        coords.update(_parameter_coords(f, replicates))
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def _summary_dims(f: h5py.File, group: str, name: str, node: h5py.Group, dset: h5py.Dataset) -> tuple[str, ...]:
    """Dims of a summary dataset: the ``dims`` attribute of the dataset or of its group
    /summary/<group>/<name> (the engine's), else the series' without ``replicate``."""
    raw = dset.attrs.get("dims", node.attrs.get("dims"))
    if raw is None and group in f and name in f[group]:
        raw = f[group][name].attrs.get("dims")
    if raw is None:
        raise LayoutError(f.filename, f"{dset.name} has no 'dims' attribute and no series /{group}/{name}")
    return tuple(d.strip() for d in _decode(raw).split(",") if d.strip() and d.strip() != REPLICATE)


def _summary_variable(f: h5py.File, coords, group: str, name: str,
                      node: h5py.Group) -> tuple[xr.Variable, list[str]]:
    """The statistics of one series stacked on a leading ``stat`` axis, as float64, and
    the names of the statistics found."""
    stats = [s for s in STATS if s in node]
    dims = _summary_dims(f, group, name, node, node[stats[0]])
    shape = tuple(len(coords[d][1]) if d in coords else -1 for d in dims)
    layers = []
    for stat in stats:
        values = node[stat][()].astype(np.float64)
        if values.shape != shape:
            raise LayoutError(f.filename, f"{node[stat].name} has shape {values.shape} but its dims "
                              f"{','.join(dims)} have sizes {shape}")
        layers.append(values)
    attrs = {k: _decode(v) for k, v in node.attrs.items() if k != "dims"}
    if group in f and name in f[group]:
        attrs.update({k: _decode(v) for k, v in f[group][name].attrs.items() if k not in ("dims", "fill_value")})
    attrs["group"] = group
    return xr.Variable(("stat", *dims), np.stack(layers), attrs=attrs), stats


def open_summary(path, check: bool = True) -> xr.Dataset:
    """The engine's summaries of a sweep file: one variable per series of /summary,
    [stat, scenario, period, ...] float64, with ``stat`` one of :data:`STATS`: the mean
    over replicates and its 95% Student t interval (``lo``, ``hi``), ``n`` the replicates
    with a finite value, and the paired difference scenario - baseline (``diff_mean``,
    ``diff_lo``, ``diff_hi``; zero for the baseline).  Attributes: the series' (unit, kind,
    description), those of /summary/<group>/<name> (``interval``) and ``group``.  Coordinates
    as in :func:`open_sweep`, without ``replicate``; ``check`` and errors as in :func:`open_sweep`."""
    with _open_sweep(path, check) as f:
        coords = {k: v for k, v in _coords(f).items() if v[0] != REPLICATE}
        variables, stat_labels = {}, None
        for group, node in f.get("summary", {}).items():
            for name, series in node.items():
                if name in variables:
                    raise LayoutError(f.filename, f"summary {name!r} occurs in two groups")
                variables[name], stats = _summary_variable(f, coords, group, name, series)
                if stat_labels is not None and stats != stat_labels:
                    raise LayoutError(f.filename, f"/summary/{group}/{name} has statistics {stats}, "
                                      f"others {stat_labels}")
                stat_labels = stats
        coords.update(_info_coords(f, coords, taken=variables))
        coords.update(_scenario_coords(f, coords[SCENARIO][1]))
        coords["stat"] = ("stat", np.array(stat_labels or [], dtype=str))
        attrs = {k: _decode(v) for k, v in f["metadata"].attrs.items()}
    return xr.Dataset(variables, coords=coords, attrs=attrs)
