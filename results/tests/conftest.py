"""Shared test helpers: synthetic eldersim run files written with h5py.

``make_run_file`` follows the engine's HDF5 schema exactly (variable-length UTF-8
strings, typed /metadata attributes, /dims and /series with dims/unit/description/
kind attributes; with ``care=True`` also the care series, /facilities and
/facility_info) and returns the arrays it wrote so tests can compare values.
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
SERVICES = ["home", "community", "institution"]
PAYERS = ["government", "ltc_insurance", "out_of_pocket"]
GOVERNMENT_TYPES = ["construction", "operating_per_bed", "per_person_served", "vouchers",
                    "purchased_services", "home_modification", "meals"]
NEED_LEVEL = 2  # ADL level from which a person needs care (care.need_level)
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

_PD, _PDS = "period,district", "period,district,service"
# care series in /series: name -> (dims, unit, kind, description)
CARE_SERIES = {
    "n_home": (_PD, "people", "stock", "People receiving formal home care"),
    "n_community": (_PD, "people", "stock", "People in community care (day-care centres)"),
    "n_institution": (_PD, "people", "stock", "People living in an institution (elderly home)"),
    "n_no_care": (_PD, "people", "stock", "People at home without formal care (family or none)"),
    "share_home": (_PD, "share", "stock", "Share of people 60+ cared for at home: the 90 of 9064"),
    "share_community": (_PD, "share", "stock", "Share of people 60+ in community care: the 6 of 9064"),
    "share_institution": (_PD, "share", "stock", "Share of people 60+ in institutions: the 4 of 9064"),
    "n_need": (_PD, "people", "stock", "People in need of care"),
    "n_unmet": (_PD, "people", "stock", "People in need of care without any formal care"),
    "coverage": (_PD, "share", "stock", "1 - n_unmet / n_need"),
    "n_waiting": (_PDS, "people", "stock", "People on a waiting list"),
    "new_admissions": (_PDS, "people", "flow", "Admissions to a service in the period"),
    "new_admissions_after_wait": (_PDS, "people", "flow", "Admissions after a wait"),
    "mean_wait_days": (_PDS, "days", "mean", "Mean completed wait (NaN if none)"),
    "new_reneges": (_PDS, "people", "flow", "People who gave up waiting"),
    "institution_occupancy": (_PD, "share", "stock", "Occupied beds / beds (NaN if none)"),
    "nursing_bed_occupancy": (_PD, "share", "stock", "Occupied nursing-type beds / nursing-type beds"),
    "community_occupancy": (_PD, "share", "stock", "Occupied day-care places / places"),
    "home_care_utilisation": (_PD, "share", "stock", "Home-care hours allocated / available"),
    "beds_per_1000": (_PD, "beds per 1000 people 60+", "stock", "Institution beds per 1000 people 60+"),
    "nursing_beds_per_100": (_PD, "beds per 100 people 60+", "stock", "Nursing-type beds per 100 people 60+"),
    "spending": ("period,district,payer", "yuan", "flow", "Spending on care by payer"),
    "government_spending": ("period,district,government_spending_type", "yuan", "flow",
                            "Government spending by instrument"),
    "new_adl_transitions": ("period,district,adl_from,adl_to", "people", "flow", "Changes of ADL level"),
}
# per-facility series in /facilities
FACILITY_SERIES = {
    "facility_places": ("period,facility", "places", "stock", "Places at the period end; 0 when closed"),
    "facility_occupied": ("period,facility", "people", "stock", "Places occupied at the period end"),
    "facility_waiting": ("period,facility", "people", "stock", "People waiting for the facility"),
    "facility_admissions": ("period,facility", "people", "flow", "Admissions in the period"),
    "facility_mean_wait_days": ("period,facility", "days", "mean", "Mean completed wait (NaN if none)"),
}
#: coordinates open_run makes of the /facility_info tables
FACILITY_INFO = ("facility_type", "facility_district", "facility_ownership")

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


def facility_tables(districts=DISTRICTS) -> dict[str, list[str]]:
    """Facility names and /facility_info tables: per district a public and a private home
    and a community centre."""
    return {
        "facility": [f"{d} {kind}" for d in districts
                     for kind in ("public homes", "private homes", "community centres")],
        "facility_type": ["institution", "institution", "community"] * len(districts),
        "facility_district": [d for d in districts for _ in range(3)],
        "facility_ownership": ["public", "private", "public"] * len(districts),
    }


def care_data(rng, n_alive, n_adl, days, districts=DISTRICTS) -> dict:
    """Consistent care series: ``{series: array}`` for /series and /facilities.

    Facility occupancy drives the counts: n_institution (n_community) is the sum of the
    district's homes' (centres') facility_occupied, n_home + n_community + n_institution
    + n_no_care = n_alive, the shares are those counts over n_alive, n_need is n_adl
    from NEED_LEVEL up, occupancies and beds per head follow from facility places and
    occupied places (nursing-type beds: 90% of a home's places, filled first),
    n_waiting and new_admissions of community and institution are the district sums of
    the facilities', and spending by the government is government_spending summed.
    The last district's private home closes half way (places 0).
    """
    n_periods, n_districts = n_alive.shape
    tables = facility_tables(districts)
    n_fac = len(tables["facility"])
    is_inst = np.array(tables["facility_type"]) == "institution"
    fac_district = np.repeat(np.arange(n_districts), 3)

    base = np.where(is_inst, rng.uniform(0.008, 0.015, n_fac), rng.uniform(0.01, 0.02, n_fac))
    places = np.tile(np.round(n_alive[0][fac_district] * base).astype(np.int64), (n_periods, 1))
    places[n_periods // 2:, 3 * (n_districts - 1) + 1] = 0  # closes
    occupied = np.floor(places * rng.uniform(0.5, 1.0, places.shape)).astype(np.int64)
    f_waiting = rng.integers(0, 20, size=places.shape).astype(np.int64)
    f_admissions = rng.integers(0, 5, size=places.shape).astype(np.int64)
    f_wait_days = np.where(f_admissions > 0, rng.uniform(5, 60, places.shape), np.nan)

    def by_district(values, mask):
        out = np.zeros((n_periods, n_districts), dtype=values.dtype)
        for d in range(n_districts):
            out[:, d] = values[:, mask & (fac_district == d)].sum(axis=1)
        return out

    n_institution = by_district(occupied, is_inst)
    n_community = by_district(occupied, ~is_inst)
    n_home = np.round(n_alive * rng.uniform(0.015, 0.03, n_alive.shape)).astype(np.int64)
    n_no_care = n_alive - n_home - n_community - n_institution
    share_community = n_community / n_alive
    share_institution = n_institution / n_alive
    n_need = n_adl[..., NEED_LEVEL:].sum(axis=2)
    n_unmet = rng.binomial(n_need, 0.6).astype(np.int64)

    beds = by_district(places, is_inst).astype(float)
    nursing_places = np.floor(0.9 * places).astype(np.int64)
    nursing_beds = by_district(nursing_places, is_inst).astype(float)
    nursing_occupied = by_district(np.minimum(occupied, nursing_places), is_inst).astype(float)
    community_places = by_district(places, ~is_inst).astype(float)

    service_shape = (n_periods, n_districts, len(SERVICES))
    n_waiting = np.stack([rng.integers(0, 5, size=n_alive.shape), by_district(f_waiting, ~is_inst),
                          by_district(f_waiting, is_inst)], axis=2).astype(np.int64)
    admissions = np.stack([rng.integers(0, 40, size=n_alive.shape), by_district(f_admissions, ~is_inst),
                           by_district(f_admissions, is_inst)], axis=2).astype(np.int64)
    after_wait = rng.binomial(admissions, 0.3).astype(np.int64)
    mean_wait = np.where(after_wait > 0, rng.uniform(3, 90, service_shape), np.nan)

    government = rng.uniform(0, 2000, size=(n_periods, n_districts, len(GOVERNMENT_TYPES))) * days[:, None, None]
    government[:, :, 0] = 0.0
    government[min(3, n_periods - 1), 0, 0] = 5e6  # a construction grant (April 2020)
    spending = np.stack([government.sum(axis=2),
                         rng.uniform(1e4, 3e4, n_alive.shape) * days[:, None],
                         rng.uniform(2e4, 4e4, n_alive.shape) * days[:, None]], axis=2)
    transitions = rng.integers(0, 20, size=(n_periods, n_districts, len(ADL_LEVELS), len(ADL_LEVELS)))
    transitions[..., np.arange(len(ADL_LEVELS)), np.arange(len(ADL_LEVELS))] = 0

    return {
        "n_home": n_home,
        "n_community": n_community,
        "n_institution": n_institution,
        "n_no_care": n_no_care,
        "share_home": 1 - share_community - share_institution,
        "share_community": share_community,
        "share_institution": share_institution,
        "n_need": n_need,
        "n_unmet": n_unmet,
        "coverage": np.where(n_need > 0, 1 - n_unmet / np.maximum(n_need, 1), np.nan),
        "n_waiting": n_waiting,
        "new_admissions": admissions,
        "new_admissions_after_wait": after_wait,
        "mean_wait_days": mean_wait,
        "new_reneges": rng.integers(0, 3, size=service_shape).astype(np.int64),
        "institution_occupancy": by_district(occupied, is_inst) / beds,
        "nursing_bed_occupancy": nursing_occupied / nursing_beds,
        "community_occupancy": n_community / community_places,
        "home_care_utilisation": rng.uniform(0.4, 1.0, n_alive.shape),
        "beds_per_1000": 1000 * beds / n_alive,
        "nursing_beds_per_100": 100 * nursing_beds / n_alive,
        "spending": spending,
        "government_spending": government,
        "new_adl_transitions": transitions.astype(np.int64),
        "facility_places": places,
        "facility_occupied": occupied,
        "facility_waiting": f_waiting,
        "facility_admissions": f_admissions,
        "facility_mean_wait_days": f_wait_days,
    }


def make_run_file(path, n_periods: int = 24, districts=DISTRICTS, omit=(), seed: int = 1,
                  care: bool = False, start: str = "2020-01-01") -> dict:
    """Write a synthetic eldersim run file at ``path``; return ``{series: array}`` written.

    The data are internally consistent: n_alive is n_alive_by_sex_age summed over sex
    and age, new_deaths likewise, n_adl sums to n_alive, person_years is about the
    population times the period length.  With ``care`` the file also has the care
    series, /facilities and /facility_info (see :func:`care_data`); the returned dict
    then also holds the facility series and the facility_type/_district/_ownership
    tables under those coordinate names.  Series named in ``omit`` are left out.
    """
    rng = np.random.default_rng(seed)
    starts, ends = periods(n_periods, start)
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
    tables = facility_tables(districts)
    if care:
        data.update(care_data(rng, n_alive, n_adl, days, districts))
    data = {k: v for k, v in data.items() if k not in omit}
    specs = {**SERIES, **CARE_SERIES, **FACILITY_SERIES}

    with h5py.File(path, "w") as f:
        meta = f.create_group("metadata")
        for key, value in METADATA.items():
            meta.attrs[key] = value
        if care:
            meta.attrs["city"] = "Guangzhou"
        dims = f.create_group("dims")
        write_strings(dims, "district", districts)
        write_strings(dims, "period_start", starts.strftime("%Y-%m-%d"))
        write_strings(dims, "period_end", ends.strftime("%Y-%m-%d"))
        write_strings(dims, "sex", SEXES)
        write_strings(dims, "age_band", AGE_BANDS)
        write_strings(dims, "adl_level", ADL_LEVELS)
        if care:
            write_strings(dims, "adl_from", ADL_LEVELS)
            write_strings(dims, "adl_to", ADL_LEVELS)
            write_strings(dims, "service", SERVICES)
            write_strings(dims, "payer", PAYERS)
            write_strings(dims, "government_spending_type", GOVERNMENT_TYPES)
            write_strings(dims, "facility", tables["facility"])
        series = f.create_group("series")
        for name, values in data.items():
            if name in FACILITY_SERIES:
                continue
            dim_attr, unit, kind, description = specs[name]
            write_series(series, name, values, dim_attr, unit, kind, description)
        if care:
            facilities = f.create_group("facilities")
            for name, values in data.items():
                if name in FACILITY_SERIES:
                    dim_attr, unit, kind, description = specs[name]
                    write_series(facilities, name, values, dim_attr, unit, kind, description)
            info = f.create_group("facility_info")
            for key in ("type", "district", "ownership"):
                write_strings(info, key, tables[f"facility_{key}"])
            for key in FACILITY_INFO:
                data[key] = np.array(tables[key])
    return data


@pytest.fixture
def run_file(tmp_path):
    """A default synthetic run file: ``(path, data written)``."""
    path = tmp_path / "run.h5"
    return path, make_run_file(path)


@pytest.fixture
def care_file(tmp_path):
    """A synthetic run file with the care system: ``(path, data written)``."""
    path = tmp_path / "care.h5"
    return path, make_run_file(path, care=True)
