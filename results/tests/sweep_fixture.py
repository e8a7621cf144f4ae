"""Synthetic sweep files, written with h5py exactly as docs/experiments.md specifies.

``make_sweep_file(path)`` writes a baseline and one scenario ("beds-plus"), each with three
replicates: replicate r of both starts from the same synthetic run (make_run_file with
seed 100 + r, common random numbers), and the scenario changes a few series by a factor
drawn per replicate (less unmet need, shorter waits for an institution, more government
spending, less bed-blocking).  The scenario opens one facility the baseline lacks, so the
union facility axis has a label whose baseline cells hold the dataset's ``fill_value``
(NaN, or the smallest int64).  Every series has the dims attribute
``scenario,replicate,period,...``; /summary holds the mean, the Student t interval and the
paired differences computed here with the t quantiles below (not with the package's code).
It returns what it wrote, the series as float arrays with NaN for the filled cells.
"""

from __future__ import annotations

import math

import h5py
import numpy as np

from conftest import make_run_file, write_strings

SCENARIOS = ["baseline", "beds-plus"]
DESCRIPTIONS = ["The Guangzhou baseline", "20% more beds in the old core, a new home in Haizhu"]
NEW_FACILITY = ("Haizhu new home", "institution", "Haizhu", "public")
SCALE = 0.1
INT_FILL = np.iinfo(np.int64).min
#: t_{0.975, df}, to 17 digits (mpmath)
T975 = {1: 12.706204736174705, 2: 4.3026527297494639, 3: 3.1824463052837096, 4: 2.7764451051977944,
        5: 2.5705818356363155}
SERIES_GROUPS = ("series", "facilities", "hospitals")
#: the statistics of /summary/<group>/<name>
STATS_NAMES = ("mean", "lo", "hi", "n", "diff_mean", "diff_lo", "diff_hi")
INFO_GROUPS = ("facility_info", "hospital_info")
PARAMETERS = [("hospital_system.admission.rate_multiplier", "lognormal", "assumption: +-10%"),
              ("care.renege_days", "uniform", "assumption: 30 to 90 days")]

#: /metadata of a sweep file, with the names and HDF5 types the engine writes (the baseline
#: run's model attributes, then the sweep's; test_engine_sweep.py checks them against the engine)
SWEEP_METADATA = {
    "block_size": np.int64(2048),
    "city": "Guangzhou",
    "command_line": "eldersim sweep configs/sweeps/beds-plus.yaml --set population.scale=0.1",
    "description": "Synthetic test sweep: three districts of Guangzhou.",
    "eldersim_version": "0.2.0",
    "end_time": "2024-06-01T10:02:00Z",
    "file_kind": "sweep",
    "git_commit": "fedcba9876543210",
    "host": "testhost",
    "interval_method": "95% Student t across replicates (docs/experiments.md)",
    "jobs": np.int32(4),
    "lane_kernel": "portable",
    "min_age": np.int32(60),
    "n_agents_start": np.int64(10000),
    "overrides": "population.scale=0.1",
    "parameter_draws": np.int32(1),
    "population_mode": "per_replicate",
    "population_seed": np.uint64(7466095832051572305),
    "ranks": np.int32(1),
    "replicates": np.int32(3),
    "rng_contract": "philox4x32-lanes/philox4x64-streams v2",
    "root_seed": np.uint64(20200101),
    "scale": np.float64(SCALE),
    "scenario_name": "baseline",
    "scenarios": np.int32(2),
    "schema_version": np.int64(2),
    "start_time": "2024-06-01T10:00:00Z",
    "sweep_description": "More beds in the old core against the baseline",
    "sweep_file": "configs/sweeps/beds-plus.yaml",
    "sweep_name": "beds-plus",
    "sweep_text": "name: beds-plus\nbaseline: ../guangzhou.yaml\nreplicates: 3\n",
    "wall_seconds": np.float64(120.0),
    "start_date": "2020-01-01",
    "end_date": "2020-03-31",
    "step_days": np.int32(7),
    "reporting_period": "month",
    "threads": np.int32(2),
}


def _read_run(path) -> dict:
    """``{(group, name): (array, attrs)}`` of a run file's series, and its /dims and info tables."""
    out = {"series": {}, "dims": {}, "info": {}}
    with h5py.File(path, "r") as f:
        for group in SERIES_GROUPS:
            for name, dset in f[group].items():
                out["series"][(group, name)] = (dset[()], {k: dset.attrs[k] for k in dset.attrs})
        for name, dset in f["dims"].items():
            out["dims"][name] = dset.asstr()[()].tolist()
        for group in INFO_GROUPS:
            for name, dset in f[group].items():
                out["info"][(group, name)] = dset.asstr()[()].tolist()
    return out


def _effects(values: dict, rng) -> dict:
    """The scenario's version of one replicate's series (``{name: array}``)."""
    out = dict(values)
    unmet = np.round(values["n_unmet"] * rng.uniform(0.80, 0.90)).astype(np.int64)
    need = values["n_need"]
    out["n_unmet"] = unmet
    out["coverage"] = np.where(need > 0, 1 - unmet / np.maximum(need, 1), np.nan)
    wait = values["mean_wait_days"].copy()
    wait[..., 2] *= rng.uniform(0.6, 0.8)
    out["mean_wait_days"] = wait
    waiting = values["n_waiting"].copy()
    waiting[..., 2] = np.round(waiting[..., 2] * rng.uniform(0.5, 0.7)).astype(np.int64)
    out["n_waiting"] = waiting
    spending = values["new_spending"].copy()
    spending[..., 0] = np.round(spending[..., 0] * rng.uniform(1.08, 1.12) * 100) / 100  # whole fen
    out["new_spending"] = spending
    out["new_delayed_discharge_days"] = np.floor(values["new_delayed_discharge_days"] * rng.uniform(0.7, 0.9))
    shift = rng.uniform(0.001, 0.003)
    out["share_institution"] = values["share_institution"] + shift
    out["share_home"] = values["share_home"] - shift
    return out


def _new_facility_values(name: str, template: np.ndarray, rng) -> np.ndarray:
    """Values of the new facility's column of a facility series."""
    n = template.shape[0]
    if name == "mean_wait_days_by_facility":
        return np.where(rng.uniform(size=n) < 0.7, rng.uniform(5, 40, n), np.nan)
    high = {"n_places_by_facility": 2, "n_occupied_by_facility": 1}.get(name, 0)
    return (rng.integers(30, 40, n) * (1 + high)).astype(np.int64)


def _stack(runs: list[dict], n_facilities: int, rng) -> dict:
    """``{(group, name): (array [scenario, replicate, ...] as written, attrs)}``."""
    stacked = {}
    per_scenario = []
    for s in range(len(SCENARIOS)):
        reps = []
        for r, run in enumerate(runs):
            values = {name: arr for (_, name), (arr, _) in run["series"].items()}
            reps.append(_effects(values, np.random.default_rng([s, r])) if s else values)
        per_scenario.append(reps)
    for (group, name), (template, attrs) in runs[0]["series"].items():
        is_int = template.dtype.kind == "i"
        fill = INT_FILL if is_int else np.nan
        layers = []
        for s, reps in enumerate(per_scenario):
            rows = []
            for r in range(len(runs)):
                arr = reps[r][name]
                if group == "facilities":
                    extra = _new_facility_values(name, arr, rng) if s else np.full(arr.shape[0], fill)
                    arr = np.concatenate([arr, extra.astype(arr.dtype)[:, None]], axis=1)
                    assert arr.shape[1] == n_facilities
                rows.append(arr)
            layers.append(np.stack(rows))
        stacked[(group, name)] = (np.stack(layers).astype(template.dtype), attrs, fill)
    return stacked


def _decoded(arr: np.ndarray, fill) -> np.ndarray:
    """The written array as float with NaN for the fill cells."""
    out = arr.astype(np.float64)
    if arr.dtype.kind == "i":
        out[arr == fill] = np.nan
    return out


def t_interval(x: np.ndarray, axis: int):
    """Mean, lo, hi and n over ``axis`` of finite values, by the docs' formula with T975."""
    finite = np.isfinite(x)
    n = finite.sum(axis=axis)
    total = np.where(finite, x, 0.0).sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, total / np.maximum(n, 1), np.nan)
        dev = np.where(finite, x - np.expand_dims(mean, axis), 0.0)
        sd = np.sqrt((dev ** 2).sum(axis=axis) / np.where(n > 1, n - 1, np.nan))
        t = np.vectorize(lambda k: T975[k - 1] / math.sqrt(k) if k >= 2 else np.nan, otypes=[float])(n)
    half = t * sd
    return mean, mean - half, mean + half, n


def _summary(x: np.ndarray) -> dict:
    """The /summary statistics of ``x`` [scenario, replicate, ...] (float, NaN = missing)."""
    mean, lo, hi, n = t_interval(x, axis=1)
    d_mean, d_lo, d_hi, _ = t_interval(x - x[:1], axis=1)
    for arr in (d_mean, d_lo, d_hi):
        arr[0] = 0.0  # zero for the baseline
    return {"mean": mean, "lo": lo, "hi": hi, "n": n.astype(np.int64),
            "diff_mean": d_mean, "diff_lo": d_lo, "diff_hi": d_hi}


def _config_resolved(s: int) -> str:
    return (f"scenario:\n  name: {SCENARIOS[s]}\n  description: {DESCRIPTIONS[s]}\n"
            f"population:\n  scale: {SCALE}\n  min_age: 60\nsimulation:\n  start: 2020-01-01\n")


def make_sweep_file(path, n_periods: int = 24, replicates: int = 3, summary_dims: str | None = "group",
                    int_replicates: bool = False, run_costs: bool = True, tmp_dir=None) -> dict:
    """Write the synthetic sweep file (module doc) at ``path``; return what was written:
    ``series`` {name: float array [scenario, replicate, ...], NaN where filled},
    ``written`` {name: array as stored}, ``summary`` {name: {stat: array}}, ``groups``
    {name: group}, ``dims`` {dim: labels}, ``info`` {(group, table): labels}, ``seeds``,
    ``parameter_value``.  Like the engine, /dims/replicate holds the strings "0" .. "R-1"
    (``int_replicates``: int64) and the groups /summary/<group>/<name> have the attributes
    ``dims`` ("scenario,period,..."), ``unit`` and ``interval`` (``summary_dims="dataset"``: the
    dims on each dataset instead; None: no dims attribute at all).  /runs holds seed and
    population_seed, and with ``run_costs`` (default, as docs/experiments.md lists them) the
    seconds and person_steps."""
    tmp_dir = tmp_dir or path.parent
    runs = []
    for r in range(replicates):
        run_path = tmp_dir / f"_run{r}.h5"
        make_run_file(run_path, n_periods=n_periods, care=True, hospitals=True, seed=100 + r)
        runs.append(_read_run(run_path))
        run_path.unlink()
    dims = dict(runs[0]["dims"])
    dims["facility"] = dims["facility"] + [NEW_FACILITY[0]]
    info = dict(runs[0]["info"])
    for key, value in zip(("type", "district", "ownership"), NEW_FACILITY[1:]):
        info[("facility_info", key)] = info[("facility_info", key)] + [value]
    rng = np.random.default_rng(7)
    stacked = _stack(runs, len(dims["facility"]), rng)
    seeds = rng.integers(0, 2**62, size=(len(SCENARIOS), replicates)).astype(np.int64)
    seeds[1] = seeds[0]  # replicate r of every scenario has the same seed
    parameter_value = rng.uniform(0.9, 1.1, size=(replicates, len(PARAMETERS)))
    out = {"series": {}, "written": {}, "summary": {}, "groups": {}, "dims": dims, "info": info,
           "seeds": seeds, "parameter_value": parameter_value}
    with h5py.File(path, "w") as f:
        meta = f.create_group("metadata")
        for key, value in {**SWEEP_METADATA, "replicates": np.int32(replicates)}.items():
            meta.attrs[key] = value
        g = f.create_group("dims")
        write_strings(g, "scenario", SCENARIOS)
        if int_replicates:
            g.create_dataset("replicate", data=np.arange(replicates, dtype=np.int64))
        else:
            write_strings(g, "replicate", [str(r) for r in range(replicates)])
        for name, labels in dims.items():
            write_strings(g, name, labels)
        for (group, table), labels in info.items():
            write_strings(f.require_group(group), table, labels)
        for (group, name), (arr, attrs, fill) in stacked.items():
            dset = f.require_group(group).create_dataset(name, data=arr, chunks=True, compression="gzip")
            for key, value in attrs.items():
                dset.attrs[key] = value
            dset.attrs["dims"] = "scenario,replicate," + attrs["dims"]
            dset.attrs["fill_value"] = np.int64(fill) if arr.dtype.kind == "i" else np.float64(fill)
            x = _decoded(arr, fill)
            stats = _summary(x)
            node = f.require_group(f"summary/{group}/{name}")
            node.attrs["unit"] = attrs["unit"]
            node.attrs["interval"] = "95% Student t across replicates"
            if summary_dims == "group":
                node.attrs["dims"] = "scenario," + attrs["dims"]
            for stat, values in stats.items():
                sd = node.create_dataset(stat, data=values)
                if summary_dims == "dataset":
                    sd.attrs["dims"] = "scenario," + attrs["dims"]
            out["series"][name], out["written"][name], out["summary"][name] = x, arr, stats
            out["groups"][name] = group
        sc = f.create_group("scenarios")
        write_strings(sc, "name", SCENARIOS)
        write_strings(sc, "description", DESCRIPTIONS)
        write_strings(sc, "config_file", ["configs/guangzhou.yaml", "configs/beds-plus.yaml"])
        write_strings(sc, "overrides", ["", "population.scale=0.1\npolicy_events=[...]"])
        write_strings(sc, "config_resolved", [_config_resolved(s) for s in range(len(SCENARIOS))])
        ru = f.create_group("runs")
        runs = [("seed", seeds), ("population_seed", seeds + 1)]
        if run_costs:  # /runs/seconds and /runs/person_steps, as the engine writes them
            runs += [("seconds", np.full(seeds.shape, 1.25)),
                     ("person_steps", np.full(seeds.shape, 1000, dtype=np.int64))]
        for key, values in runs:
            ru.create_dataset(key, data=values).attrs["dims"] = "scenario,replicate"
        pa = f.create_group("parameters")
        for i, key in enumerate(("path", "distribution", "source")):
            write_strings(pa, key, [p[i] for p in PARAMETERS])
        pa.create_dataset("value", data=parameter_value).attrs["dims"] = "replicate,parameter"
    return out
