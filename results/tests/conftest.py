"""Shared test helpers: synthetic eldersim run files written with h5py.

``make_run_file`` follows the engine's HDF5 schema exactly: variable-length UTF-8 strings,
the /metadata attributes with their HDF5 types, /dims, and /series with the engine's names
and dims/unit/description/kind attributes; with ``care=True`` also the care series,
/facilities and /facility_info; with ``hospitals=True`` the hospital series, /hospitals and
/hospital_info.  With both, the file has every group, dataset and attribute of a real run
file (test_engine_run.py checks this against the engine); without them it is a file as the
engine wrote before the care (or hospital) system, with today's names.  It returns the
arrays it wrote so tests can compare values.
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
CARE_SETTINGS = ["none", "home", "community", "institution"]
WAIT_ENDS = ["admitted", "reneged", "left"]
WAIT_BANDS = ["0-29", "30-89", "90-179", "180+"]
STAY_ENDS = ["died", "moved", "left"]
STAY_BANDS = ["0-89", "90-364", "365-1094", "1095+"]
COMMUNITY_SERVICES = ["day_care", "canteen", "centre_visit", "purchased_visit"]
DEATH_SETTINGS = ["home_without_formal_care", "home_care", "community_care", "institution", "hospital"]
PAYERS = ["government", "ltc_insurance", "out_of_pocket"]
HOSPITAL_PAYERS = ["medical_insurance", "out_of_pocket"]
GOVERNMENT_TYPES = ["construction", "operating_per_bed", "per_person_served", "vouchers",
                    "purchased_services", "home_modification", "meals"]
NEED_LEVEL = 2  # ADL level from which a person needs care (care.need_level)
SEED = 2**63 + 12345  # above int64 range: checks that uint64 survives decoding

#: /metadata attributes, in the engine's order and with its HDF5 types.  make_run_file
#: replaces those that depend on the file (PER_FILE_METADATA) with values that fit its data.
METADATA = {
    "file_kind": "run",
    "schema_version": np.int64(2),
    "eldersim_version": "0.1.0",
    "git_commit": "0123456789abcdef",
    "model": "eldersim",
    "config_file": "scenarios/guangzhou.yaml",
    "config_text": "name: 广州 baseline\nscale: 0.1\n",
    "config_resolved": "name: 广州 baseline\nscale: 0.1\nstep_days: 7\n",
    "seed": np.uint64(SEED),
    "population_seed": np.uint64(SEED),
    "threads": np.int32(8),
    "ranks": np.int32(1),
    "command_line": "eldersim run scenarios/guangzhou.yaml",
    "start_time": "2024-05-01T10:00:00Z",
    "host": "testhost",
    "step_days": np.int32(7),
    "start_date": "2020-01-01",
    "end_date": "2021-12-31",
    "reporting_period": "month",
    "n_steps": np.int32(0),
    "person_steps": np.uint64(0),
    "n_agents_end": np.int64(0),
    "setup_seconds": np.float64(0.05),
    "scenario_name": "广州 baseline",
    "city": "Guangzhou",
    "description": "Synthetic test run: three districts of Guangzhou.",
    "scale": np.float64(0.1),
    "min_age": np.int32(60),
    "n_agents_start": np.int64(0),
    "rng_contract": "philox4x32-lanes/philox4x64-streams v2",
    "lane_kernel": "portable",
    "block_size": np.int64(2048),
    "simulate_seconds": np.float64(1.5),
    "end_time": "2024-05-01T10:05:00Z",
    "peak_rss_mib": np.float64(64.0),
}
#: METADATA keys whose values make_run_file computes from the periods and data it writes
PER_FILE_METADATA = ("start_date", "end_date", "n_steps", "person_steps", "n_agents_end", "n_agents_start")

# Series specs, exactly as the engine writes them: name -> (dims, unit, kind, description).
# Names follow one rule: flows within a period start with new_, stocks at the period end with
# n_, running totals with cum_; shares, ratios, means and peaks are named for what they are;
# series by facility or by hospital end in _by_facility / _by_hospital.
_PD, _PDS, _PDSA = "period,district", "period,district,service", "period,district,sex,age_band"
#: population series in /series (written in every file)
SERIES = {
    "n_alive": (_PD, "people", "stock", "People alive at the end of the period"),
    "n_alive_by_sex_age": (_PDSA, "people", "stock", "People alive at the end of the period by sex and age band"),
    "n_adl": ("period,district,adl_level", "people", "stock",
              "People alive at the end of the period by ADL level"),
    "n_adl_by_sex_age": ("period,district,sex,age_band,adl_level", "people", "stock",
                         "People alive at the end of the period by sex, age band and ADL level (prevalence "
                         "of disability by age: divide by n_alive_by_sex_age)"),
    "mean_age": (_PD, "years", "mean",
                 "Mean age of the people alive at the end of the period (0 where nobody lives)"),
    "new_deaths": (_PD, "people", "flow", "Deaths in the period (in hospital included)"),
    "new_deaths_by_sex_age": (_PDSA, "people", "flow",
                              "Deaths in the period by sex and age band (age at the middle of the step)"),
    "new_deaths_by_setting": ("period,district,death_setting", "people", "flow",
                              "Deaths in the period by where the person was: at home without formal care, "
                              "with home care, in community care, in an institution, or in hospital (then "
                              "whatever care they held); by the person's own district"),
    "new_person_years": (_PDSA, "years", "flow",
                         "Person-years lived in the period by the people alive at each step's start "
                         "(exposure for rates: new_deaths_by_sex_age / new_person_years)"),
    "new_entrants": (_PD, "people", "flow",
                     "People reaching the minimum age (population.min_age, 60 by default) in the period"),
    "cum_deaths": (_PD, "people", "cumulative", "Deaths from the start of the run to the period end"),
    "cum_entrants": (_PD, "people", "cumulative", "Entrants from the start of the run to the period end"),
    "new_migrants_in": (_PD, "people", "flow", "Moves into the district from another simulated district"),
    "new_migrants_out": (_PD, "people", "flow", "Moves out of the district to another simulated district"),
}

#: care series in /series
CARE_SERIES = {
    "n_home": (_PD, "people", "stock", "People receiving formal home care"),
    "n_community": (_PD, "people", "stock", "People in community care (day-care centres)"),
    "n_institution": (_PD, "people", "stock", "People living in an institution (elderly home), by their own "
                      "district (the home may be elsewhere)"),
    "n_no_care": (_PD, "people", "stock", "People at home without formal care (family or none)"),
    "n_care_by_adl": ("period,district,care_setting,adl_level", "people", "stock",
                      "People alive at the end of the period by the care they hold (none: at home without "
                      "formal care) and ADL level"),
    "share_home": (_PD, "share", "stock", "Share of people 60+ cared for at home, with or without formal "
                   "services: the 90 of 9064 (NaN where nobody lives)"),
    "share_community": (_PD, "share", "stock",
                        "Share of people 60+ in community care: the 6 of 9064 (NaN where nobody lives)"),
    "share_institution": (_PD, "share", "stock",
                          "Share of people 60+ in institutions: the 4 of 9064 (NaN where nobody lives)"),
    "n_need": (_PD, "people", "stock", "People in need of care (ADL level >= care.need_level)"),
    "n_unmet": (_PD, "people", "stock", "People in need of care without any formal care (waiting or not)"),
    "coverage": (_PD, "share", "stock", "Share of people in need who receive formal care: "
                 "1 - n_unmet / n_need (NaN if nobody is in need)"),
    "n_waiting": (_PDS, "people", "stock",
                  "People on a waiting list, by the service waited for and the person's district"),
    "new_admissions": (_PDS, "people", "flow", "Admissions to a service in the period"),
    "new_admissions_after_wait": (_PDS, "people", "flow", "Admissions in the period of people who had been "
                                  "waiting for that very place since an earlier step"),
    "mean_wait_days": (_PDS, "days", "mean",
                       "Mean completed wait of the admissions after a wait in the period (NaN if none)"),
    "n_community_services": ("period,district,community_service", "people", "stock",
                             "People using each community service at the end of the period: a day-care place "
                             "(n_community), canteen meals, centre visits without a place, home visits the "
                             "government buys (formal home-care clients in programmes.purchased_services); one "
                             "person may use several"),
    "n_community_9064": (_PD, "people", "stock",
                         "People using at least one community service (n_community_services, each counted "
                         "once): the community tier of 9064 as the plans define it"),
    "share_community_9064": (_PD, "share", "stock",
                             "n_community_9064 over the people 60+: the 6 of 9064 as the plans count it (NaN "
                             "where nobody lives)"),
    "share_home_9064": (_PD, "share", "stock",
                        "People 60+ at home using no community service (nor a place in an institution), over "
                        "the people 60+: the 90 of 9064 as the plans count it (NaN where nobody lives)"),
    "new_canteen_meals": (_PD, "meals", "flow",
                          "Canteen meals in the period: the diners at its end times "
                          "care.community_services.canteens.meals_per_week over its days"),
    "new_second_choices": (_PDS, "people", "flow",
                           "Requests for a centre or home with room made because the one drawn first had none "
                           "(care.choice.second_choice), by the district of the request; part of the requests "
                           "of new_waits_started and of the discharges into care"),
    "new_reneges": (_PDS, "people", "flow", "People who gave up waiting (after care.renege_days) and chose again"),
    "n_waiting_by_duration": ("period,district,service,wait_band", "people", "stock",
                              "People on a waiting list at the end of the period by how long they have waited "
                              "for that place (days since counted_from); sums to n_waiting"),
    "new_waits_started": (_PDS, "people", "flow", "Waits that started in the period (requests put on a waiting "
                          "list), by the district of the request"),
    "new_institution_stays_ended": ("period,district,stay_end,stay_band", "people", "flow",
                                    "Stays in an elderly home (or a hospital's nursing ward) that ended in the period, "
                                    "by how (died, moved to another home, left for other care or none) and how long "
                                    "they had lasted (days since care_since; the care warm-up's residents from their "
                                    "warm-up day); by the resident's district"),
    "new_institution_stay_days_ended": (_PD, "days", "flow",
                                        "Days lasted by the stays of new_institution_stays_ended: with them, the "
                                        "mean completed stay"),
    "new_waits_carried_in": ("period,district,service,wait_band", "people", "flow",
                             "Waits on the lists when the run starts (the care warm-up's, care.warm_up_years), by "
                             "how long they had lasted then; in the first period only. The change of n_waiting is "
                             "new_waits_started + new_waits_carried_in - new_waits_ended"),
    "new_waits_ended": ("period,district,service,wait_end,wait_band", "people", "flow",
                        "Waits that ended in the period, by how (admitted to the place, reneged at the renege "
                        "day, left otherwise: death, a move, another choice) and how long they had lasted; by "
                        "the district of the request. With n_waiting_by_duration, the waiting-list survival"),
    "institution_occupancy": (_PD, "share", "stock",
                              "Occupied beds / beds of the open institutions in the district (NaN if none)"),
    "nursing_bed_occupancy": (_PD, "share", "stock",
                              "Occupied nursing-type beds / nursing-type beds (NaN if none)"),
    "community_occupancy": (_PD, "share", "stock", "Occupied day-care places / places (NaN if none)"),
    "home_care_utilisation": (_PD, "share", "stock",
                              "Home-care worker hours allocated / hours available (NaN if none)"),
    "beds_per_1000": (_PD, "beds per 1000 people 60+", "stock", "Institution beds in the district per 1000 "
                      "people 60+ living there (NaN where nobody lives)"),
    "nursing_beds_per_100": (_PD, "beds per 100 people 60+", "stock",
                             "Nursing-type institution beds per 100 people 60+ (NaN where nobody lives)"),
    "respite_beds_per_100_in_need": (_PD, "beds per 100 people in need", "stock",
                                     "Respite beds of the open community centres per 100 people in need "
                                     "(seed 004 asks for 3 per 100 disabled; NaN if nobody is in need)"),
    "new_spending": ("period,district,payer", "yuan", "flow", "Spending on care in the period by payer "
                     "(government, LTC insurance, out of pocket), booked in whole fen"),
    "new_government_spending": ("period,district,government_spending_type", "yuan", "flow",
                                "Government spending in the period by instrument (its sum is the "
                                "government column of new_spending)"),
    "new_ltc_beneficiary_days": (_PD, "person-days", "flow",
                                 "Person-days of formal care paid in part by LTC insurance in the period (the "
                                 "mean number of beneficiaries is this over the period's days)"),
    "new_adl_transitions": ("period,district,adl_from,adl_to", "people", "flow",
                            "Changes of ADL level in the period, by level before and after (the step's "
                            "transition and declines in hospital)"),
}
_PF = "period,facility"
#: per-facility series in /facilities
FACILITY_SERIES = {
    "n_places_by_facility": (_PF, "places", "stock",
                             "Places (beds or day-care places) at the period end; 0 when closed"),
    "n_occupied_by_facility": (_PF, "people", "stock", "Places occupied at the period end"),
    "n_waiting_by_facility": (_PF, "people", "stock", "People waiting for the facility at the period end"),
    "new_admissions_by_facility": (_PF, "people", "flow", "Admissions in the period"),
    "mean_wait_days_by_facility": (_PF, "days", "mean",
                                   "Mean completed wait of admissions after a wait in the period (NaN if none)"),
}
#: coordinates open_run makes of the /facility_info tables
FACILITY_INFO = ("facility_type", "facility_district", "facility_ownership")

#: hospital series in /series
HOSPITAL_SERIES = {
    "new_hospital_admissions": (_PD, "people", "flow",
                                "Hospital admissions in the period, by the patient's district"),
    "new_hospital_admissions_by_sex_age": (_PDSA, "people", "flow", "Hospital admissions by the patient's "
                                           "district, sex and age band (rates: divide by new_person_years)"),
    "new_hospital_admissions_by_origin": ("period,district,destination_district", "people", "flow",
                                          "Hospital admissions by the patient's district (rows) and the "
                                          "hospital's district (columns); rows sum to new_hospital_admissions; "
                                          "sum over a year's periods for the yearly referral matrix"),
    "new_referrals": (_PD, "people", "flow", "Admissions referred one tier up, by the patient's district"),
    "new_turned_away": (_PD, "people", "flow",
                        "Patients who found no hospital with a free bed within reach (their first choice, "
                        "or another within hospital_system.diversion.max_minutes of home), by their district"),
    "new_wait_cap_discharges": (_PD, "people", "flow",
                                "Patients sent home after waiting hospital_system.discharge.max_wait_days in an "
                                "acute bed for a care place (they stay on its waiting list), by their district"),
    "new_background_turned_away": (_PD, "people", "flow",
                                   "Patients under the minimum age (the background, an aggregate: not whole "
                                   "people) who found the hospital full, by the hospital's district"),
    "new_hospital_spending": ("period,district,hospital_payer", "yuan", "flow",
                              "Cost of the elderly's hospital bed-days in the period (hospital_system.cost) by "
                              "payer (medical insurance, the patient), by the hospital's district, booked in "
                              "whole fen; not in new_spending"),
    "new_hospital_deaths": (_PD, "people", "flow",
                            "Deaths in hospital (also counted in new_deaths), by the patient's district"),
    "n_inpatients": (_PD, "people", "stock", "People in hospital at the end of the period, by their district"),
    "n_delayed_discharge": (_PD, "people", "stock", "People in hospital waiting for a care place at the end of "
                            "the period, by their district"),
    "n_hospital_beds": (_PD, "beds", "stock",
                        "Acute beds of the open hospitals in the district at the period end (all ages)"),
    "new_hospital_bed_days": (_PD, "bed-days", "flow", "Acute bed-days used by elderly patients in the "
                              "district's hospitals (delayed discharge included)"),
    "hospital_occupancy": (_PD, "share", "mean", "Elderly acute bed-days / acute bed-days available in the "
                           "district's hospitals (NaN if none)"),
    "hospital_occupancy_total": (_PD, "share", "mean", "Acute bed-days used by all ages (elderly plus "
                                 "background under-60 use) / bed-days available (NaN if none)"),
    "new_delayed_discharge_days": (_PD, "bed-days", "flow", "Acute bed-days used by patients medically ready "
                                   "to leave who wait for a care place (bed-blocking), in the district's "
                                   "hospitals"),
    "new_rehabilitation_bed_days": (_PD, "bed-days", "flow",
                                    "Rehabilitation bed-days used by patients waiting for a care place"),
    "mean_length_of_stay": (_PD, "days", "mean", "Mean length (admission to discharge or death, delays "
                            "included) of the stays ending in the period in the district's hospitals "
                            "(NaN if none)"),
}
_PH = "period,hospital"
#: per-hospital series in /hospitals
HOSPITAL_GROUP_SERIES = {
    "n_beds_by_hospital": (_PH, "beds", "stock", "Acute beds at the period end; 0 when closed"),
    "n_rehabilitation_beds_by_hospital": (_PH, "beds", "stock",
                                          "Rehabilitation beds at the period end; 0 when closed"),
    "new_admissions_by_hospital": (_PH, "people", "flow", "Elderly admissions in the period"),
    "new_referred_in_by_hospital": (_PH, "people", "flow", "Admissions referred one tier up"),
    "new_diverted_by_hospital": (_PH, "people", "flow", "Patients for whom this was the first choice, admitted "
                                 "elsewhere because it was full"),
    "new_turned_away_by_hospital": (_PH, "people", "flow", "Patients for whom this was the first choice and no "
                                    "hospital within reach had a free bed"),
    "new_deaths_by_hospital": (_PH, "people", "flow", "Elderly deaths in the hospital"),
    "new_wait_cap_discharges_by_hospital": (_PH, "people", "flow",
                                            "Patients sent home after waiting hospital_system.discharge."
                                            "max_wait_days in an acute bed for a care place"),
    "new_background_admissions_by_hospital": (_PH, "people", "flow",
                                              "Patients under the minimum age admitted (the background, an "
                                              "aggregate: not whole people)"),
    "new_background_turned_away_by_hospital": (_PH, "people", "flow",
                                               "Patients under the minimum age who found the hospital full (the "
                                               "background, an aggregate: not whole people)"),
    "new_elderly_bed_days_by_hospital": (_PH, "bed-days", "flow", "Acute bed-days used by elderly patients"),
    "elderly_occupancy_by_hospital": (_PH, "share", "mean",
                                      "Elderly acute bed-days / acute bed-days available (NaN if none)"),
    "total_occupancy_by_hospital": (_PH, "share", "mean",
                                    "Acute bed-days used by all ages / bed-days available (NaN if none)"),
    "peak_occupied_beds_by_hospital": (_PH, "beds", "max",
                                       "Most acute beds occupied (all ages) on any day of the period"),
    "new_delayed_discharge_days_by_hospital": (_PH, "bed-days", "flow",
                                               "Acute bed-days used by patients waiting for a care place"),
    "new_rehabilitation_bed_days_by_hospital": (_PH, "bed-days", "flow", "Rehabilitation bed-days used by "
                                                "patients waiting for a care place"),
    "new_stays_ended_by_hospital": (_PH, "people", "flow", "Stays ending in the period (discharge or death): "
                                    "the weights of mean_length_of_stay_by_hospital"),
    "mean_length_of_stay_by_hospital": (_PH, "days", "mean", "Mean length of the stays ending in the period, "
                                        "delays included (NaN if none)"),
}
#: the values of the ``kind`` attribute
KINDS = ("stock", "flow", "mean", "max", "cumulative")
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
    when none), delayed-discharge days within the elderly bed-days, the stays ended and
    their mean length (NaN when none ended).  Per district: sums
    of the district's hospitals (beds, bed-days, delayed and rehabilitation days),
    occupancies and the mean length of stay as ratios of the sums, admissions by origin whose columns sum to the
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
    discharges = rng.integers(0, 40, shape).astype(np.int64)  # stays ended
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
    wait_cap = rng.integers(0, 3, size=shape).astype(np.int64)
    # the background: admitted about its bed-days over a 9-day stay, a few turned away
    bg_admitted = background / 9.08
    bg_turned_away = np.where(beds > 0, rng.uniform(0, 2, shape), 0.0)
    # bed-days at 600 / 1000 / 1800 yuan by tier, rehabilitation at 500; 70% insurance
    price = np.array([{"1": 600.0, "2": 1000.0, "3": 1800.0}[t] for t in tables["hospital_tier"]])
    cost = by_district(elderly * price[None, :] + rehab_days * 500.0)
    spending = np.stack([np.round(cost * 0.7, 2), cost - np.round(cost * 0.7, 2)], axis=2)
    return {
        "new_hospital_admissions": admissions,
        "new_hospital_admissions_by_sex_age": by_sex_age,
        "new_hospital_admissions_by_origin": by_origin,
        "new_referrals": rng.binomial(admissions, 0.1).astype(np.int64),
        "new_turned_away": rng.integers(0, 3, size=(n_periods, n_d)).astype(np.int64),
        "new_wait_cap_discharges": by_district(wait_cap),
        "new_background_turned_away": by_district(bg_turned_away),
        "new_hospital_spending": spending,
        "new_hospital_deaths": by_district(h_deaths),
        "n_inpatients": inpatients,
        "n_delayed_discharge": rng.binomial(inpatients, 0.2).astype(np.int64),
        "n_hospital_beds": by_district(beds),
        "new_hospital_bed_days": d_elderly.astype(float),
        "hospital_occupancy": ratio(d_elderly, d_capacity),
        "hospital_occupancy_total": ratio(d_elderly + d_background, d_capacity),
        "new_delayed_discharge_days": by_district(delayed).astype(float),
        "new_rehabilitation_bed_days": by_district(rehab_days).astype(float),
        "mean_length_of_stay": ratio(by_district(stay_days), by_district(discharges)),
        "n_beds_by_hospital": beds,
        "n_rehabilitation_beds_by_hospital": rehab_beds,
        "new_admissions_by_hospital": h_admissions,
        "new_referred_in_by_hospital": np.where(np.array(tables["hospital_tier"]) == "3",
                                         rng.binomial(h_admissions, 0.1), 0).astype(np.int64),
        "new_diverted_by_hospital": rng.integers(0, 3, size=shape).astype(np.int64),
        "new_turned_away_by_hospital": rng.integers(0, 2, size=shape).astype(np.int64),
        "new_deaths_by_hospital": h_deaths,
        "new_wait_cap_discharges_by_hospital": wait_cap,
        "new_background_admissions_by_hospital": bg_admitted,
        "new_background_turned_away_by_hospital": bg_turned_away,
        "new_elderly_bed_days_by_hospital": elderly,
        "elderly_occupancy_by_hospital": ratio(elderly, capacity),
        "total_occupancy_by_hospital": ratio(elderly + background, capacity),
        "peak_occupied_beds_by_hospital": np.minimum(beds, (elderly + background) // days[:, None] + 5),
        "new_delayed_discharge_days_by_hospital": delayed,
        "new_rehabilitation_bed_days_by_hospital": rehab_days,
        "new_stays_ended_by_hospital": discharges,
        "mean_length_of_stay_by_hospital": ratio(stay_days, discharges),
        "hospital_capacity_bed_days": capacity,
        "capacity_bed_days": d_capacity,
    }


def _split_by_level(counts, n_adl) -> np.ndarray:
    """[period, district, setting, level] with the settings' counts as row sums and n_adl as
    column sums: each formal setting takes people from the highest levels with people left,
    and the first setting (none) takes the rest."""
    out = np.zeros(n_adl.shape[:2] + (len(counts), n_adl.shape[2]), dtype=np.int64)
    left = n_adl.copy()
    for m in range(len(counts) - 1, 0, -1):
        want = counts[m].copy()
        for level in range(n_adl.shape[2] - 1, -1, -1):
            take = np.minimum(want, left[..., level])
            out[..., m, level] = take
            left[..., level] -= take
            want -= take
        assert (want == 0).all()
    out[..., 0, :] = left
    return out


def care_data(rng, n_alive, n_adl, days, districts=DISTRICTS) -> dict:
    """Consistent care series: ``{series: array}`` for /series and /facilities.

    Facility occupancy drives the counts: n_institution (n_community) is the sum of the
    district's homes' (centres') n_occupied_by_facility, n_home + n_community + n_institution
    + n_no_care = n_alive, the shares are those counts over n_alive, n_need is n_adl
    from NEED_LEVEL up, occupancies and beds per head follow from facility places and
    occupied places (nursing-type beds: 90% of a home's places, filled first),
    n_waiting and new_admissions of community and institution are the district sums of
    the facilities', respite beds are 5% of the community places, and spending (whole fen,
    written as yuan) by the government is new_government_spending summed.  The last
    district's private home closes half way (places 0).
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
    care_by_adl = _split_by_level([n_no_care, n_home, n_community, n_institution], n_adl)
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
    # Waits: the list changes only by waits started and ended (docs/hdf5-schema.md).
    by_duration = np.stack([rng.multinomial(n, [0.4, 0.3, 0.2, 0.1]) for n in n_waiting.ravel()]
                           ).reshape(service_shape + (len(WAIT_BANDS),)).astype(np.int64)
    previous = np.concatenate([np.zeros_like(n_waiting[:1]), n_waiting[:-1]])
    ended_total = np.maximum(0, previous - n_waiting) + rng.integers(0, 20, size=service_shape)
    ended = np.stack([rng.multinomial(n, np.full(len(WAIT_ENDS) * len(WAIT_BANDS), 1 / 12))
                      for n in ended_total.ravel()]).reshape(
        service_shape + (len(WAIT_ENDS), len(WAIT_BANDS))).astype(np.int64)
    started = (n_waiting - previous + ended_total).astype(np.int64)
    mean_wait = np.where(after_wait > 0, rng.uniform(3, 90, service_shape), np.nan)

    # money is booked in whole fen (0.01 yuan) and written as yuan
    government = rng.uniform(0, 2000, size=(n_periods, n_districts, len(GOVERNMENT_TYPES))) * days[:, None, None]
    government = np.round(100 * government).astype(np.int64)  # fen
    government[:, :, 0] = 0
    government[min(3, n_periods - 1), 0, 0] = 500_000_000  # a construction grant of 5e6 yuan (April 2020)
    spending = np.stack([government.sum(axis=2),
                         np.round(100 * rng.uniform(1e4, 3e4, n_alive.shape) * days[:, None]),
                         np.round(100 * rng.uniform(2e4, 4e4, n_alive.shape) * days[:, None])],
                        axis=2).astype(np.int64)  # fen
    respite_beds = np.round(0.05 * community_places)
    # Community services: day care is n_community; a person may use several, counted once in 9064.
    services = np.stack([n_community, rng.integers(0, 30, size=n_alive.shape),
                         rng.integers(0, 20, size=n_alive.shape), rng.binomial(n_home, 0.05)],
                        axis=2).astype(np.int64)
    community_9064 = np.minimum(services.sum(axis=2), n_alive - n_institution).astype(np.int64)
    transitions = rng.integers(0, 20, size=(n_periods, n_districts, len(ADL_LEVELS), len(ADL_LEVELS)))
    transitions[..., np.arange(len(ADL_LEVELS)), np.arange(len(ADL_LEVELS))] = 0

    return {
        "n_home": n_home,
        "n_community": n_community,
        "n_institution": n_institution,
        "n_no_care": n_no_care,
        "n_care_by_adl": care_by_adl,
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
        "n_community_services": services,
        "n_community_9064": community_9064,
        "share_community_9064": community_9064 / n_alive,
        "share_home_9064": 1 - community_9064 / n_alive - share_institution,
        "new_canteen_meals": 4 * services[..., 1] * days[:, None] / 7.0,
        "new_second_choices": rng.integers(0, 3, size=service_shape).astype(np.int64),
        "n_waiting_by_duration": by_duration,
        "new_waits_started": started,
        "new_waits_ended": ended,
        "new_waits_carried_in": np.zeros_like(by_duration),
        "new_institution_stays_ended": rng.integers(0, 3, size=n_alive.shape + (len(STAY_ENDS), len(STAY_BANDS))
                                                    ).astype(np.int64),
        "new_institution_stay_days_ended": rng.integers(0, 900, size=n_alive.shape).astype(np.int64),
        "institution_occupancy": by_district(occupied, is_inst) / beds,
        "nursing_bed_occupancy": nursing_occupied / nursing_beds,
        "community_occupancy": n_community / community_places,
        "home_care_utilisation": rng.uniform(0.4, 1.0, n_alive.shape),
        "beds_per_1000": 1000 * beds / n_alive,
        "nursing_beds_per_100": 100 * nursing_beds / n_alive,
        "respite_beds_per_100_in_need": np.where(n_need > 0, 100 * respite_beds / np.maximum(n_need, 1), np.nan),
        "new_spending": spending / 100,
        "new_government_spending": government / 100,
        "new_ltc_beneficiary_days": np.round(spending[:, :, 1] / 100 / 60).astype(np.int64),
        "new_adl_transitions": transitions.astype(np.int64),
        "n_places_by_facility": places,
        "n_occupied_by_facility": occupied,
        "n_waiting_by_facility": f_waiting,
        "new_admissions_by_facility": f_admissions,
        "mean_wait_days_by_facility": f_wait_days,
    }


def make_run_file(path, n_periods: int = 24, districts=DISTRICTS, omit=(), seed: int = 1,
                  care: bool = False, start: str = "2020-01-01", hospitals: bool = False) -> dict:
    """Write a synthetic eldersim run file at ``path``; return ``{series: array}`` written.

    The data are internally consistent: n_alive is n_alive_by_sex_age summed over sex
    and age, new_deaths likewise, n_adl sums to n_alive, new_person_years is about the
    population times the period length, cum_deaths and cum_entrants are the running
    totals of new_deaths and new_entrants, and the /metadata attributes of
    PER_FILE_METADATA fit the periods and n_alive.  With ``care`` the file also has the care
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
    adl_by_sex_age = rng.integers(0, 8, size=shape + (len(ADL_LEVELS),)).astype(np.int64)
    adl_by_sex_age[..., 0] = by_sex_age - adl_by_sex_age[..., 1:].sum(axis=-1)
    n_adl = adl_by_sex_age.sum(axis=(2, 3))
    deaths_by_setting = np.zeros(n_alive.shape + (len(DEATH_SETTINGS),), dtype=np.int64)
    data = {
        "n_alive": n_alive,
        "n_alive_by_sex_age": by_sex_age,
        "n_adl": n_adl,
        "n_adl_by_sex_age": adl_by_sex_age,
        "new_deaths": deaths_by_sex_age.sum(axis=(2, 3)),
        "new_deaths_by_sex_age": deaths_by_sex_age,
        "new_entrants": rng.integers(0, 300, size=n_alive.shape).astype(np.int64),
        "new_migrants_in": rng.integers(0, 30, size=n_alive.shape).astype(np.int64),
        "new_migrants_out": rng.integers(0, 30, size=n_alive.shape).astype(np.int64),
        "mean_age": rng.uniform(68.0, 74.0, size=n_alive.shape),
        "new_person_years": by_sex_age * (days / 365.25)[:, None, None, None],
    }
    deaths_by_setting[...] = np.stack([rng.multinomial(n, [0.6, 0.05, 0.03, 0.07, 0.25])
                                       for n in data["new_deaths"].ravel()]).reshape(deaths_by_setting.shape)
    data["new_deaths_by_setting"] = deaths_by_setting
    data["cum_deaths"] = np.cumsum(data["new_deaths"], axis=0)
    data["cum_entrants"] = np.cumsum(data["new_entrants"], axis=0)
    first = data["n_alive"][0] - data["new_entrants"][0] + data["new_deaths"][0] \
        - data["new_migrants_in"][0] + data["new_migrants_out"][0]  # before the first step
    weeks = np.ceil(days / 7).astype(int)  # steps per period: a step never crosses a period end
    per_file = {"start_date": starts[0].strftime("%Y-%m-%d"), "end_date": ends[-1].strftime("%Y-%m-%d"),
                "n_steps": np.int32(weeks.sum()),
                "person_steps": np.uint64((data["n_alive"].sum(axis=1) * weeks).sum()),
                "n_agents_end": np.int64(data["n_alive"][-1].sum()), "n_agents_start": np.int64(first.sum())}
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
        for key, value in {**METADATA, **per_file}.items():
            meta.attrs[key] = value
        dims = f.create_group("dims")
        write_strings(dims, "district", districts)
        write_strings(dims, "period_start", starts.strftime("%Y-%m-%d"))
        write_strings(dims, "period_end", ends.strftime("%Y-%m-%d"))
        write_strings(dims, "sex", SEXES)
        write_strings(dims, "age_band", AGE_BANDS)
        write_strings(dims, "adl_level", ADL_LEVELS)
        write_strings(dims, "death_setting", DEATH_SETTINGS)
        if care:
            write_strings(dims, "care_setting", CARE_SETTINGS)
            write_strings(dims, "wait_end", WAIT_ENDS)
            write_strings(dims, "wait_band", WAIT_BANDS)
            write_strings(dims, "stay_end", STAY_ENDS)
            write_strings(dims, "stay_band", STAY_BANDS)
            write_strings(dims, "community_service", COMMUNITY_SERVICES)
            write_strings(dims, "adl_from", ADL_LEVELS)
            write_strings(dims, "adl_to", ADL_LEVELS)
            write_strings(dims, "service", SERVICES)
            write_strings(dims, "payer", PAYERS)
            write_strings(dims, "government_spending_type", GOVERNMENT_TYPES)
            write_strings(dims, "facility", tables["facility"])
        if hospitals:
            write_strings(dims, "hospital", h_tables["hospital"])
            write_strings(dims, "hospital_payer", HOSPITAL_PAYERS)
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


ENGINE = RESULTS_DIR.parent / "build" / "eldersim"


@pytest.fixture(scope="session")
def engine_file(tmp_path_factory):
    """A real run file, shared by the session (do not modify it: copy it first): the small
    Guangzhou scenario run to the end of 2021 by build/eldersim (the test is skipped if it is
    not built)."""
    import subprocess

    if not ENGINE.is_file():
        pytest.skip(f"{ENGINE} not built")
    out = tmp_path_factory.mktemp("engine") / "small.h5"
    proc = subprocess.run([str(ENGINE), "run", "configs/guangzhou-small.yaml", "--out", str(out),
                           "--set", "simulation.end=2021-12-31", "-q"],
                          cwd=RESULTS_DIR.parent, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="session")
def sweep_file(tmp_path_factory):
    """A synthetic sweep file (tests/sweep_fixture.py), shared by the session: do not modify
    it (copy it first).  ``(path, what was written)``."""
    from sweep_fixture import make_sweep_file

    directory = tmp_path_factory.mktemp("sweep")
    path = directory / "beds-plus.h5"
    return path, make_sweep_file(path)


def run_module(*args, cwd=None, timeout=180):
    """``/usr/bin/python3 -m eldersim_results ARGS`` with PYTHONPATH=results/, as `eldersim
    report` runs it."""
    import os
    import subprocess

    env = {**os.environ, "PYTHONPATH": str(RESULTS_DIR)}
    return subprocess.run(["/usr/bin/python3", "-m", "eldersim_results", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def sweep_report(sweep_file):
    """The report of the sweep fixture, written by the command line with the default output
    path (FILE.html next to FILE.h5): ``(html path, stdout)``."""
    path, _ = sweep_file
    proc = run_module("report", path, cwd=path.parent.parent)
    assert proc.returncode == 0, proc.stderr
    return path.with_suffix(".html"), proc.stdout


@pytest.fixture(scope="session")
def sweep_table(sweep_file):
    """summary_table of the sweep fixture with the default year (2021): computed once."""
    from eldersim_results import open_sweep, summary_table

    return summary_table(open_sweep(sweep_file[0]))
