"""Shared test helpers: synthetic eldersim run files written with h5py.

``make_run_file`` follows the engine's HDF5 schema exactly (variable-length UTF-8
strings, typed /metadata attributes, /dims and /series with dims/unit/description/
kind attributes; with ``care=True`` also the care series, /facilities and
/facility_info; with ``hospitals=True`` the hospital series, /hospitals and
/hospital_info) and returns the arrays it wrote so tests can compare values.
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

_PDSA = "period,district,sex,age_band"
# hospital series in /series: name -> (dims, unit, kind, description)
HOSPITAL_SERIES = {
    "new_hospital_admissions": (_PD, "people", "flow", "Hospital admissions, by the patient's district"),
    "new_hospital_admissions_by_sex_age": (_PDSA, "people", "flow", "Hospital admissions by sex and age"),
    "new_hospital_admissions_by_origin": ("period,district,destination_district", "people", "flow",
                                          "Admissions by patient's district (rows) and hospital's district"),
    "new_referrals": (_PD, "people", "flow", "Admissions referred one tier up"),
    "new_turned_away": (_PD, "people", "flow", "Patients who found no free bed"),
    "new_hospital_deaths": (_PD, "people", "flow", "Deaths in hospital"),
    "n_inpatients": (_PD, "people", "stock", "People in hospital at the period end"),
    "n_delayed_discharge": (_PD, "people", "stock", "People in hospital waiting for a care place"),
    "n_hospital_beds": (_PD, "beds", "stock", "Acute beds of the district's open hospitals"),
    "hospital_bed_days": (_PD, "bed-days", "flow", "Acute bed-days used by elderly patients"),
    "hospital_occupancy": (_PD, "share", "mean", "Elderly acute bed-days / acute bed-days available"),
    "hospital_occupancy_total": (_PD, "share", "mean", "Acute bed-days used by all ages / available"),
    "delayed_discharge_days": (_PD, "bed-days", "flow", "Acute bed-days of delayed discharge"),
    "rehabilitation_bed_days": (_PD, "bed-days", "flow", "Rehabilitation bed-days of patients waiting"),
    "mean_length_of_stay": (_PD, "days", "mean", "Mean length of the stays ending in the period"),
}
_PH = "period,hospital"
# per-hospital series in /hospitals
HOSPITAL_GROUP_SERIES = {
    "hospital_beds": (_PH, "beds", "stock", "Acute beds at the period end; 0 when closed"),
    "hospital_rehabilitation_beds": (_PH, "beds", "stock", "Rehabilitation beds at the period end"),
    "hospital_new_admissions": (_PH, "people", "flow", "Elderly admissions in the period"),
    "hospital_referred_in": (_PH, "people", "flow", "Admissions referred one tier up"),
    "hospital_diverted": (_PH, "people", "flow", "First choice, admitted elsewhere because full"),
    "hospital_turned_away": (_PH, "people", "flow", "First choice, no hospital had a free bed"),
    "hospital_deaths": (_PH, "people", "flow", "Elderly deaths in the hospital"),
    "hospital_elderly_bed_days": (_PH, "bed-days", "flow", "Acute bed-days used by elderly patients"),
    "hospital_elderly_occupancy": (_PH, "share", "mean", "Elderly acute bed-days / available"),
    "hospital_total_occupancy": (_PH, "share", "mean", "Acute bed-days used by all ages / available"),
    "hospital_peak_occupied": (_PH, "beds", "stock", "Most acute beds occupied on any day"),
    "hospital_delayed_discharge_days": (_PH, "bed-days", "flow", "Acute bed-days of delayed discharge"),
    "hospital_rehabilitation_bed_days": (_PH, "bed-days", "flow", "Rehabilitation bed-days used"),
    "hospital_mean_length_of_stay": (_PH, "days", "mean", "Mean length of the stays ending"),
}
#: coordinates open_run makes of the /hospital_info tables
HOSPITAL_INFO = ("hospital_district", "hospital_tier", "hospital_ownership")
#: keys make_run_file returns that are not written to the file: the true acute bed-days
#: available, per hospital [period, hospital] and per district [period, district]
CAPACITY_KEYS = ("hospital_capacity_bed_days", "capacity_bed_days")

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


def hospital_tables(districts=DISTRICTS) -> dict[str, list[str]]:
    """Hospital names and /hospital_info tables: per district a public tertiary (tier 3)
    and a private secondary (tier 2) hospital, except the last district, which has only a
    secondary hospital (public)."""
    names, district, tier, ownership = [], [], [], []
    for i, d in enumerate(districts):
        last = i == len(districts) - 1
        for kind, t, own in ((("secondary", "2", "public"),) if last else
                             (("tertiary", "3", "public"), ("secondary", "2", "private"))):
            names.append(f"{d} {kind}")
            district.append(d)
            tier.append(t)
            ownership.append(own)
    return {"hospital": names, "hospital_district": district, "hospital_tier": tier,
            "hospital_ownership": ownership}


#: period in which the first hospital loses a quarter of its beds, on the period's 11th day
BED_CUT_PERIOD = 5
#: periods before the last district's only hospital opens (its district has no beds then)
OPENS_AFTER = 2


def hospital_data(rng, n_periods, days, districts=DISTRICTS) -> dict:
    """Consistent hospital series: ``{series: array}`` for /series and /hospitals, plus the
    true acute bed-days available (see CAPACITY_KEYS), which the file does not hold.

    Per hospital: beds (the last district's hospital opens after OPENS_AFTER periods; the
    first hospital loses a quarter of its beds on day 11 of period BED_CUT_PERIOD, so
    that period's available bed-days are not beds at the end x days), elderly and
    background bed-days, the occupancies as their ratios to the available bed-days (NaN
    when none), delayed-discharge days within the elderly bed-days.  Per district: sums
    of the district's hospitals (beds, bed-days, delayed and rehabilitation days),
    occupancies as ratios of the sums, admissions by origin whose columns sum to the
    destination's hospitals' admissions and whose rows sum to new_hospital_admissions,
    which is also new_hospital_admissions_by_sex_age summed over sex and age.
    """
    tables = hospital_tables(districts)
    n_h, n_d = len(tables["hospital"]), len(districts)
    h_district = np.array([districts.index(d) for d in tables["hospital_district"]])
    shape = (n_periods, n_h)

    beds = np.tile(rng.integers(40, 200, n_h), (n_periods, 1)).astype(np.int64)
    beds[:OPENS_AFTER, n_h - 1] = 0
    capacity = beds * days[:, None]
    if n_periods > BED_CUT_PERIOD:
        cut = beds[BED_CUT_PERIOD, 0] // 4
        beds[BED_CUT_PERIOD:, 0] -= cut
        capacity[BED_CUT_PERIOD:, 0] = beds[BED_CUT_PERIOD:, 0] * days[BED_CUT_PERIOD:]
        capacity[BED_CUT_PERIOD, 0] += cut * 10  # the cut beds were open for 10 days
    elderly = np.floor(capacity * rng.uniform(0.05, 0.3, shape)).astype(np.int64)
    background = np.floor((capacity - elderly) * rng.uniform(0.4, 0.7, shape)).astype(np.int64)
    delayed = rng.binomial(elderly, 0.1).astype(np.int64)
    rehab_beds = np.where(beds > 0, rng.integers(0, 10, n_h)[None, :], 0).astype(np.int64)
    rehab_days = np.floor(rehab_beds * days[:, None] * rng.uniform(0, 1, shape)).astype(np.int64)
    discharges = rng.integers(0, 40, shape)
    discharges[beds == 0] = 0
    stay_days = discharges * rng.uniform(5, 15, shape)

    # admissions by origin (rows) and destination (columns); nothing goes to a district
    # without an open hospital
    open_district = np.stack([(beds[:, h_district == k] > 0).any(axis=1) for k in range(n_d)], axis=1)
    by_origin = rng.integers(0, 15, size=(n_periods, n_d, n_d)).astype(np.int64)
    by_origin += 40 * np.eye(n_d, dtype=np.int64)[None]
    by_origin *= open_district[:, None, :]
    h_admissions = np.zeros(shape, dtype=np.int64)
    for k in range(n_d):
        mine = np.flatnonzero(h_district == k)
        for p in range(n_periods):
            share = (beds[p, mine] > 0) / max((beds[p, mine] > 0).sum(), 1)
            h_admissions[p, mine] = rng.multinomial(by_origin[p, :, k].sum(), share)
    admissions = by_origin.sum(axis=2)
    age_weights = np.arange(1, len(AGE_BANDS) + 1, dtype=float)
    cell = np.outer([0.45, 0.55], age_weights).ravel()
    by_sex_age = np.array([[rng.multinomial(admissions[p, d], cell / cell.sum())
                            for d in range(n_d)] for p in range(n_periods)])
    by_sex_age = by_sex_age.reshape(n_periods, n_d, len(SEXES), len(AGE_BANDS)).astype(np.int64)

    def by_district(values, dtype=None):
        out = np.zeros((n_periods, n_d), dtype=dtype or values.dtype)
        for d in range(n_d):
            out[:, d] = values[:, h_district == d].sum(axis=1)
        return out

    def ratio(num, den):
        num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)

    d_capacity = by_district(capacity)
    d_elderly = by_district(elderly)
    d_background = by_district(background)
    inpatients = rng.integers(0, 60, size=(n_periods, n_d)).astype(np.int64)
    h_deaths = rng.binomial(h_admissions, 0.05).astype(np.int64)
    return {
        "new_hospital_admissions": admissions,
        "new_hospital_admissions_by_sex_age": by_sex_age,
        "new_hospital_admissions_by_origin": by_origin,
        "new_referrals": rng.binomial(admissions, 0.1).astype(np.int64),
        "new_turned_away": rng.integers(0, 3, size=(n_periods, n_d)).astype(np.int64),
        "new_hospital_deaths": by_district(h_deaths),
        "n_inpatients": inpatients,
        "n_delayed_discharge": rng.binomial(inpatients, 0.2).astype(np.int64),
        "n_hospital_beds": by_district(beds),
        "hospital_bed_days": d_elderly.astype(float),
        "hospital_occupancy": ratio(d_elderly, d_capacity),
        "hospital_occupancy_total": ratio(d_elderly + d_background, d_capacity),
        "delayed_discharge_days": by_district(delayed).astype(float),
        "rehabilitation_bed_days": by_district(rehab_days).astype(float),
        "mean_length_of_stay": ratio(by_district(stay_days), by_district(discharges)),
        "hospital_beds": beds,
        "hospital_rehabilitation_beds": rehab_beds,
        "hospital_new_admissions": h_admissions,
        "hospital_referred_in": np.where(np.array(tables["hospital_tier"]) == "3",
                                         rng.binomial(h_admissions, 0.1), 0).astype(np.int64),
        "hospital_diverted": rng.integers(0, 3, size=shape).astype(np.int64),
        "hospital_turned_away": rng.integers(0, 2, size=shape).astype(np.int64),
        "hospital_deaths": h_deaths,
        "hospital_elderly_bed_days": elderly,
        "hospital_elderly_occupancy": ratio(elderly, capacity),
        "hospital_total_occupancy": ratio(elderly + background, capacity),
        "hospital_peak_occupied": np.minimum(beds, (elderly + background) // days[:, None] + 5),
        "hospital_delayed_discharge_days": delayed,
        "hospital_rehabilitation_bed_days": rehab_days,
        "hospital_mean_length_of_stay": ratio(stay_days, discharges),
        "hospital_capacity_bed_days": capacity,
        "capacity_bed_days": d_capacity,
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
                  care: bool = False, start: str = "2020-01-01", hospitals: bool = False) -> dict:
    """Write a synthetic eldersim run file at ``path``; return ``{series: array}`` written.

    The data are internally consistent: n_alive is n_alive_by_sex_age summed over sex
    and age, new_deaths likewise, n_adl sums to n_alive, person_years is about the
    population times the period length.  With ``care`` the file also has the care
    series, /facilities and /facility_info (see :func:`care_data`); the returned dict
    then also holds the facility series and the facility_type/_district/_ownership
    tables under those coordinate names.  With ``hospitals`` it has the hospital
    series, /hospitals and /hospital_info (see :func:`hospital_data`), and the dict
    the hospital_district/_tier/_ownership tables and, not written, the true available
    bed-days (CAPACITY_KEYS).  Series named in ``omit`` are left out.
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
    h_tables = hospital_tables(districts)
    if hospitals:
        data.update(hospital_data(np.random.default_rng([seed, 2]), n_periods, days, districts))
    data = {k: v for k, v in data.items() if k not in omit}
    specs = {**SERIES, **CARE_SERIES, **FACILITY_SERIES, **HOSPITAL_SERIES, **HOSPITAL_GROUP_SERIES}
    grouped = {**FACILITY_SERIES, **HOSPITAL_GROUP_SERIES}

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
        if hospitals:
            write_strings(dims, "hospital", h_tables["hospital"])
            write_strings(dims, "destination_district", districts)
        series = f.create_group("series")
        for name, values in data.items():
            if name in grouped or name in CAPACITY_KEYS:
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
        if hospitals:
            group = f.create_group("hospitals")
            for name, values in data.items():
                if name in HOSPITAL_GROUP_SERIES:
                    dim_attr, unit, kind, description = specs[name]
                    write_series(group, name, values, dim_attr, unit, kind, description)
            info = f.create_group("hospital_info")
            for key in ("district", "tier", "ownership"):
                write_strings(info, key, h_tables[f"hospital_{key}"])
            for key in HOSPITAL_INFO:
                data[key] = np.array(h_tables[key])
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


@pytest.fixture
def hospital_file(tmp_path):
    """A synthetic run file with the care and hospital systems: ``(path, data written)``."""
    path = tmp_path / "hosp.h5"
    return path, make_run_file(path, care=True, hospitals=True)
