"""Read eldersim HDF5 run files into xarray.

Layout written by the engine (see docs/hdf5-schema.md):

* ``/metadata``       attributes describing the run (version, config, seed, ...).
* ``/dims``           1-D datasets; each one is a dimension's coordinate labels.
  ``period_start`` and ``period_end`` both label the ``period`` dimension.
* ``/series``         N-D datasets with a ``dims`` attribute ("period,district",
  ...) plus ``unit``, ``description`` and ``kind``.
* ``/facilities``     more such datasets ("period,facility"): per-facility series.
* ``/facility_info``  1-D datasets (``type``, ``district``, ``ownership``), one entry
  per facility: a table describing the ``facility`` dimension.
* ``/hospitals``      per-hospital series ("period,hospital").
* ``/hospital_info``  ``district``, ``tier`` and ``ownership`` of each hospital.

The reader is generic: ``/series`` and every other top-level group holding datasets
with a ``dims`` attribute (``/facilities``, ``/hospitals``) are read as variables,
every ``/<dim>_info`` group becomes coordinates ``<dim>_<name>`` on dimension
``<dim>`` (``/hospital_info/tier`` -> ``hospital_tier``), and any dimension in
``/dims`` (including a leading ``replicate`` or ``scenario`` axis) is read.  An info
coordinate whose name ``<dim>_<name>`` is already taken by a dimension, a /dims
coordinate or a variable is named ``<dim>_info_<name>`` instead.  Files are loaded
eagerly; run files are small.
"""

from __future__ import annotations

from contextlib import contextmanager

import h5py
import numpy as np
import pandas as pd
import xarray as xr

from . import integrity
from .integrity import LayoutError

__all__ = ["open_run", "metadata", "list_series", "file_kind"]

PERIOD = "period"
#: /dims entries that label the period dimension, and the coordinate each becomes.
_PERIOD_DIMS = {"period_start": PERIOD, "period_end": "period_end"}


def _decode(value):
    """Turn an HDF5 attribute value into plain Python (str, int, float, list)."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray):
        return _decode(value.item()) if value.ndim == 0 else [_decode(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _read_1d(dset: h5py.Dataset) -> np.ndarray:
    """Read a 1-D /dims dataset; strings come back as a unicode array."""
    if h5py.check_string_dtype(dset.dtype) is not None:
        return np.array(dset.asstr()[()], dtype=str)
    return dset[()]


@contextmanager
def _open(path, check: bool = True, stacklevel: int = 5):
    """``path`` open read-only as a context, checked to be an eldersim file of a readable
    schema version (integrity.py): with ``check`` all of it is read first in a child process,
    so a damaged file raises DamagedFile instead of crashing this one.  Errors h5py raises
    inside the block (a damaged file read with ``check=False``) become DamagedFile; a file of
    an older schema version gives an OldSchemaWarning (``stacklevel`` as for warnings.warn,
    counted from integrity.warn_if_old: 5 names the caller of a public reader)."""
    if check:
        integrity.check_file(path)
    with integrity.reading(path), integrity.open_file(path) as f:
        integrity.warn_if_old(path, integrity.schema_version(f), stacklevel)
        yield f


#: groups that never hold series (those after dims are a sweep file's, docs/experiments.md, with
#: a plan file's search and a calibration file's fit)
_NOT_SERIES = {"metadata", "dims", "summary", "scenarios", "runs", "parameters", "plan", "calibration"}
#: suffix of groups holding per-label tables of a dimension (``/facility_info``)
_INFO_SUFFIX = "_info"


def _series_groups(f: h5py.File) -> list[str]:
    """Top-level groups whose datasets are series: ``series`` first, then, in file order,
    every other group (not metadata, dims or ``*_info``) with a dataset carrying ``dims``."""
    groups = []
    for key, group in f.items():
        if not isinstance(group, h5py.Group) or key in _NOT_SERIES or key.endswith(_INFO_SUFFIX):
            continue
        datasets = [d for d in group.values() if isinstance(d, h5py.Dataset)]
        if key == "series" or any("dims" in d.attrs for d in datasets):
            groups.append(key)
    return sorted(groups, key=lambda g: g != "series")


def _series_items(f: h5py.File):
    """``(group, name, dataset)`` for every series dataset; a name may occur only once."""
    seen = {}
    for group in _series_groups(f):
        for name, dset in f[group].items():
            if not isinstance(dset, h5py.Dataset):
                continue
            if name in seen:
                raise LayoutError(f.filename, f"dataset name {name!r} occurs in both "
                                  f"/{seen[name]} and /{group}")
            seen[name] = group
            yield group, name, dset


def _series_dims(f: h5py.File, name: str, group: str = "series") -> tuple[str, ...]:
    """Dimension names of /<group>/<name>, from its comma-separated ``dims`` attribute."""
    raw = f[group][name].attrs.get("dims")
    if raw is None:
        raise LayoutError(f.filename, f"dataset /{group}/{name} has no 'dims' attribute")
    return tuple(d.strip() for d in _decode(raw).split(",") if d.strip())


def _read_values(dset: h5py.Dataset) -> np.ndarray:
    """The data of a series, its ``fill_value`` cells (sweep files: a label a scenario does
    not have) as NaN; an integer series becomes float64 only if it has such cells."""
    data = dset[()]
    if "fill_value" not in dset.attrs:
        return data
    fill = np.asarray(dset.attrs["fill_value"]).item()
    if isinstance(fill, float) and np.isnan(fill):
        return data
    mask = data == fill
    if not np.any(mask):
        return data
    data = data.astype(np.float64)
    data[mask] = np.nan
    return data


def _replicate_labels(values: np.ndarray) -> np.ndarray:
    """Replicate labels as integers (a file may store them as the strings "0", "1", ...)."""
    try:
        return np.asarray(values).astype(np.int64)
    except (TypeError, ValueError):
        return values


def _coords(f: h5py.File) -> dict[str, tuple[str, np.ndarray]]:
    """Coordinates from /dims: ``{coord name: (dim name, values)}``.

    ``period_start`` becomes the ``period`` coordinate and ``period_end`` an extra
    coordinate on ``period``, both as datetimes.
    """
    coords = {}
    for key, dset in f.get("dims", {}).items():
        if not isinstance(dset, h5py.Dataset) or dset.ndim != 1:
            continue
        values = _read_1d(dset)
        if key in _PERIOD_DIMS:
            try:
                values = pd.DatetimeIndex(pd.to_datetime(values, format="%Y-%m-%d"))
            except (ValueError, TypeError) as err:
                raise LayoutError(f.filename, f"/dims/{key} is not a list of YYYY-MM-DD dates: {err}") from None
            coords[_PERIOD_DIMS[key]] = (PERIOD, values)
        elif key == "replicate":
            coords[key] = (key, _replicate_labels(values))
        else:
            coords[key] = (key, values)
    sizes = {c: len(v) for c, (d, v) in coords.items() if d == PERIOD}
    if len(set(sizes.values())) > 1:
        raise LayoutError(f.filename, f"/dims/period_start and /dims/period_end differ in length: {sizes}")
    return coords


def _dim_size(coords, dim: str):
    """Length of dimension ``dim`` (None when /dims does not define it)."""
    return len(coords[dim][1]) if dim in coords and coords[dim][0] == dim else None


def _info_coords(f: h5py.File, coords, taken=()) -> dict[str, tuple[str, np.ndarray]]:
    """Coordinates from ``/<dim>_info`` tables: ``{"<dim>_<name>": (dim, values)}``.

    E.g. /facility_info/type becomes the coordinate ``facility_type`` on ``facility``,
    /hospital_info/tier ``hospital_tier`` on ``hospital``.  When ``<dim>_<name>`` is
    already a dimension, a /dims coordinate or a name in ``taken`` (the variables), the
    coordinate is ``<dim>_info_<name>``; if that is taken too, ValueError.
    """
    used = set(coords) | {d for d, _ in coords.values()} | set(taken)
    extra = {}
    for key, group in f.items():
        if not isinstance(group, h5py.Group) or not key.endswith(_INFO_SUFFIX) or key in _NOT_SERIES:
            continue
        dim = key[: -len(_INFO_SUFFIX)]
        for name, dset in group.items():
            if not isinstance(dset, h5py.Dataset):
                continue
            size = _dim_size(coords, dim)
            if size is None:
                raise LayoutError(f.filename, f"table /{key}/{name} describes dimension {dim!r} "
                                  f"but the file has no /dims/{dim}")
            if dset.shape != (size,):
                raise LayoutError(f.filename, f"table /{key}/{name} has shape {dset.shape} but "
                                  f"/dims/{dim} has {size} labels")
            coord = f"{dim}_{name}"
            if coord in used:
                coord = f"{dim}{_INFO_SUFFIX}_{name}"
            if coord in used:
                raise LayoutError(f.filename, f"table /{key}/{name} would become coordinate "
                                  f"{dim}_{name} or {coord}, but both names are already "
                                  f"dimensions, coordinates or variables")
            used.add(coord)
            extra[coord] = (dim, _read_1d(dset))
    return extra


def open_run(path, check: bool = True) -> xr.Dataset:
    """Read one eldersim run file into an :class:`xarray.Dataset`.

    One data variable per dataset in /series and in every other group of datasets
    with a ``dims`` attribute (/facilities, /hospitals), with dimensions from that
    attribute and coordinates from /dims (``period`` is a DatetimeIndex of period
    starts; ``period_end`` is an extra coordinate).  Each /<dim>_info table becomes a
    coordinate ``<dim>_<name>`` on dimension ``<dim>`` (``facility_type``,
    ``facility_district``, ``facility_ownership``; ``hospital_district``,
    ``hospital_tier``, ``hospital_ownership``), or ``<dim>_info_<name>`` when that
    name is already a dimension, coordinate or variable.  Variable attributes (unit,
    description, kind, ...) are copied except ``dims`` and ``fill_value``: cells holding
    a dataset's ``fill_value`` become NaN (an integer series with such cells becomes
    float64).  The Dataset's attributes are all /metadata attributes as str/int/float.
    A sweep file read this way has leading ``scenario`` and ``replicate`` axes but none
    of the scenario tables; read it with :func:`eldersim_results.sweep.open_sweep`.

    With ``check`` (the default) the whole file is first read in a child process
    (:func:`eldersim_results.integrity.check_file`), so a damaged file that would crash
    the HDF5 library raises DamagedFile instead of killing the interpreter; it costs about
    0.2 s for the 300 kB file of the small Guangzhou scenario run to 2021 (a Python start
    with h5py, 0.15 s, and the read), and a file that has not changed since it was checked
    is not checked again.  ``check=False`` skips it.

    Raises a :class:`~eldersim_results.integrity.FileError` (a ValueError) naming the file
    if it does not exist (MissingFile, also a FileNotFoundError), is not an eldersim file
    (NotAnEldersimFile: not HDF5, or no /metadata group), is damaged or truncated
    (DamagedFile) or was written by a newer eldersim (NewerSchemaFile: /metadata
    ``schema_version`` above :data:`~eldersim_results.integrity.SCHEMA_VERSION`); a file
    without ``schema_version`` (version 1) is read with an OldSchemaWarning.  LayoutError
    (a FileError) naming the file and dataset if a ``dims`` attribute is missing or names
    a dimension missing from /dims, a dataset's shape does not match, the same dataset
    name occurs in two groups, an info table's length differs from its dimension's, or
    neither name for an info coordinate is free.
    """
    with _open(path, check) as f:
        data_vars, coords, attrs = _read(f)
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def _read(f: h5py.File):
    """``(variables, coordinates, attributes)`` of an open eldersim file (see open_run)."""
    coords = _coords(f)
    data_vars = {}
    for group, name, dset in _series_items(f):
        dims = _series_dims(f, name, group)
        expected = []
        for dim in dims:
            size = _dim_size(coords, dim)
            if size is None:
                where = "/dims/period_start" if dim == PERIOD else f"/dims/{dim}"
                raise LayoutError(
                    f.filename, f"dataset /{group}/{name} has dimension {dim!r} "
                    f"but the file has no {where}")
            expected.append(size)
        if tuple(expected) != dset.shape:
            raise LayoutError(
                f.filename, f"dataset /{group}/{name} has shape {dset.shape} but its dims "
                f"{','.join(dims)} from /dims have sizes {tuple(expected)}")
        attrs = {k: _decode(v) for k, v in dset.attrs.items() if k not in ("dims", "fill_value")}
        data_vars[name] = xr.Variable(dims, _read_values(dset), attrs=attrs)
    coords.update(_info_coords(f, coords, taken=data_vars))
    attrs = {k: _decode(v) for k, v in f["metadata"].attrs.items()}
    return data_vars, coords, attrs


def metadata(path, check: bool = True) -> dict:
    """All /metadata attributes of a run file, decoded to str/int/float (``check`` and
    errors as in :func:`open_run`)."""
    with _open(path, check) as f:
        return {k: _decode(v) for k, v in f["metadata"].attrs.items()}


def file_kind(path, check: bool = True) -> str:
    """``"sweep"`` or ``"run"``: the /metadata attribute ``file_kind`` (a run file written
    before sweeps existed has none and is a run); ``check`` and errors as in :func:`open_run`."""
    with _open(path, check) as f:
        return str(_decode(f["metadata"].attrs.get("file_kind", "run")))


def list_series(path, check: bool = True) -> dict[str, tuple[tuple[str, ...], tuple[int, ...]]]:
    """``{series name: (dims, shape)}`` for every dataset :func:`open_run` reads as a
    variable (/series, /facilities, /hospitals, ...), without reading data in this process
    (``check`` and errors as in :func:`open_run`)."""
    with _open(path, check) as f:
        return {name: (_series_dims(f, name, group), dset.shape) for group, name, dset in _series_items(f)}
