"""Shared test helpers: synthetic eldersim run files written with h5py.

``make_run_file`` follows the engine's HDF5 schema exactly (variable-length UTF-8
strings, typed /metadata attributes, /dims and /series with dims/unit/description/
kind attributes) and returns the arrays it wrote so tests can compare values.
"""

from __future__ import annotations

import sys
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest

RESULTS_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(RESULTS_DIR))

DISTRICTS = ["Yuexiu", "Liwan", "Haizhu"]
SEXES = ["male", "female"]
AGE_BANDS = ["60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90-94", "95+"]
ADL_LEVELS = ["healthy", "mild", "moderate", "heavy", "severe"]
SEED = 2**63 + 12345  # above int64 range: checks that uint64 survives decoding

METADATA = {
    "eldersim_version": "0.1.0",
    "git_commit": "0123456789abcdef",
    "scenario_name": "广州 baseline",
    "config_file": "scenarios/guangzhou.yaml",
    "config_text": "name: 广州 baseline\nscale: 0.1\n",
    "config_resolved": "name: 广州 baseline\nscale: 0.1\nstep_days: 7\n",
    "seed": np.uint64(SEED),
    "threads": np.int32(8),
    "ranks": np.int32(1),
    "command_line": "eldersim run scenarios/guangzhou.yaml",
    "start_time": "2024-05-01T10:00:00Z",
    "end_time": "2024-05-01T10:05:00Z",
    "host": "testhost",
    "scale": np.float64(0.1),
    "step_days": np.int32(7),
    "start_date": "2020-01-01",
    "end_date": "2021-12-31",
    "reporting_period": "month",
}

# name -> (dims, unit, kind, description)
SERIES = {
    "n_alive": ("period,district", "people", "stock", "people alive at period end"),
    "n_alive_by_sex_age": ("period,district,sex,age_band", "people", "stock", "alive by sex and age band"),
    "n_adl": ("period,district,adl_level", "people", "stock", "alive by ADL level"),
    "new_deaths": ("period,district", "people", "flow", "deaths in the period"),
    "new_deaths_by_sex_age": ("period,district,sex,age_band", "people", "flow", "deaths by sex and age band"),
    "new_entrants": ("period,district", "people", "flow", "people turning 60 in the period"),
    "new_migrants_in": ("period,district", "people", "flow", "migrants into the district"),
    "new_migrants_out": ("period,district", "people", "flow", "migrants out of the district"),
    "mean_age": ("period,district", "years", "mean", "mean age at period end"),
    "person_years": ("period,district,sex,age_band", "years", "flow", "years of exposure lived in the period"),
}

STR = h5py.string_dtype("utf-8")


def periods(n_periods: int, start: str = "2020-01-01") -> tuple[pd.DatetimeIndex, pd.DatetimeIndex]:
    """Monthly period starts and inclusive period ends."""
    starts = pd.date_range(start, periods=n_periods, freq="MS")
    ends = starts + pd.offsets.MonthEnd(0)
    return starts, ends


def write_strings(group: h5py.Group, name: str, values) -> h5py.Dataset:
    """A 1-D variable-length UTF-8 string dataset."""
    return group.create_dataset(name, data=np.array(list(values), dtype=object), dtype=STR)


def write_series(group: h5py.Group, name: str, data, dims: str, unit="people",
                 kind="stock", description="") -> h5py.Dataset:
    """A chunked, compressed /series dataset with the engine's attributes."""
    dset = group.create_dataset(name, data=data, chunks=True, compression="gzip")
    dset.attrs["dims"] = dims
    dset.attrs["unit"] = unit
    dset.attrs["description"] = description
    dset.attrs["kind"] = kind
    return dset


def make_run_file(path, n_periods: int = 24, districts=DISTRICTS, omit=(), seed: int = 1) -> dict:
    """Write a synthetic eldersim run file at ``path``; return ``{series: array}`` written.

    The data are internally consistent: n_alive is n_alive_by_sex_age summed over sex
    and age, new_deaths likewise, n_adl sums to n_alive, person_years is about the
    population times the period length.  Series named in ``omit`` are left out.
    """
    rng = np.random.default_rng(seed)
    starts, ends = periods(n_periods)
    days = (ends - starts).days.to_numpy() + 1
    shape = (n_periods, len(districts), len(SEXES), len(AGE_BANDS))

    by_sex_age = rng.integers(100, 5000, size=shape).astype(np.int64)
    deaths_by_sex_age = rng.poisson(by_sex_age * 0.002 * np.arange(1, 9)).astype(np.int64)
    n_alive = by_sex_age.sum(axis=(2, 3))
    n_adl = rng.integers(0, 50, size=(n_periods, len(districts), len(ADL_LEVELS))).astype(np.int64)
    n_adl[..., 0] = n_alive - n_adl[..., 1:].sum(axis=2)
    data = {
        "n_alive": n_alive,
        "n_alive_by_sex_age": by_sex_age,
        "n_adl": n_adl,
        "new_deaths": deaths_by_sex_age.sum(axis=(2, 3)),
        "new_deaths_by_sex_age": deaths_by_sex_age,
        "new_entrants": rng.integers(0, 300, size=n_alive.shape).astype(np.int64),
        "new_migrants_in": rng.integers(0, 30, size=n_alive.shape).astype(np.int64),
        "new_migrants_out": rng.integers(0, 30, size=n_alive.shape).astype(np.int64),
        "mean_age": rng.uniform(68.0, 74.0, size=n_alive.shape),
        "person_years": by_sex_age * (days / 365.25)[:, None, None, None],
    }
    data = {k: v for k, v in data.items() if k not in omit}

    with h5py.File(path, "w") as f:
        meta = f.create_group("metadata")
        for key, value in METADATA.items():
            meta.attrs[key] = value
        dims = f.create_group("dims")
        write_strings(dims, "district", districts)
        write_strings(dims, "period_start", starts.strftime("%Y-%m-%d"))
        write_strings(dims, "period_end", ends.strftime("%Y-%m-%d"))
        write_strings(dims, "sex", SEXES)
        write_strings(dims, "age_band", AGE_BANDS)
        write_strings(dims, "adl_level", ADL_LEVELS)
        series = f.create_group("series")
        for name, values in data.items():
            dim_attr, unit, kind, description = SERIES[name]
            write_series(series, name, values, dim_attr, unit, kind, description)
    return data


@pytest.fixture
def run_file(tmp_path):
    """A default synthetic run file: ``(path, data written)``."""
    path = tmp_path / "run.h5"
    return path, make_run_file(path)
