"""Key outputs of a run, citywide, for comparing two versions of the model statistically.

``key_outputs(path, years)`` reads one run file and returns a flat ``{name: value}`` dict:

* ``death_rate_<year>``: deaths of the 60+ per 1000 person-years;
* ``adl_<level>_<year>``: share of the living at each ADL level on the year's last period end;
* ``share_<service>_<year>``: people in formal home, community and institutional care per person
  alive, averaged over the year's period ends;
* ``institution_occupancy_<year>``: occupied / places of the open institutions (elderly homes and
  hospital nursing wards), averaged over the year's period ends;
* ``hospital_admissions_per_person_<year>``: elderly admissions per person-year;
* ``delayed_discharge_share_<year>``: delayed-discharge bed-days / elderly acute bed-days.

It accepts the series names of every schema version (the core rebuild renamed flows to
``new_*`` and the per-facility series to ``*_by_facility``), so a file of the old model and one
of the new model give comparable dicts. ``compare(reference, values)`` gives, per output, the
difference of the means in units of its standard error (Welch), from replicate spreads.
"""

from __future__ import annotations

import math
from statistics import mean, stdev

import h5py
import numpy as np

from .reader import _open

ADL_LEVELS = ["healthy", "mild", "moderate", "heavy", "severe"]
SERVICES = ["home", "community", "institution"]

# new name -> older names of the same series
_ALIASES = {
    "new_person_years": ["person_years"],
    "new_hospital_bed_days": ["hospital_bed_days"],
    "new_delayed_discharge_days": ["delayed_discharge_days"],
    "n_occupied_by_facility": ["facility_occupied"],
    "n_places_by_facility": ["facility_places"],
}


def _dataset(f: h5py.File, name: str) -> np.ndarray:
    for candidate in [name] + _ALIASES.get(name, []):
        for group in ("series", "facilities"):
            if group in f and candidate in f[group]:
                return f[group][candidate][()]
    raise KeyError(f"{f.filename}: no series {name} (nor {_ALIASES.get(name, [])})")


def _years(f: h5py.File) -> np.ndarray:
    starts = f["dims"]["period_start"].asstr()[()]
    return np.array([int(s[:4]) for s in starts])


def key_outputs(path, years=(2020, 2030), check: bool = True) -> dict[str, float]:
    """The key outputs of the run file at ``path`` for each of ``years`` (see module doc);
    ``check`` and the file errors as in :func:`~eldersim_results.reader.open_run`."""
    out: dict[str, float] = {}
    with _open(path, check) as f:
        year_of = _years(f)
        alive = _dataset(f, "n_alive").sum(axis=1)  # [period]
        deaths = _dataset(f, "new_deaths").sum(axis=1)
        exposure = _dataset(f, "new_person_years").sum(axis=(1, 2, 3))
        adl = _dataset(f, "n_adl").sum(axis=1)  # [period, level]
        in_service = {s: _dataset(f, f"n_{s}").sum(axis=1) for s in SERVICES}
        occupied = _dataset(f, "n_occupied_by_facility")
        places = _dataset(f, "n_places_by_facility")
        types = f["facility_info"]["type"].asstr()[()]
        institution = types == "institution"
        admissions = _dataset(f, "new_hospital_admissions").sum(axis=1)
        bed_days = _dataset(f, "new_hospital_bed_days").sum(axis=1)
        delayed = _dataset(f, "new_delayed_discharge_days").sum(axis=1)
        for year in years:
            p = np.flatnonzero(year_of == year)
            if p.size == 0:
                raise ValueError(f"{path}: no period in {year}")
            last = p[-1]
            out[f"death_rate_{year}"] = 1000 * deaths[p].sum() / exposure[p].sum()
            for k, level in enumerate(ADL_LEVELS):
                out[f"adl_{level}_{year}"] = adl[last, k] / alive[last]
            for s in SERVICES:
                out[f"share_{s}_{year}"] = float(np.mean(in_service[s][p] / alive[p]))
            occ = occupied[p][:, institution].sum(axis=1) / places[p][:, institution].sum(axis=1)
            out[f"institution_occupancy_{year}"] = float(np.mean(occ))
            out[f"hospital_admissions_per_person_{year}"] = admissions[p].sum() / exposure[p].sum()
            out[f"delayed_discharge_share_{year}"] = delayed[p].sum() / bed_days[p].sum()
    return {k: float(v) for k, v in out.items()}


def summarise(replicates: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    """``{output: {mean, sd, n}}`` over replicate dicts."""
    names = replicates[0].keys()
    return {k: {"mean": mean(r[k] for r in replicates), "sd": stdev(r[k] for r in replicates),
                "n": len(replicates)} for k in names}


def compare(reference: dict[str, dict[str, float]], values: list[dict[str, float]]):
    """``{output: (reference mean, new mean, z)}`` where z is the difference of the means over
    the standard error of that difference, from both sets of replicates (Welch)."""
    new = summarise(values)
    out = {}
    for k, ref in reference.items():
        se = math.sqrt(ref["sd"] ** 2 / ref["n"] + new[k]["sd"] ** 2 / new[k]["n"])
        diff = new[k]["mean"] - ref["mean"]
        out[k] = (ref["mean"], new[k]["mean"], diff / se if se > 0 else (0.0 if diff == 0 else math.inf))
    return out
