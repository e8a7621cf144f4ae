#pragma once
// The hospital system's configuration (design section 3 step 4, section 4): hospitals, the
// admission process, length of stay, discharge and the medical-care integration levers. Parsed
// once by parse_scenario into these immutable structs; the Guangzhou values and their sources are
// in configs/guangzhou.yaml, every key in docs/config.md.

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "models/care_spec.hpp"
#include "sim/calendar.hpp"

namespace eldersim {

inline constexpr int kHospitalTiers = 3;  // level 1 (primary), 2 (secondary), 3 (tertiary)
inline constexpr int kMonths = 12;

struct HospitalSpec {
  std::string name;
  int district = 0;
  int tier = 2;  // 1..3
  Ownership ownership = Ownership::kPublic;
  std::int64_t beds = 0;                 // acute beds, all ages, before scaling
  std::int64_t rehabilitation_beds = 0;  // step-down beds for patients awaiting a care place
  std::int64_t nursing_beds = 0;         // long-term nursing beds: a care facility (see below)
  // Background (under the minimum age, not simulated) demand: the share of the acute beds that
  // patients under the minimum age would hold in steady state in a hospital without elderly
  // patients, by month. It sets the hospital's background arrivals (see BackgroundSpec).
  std::array<double, kMonths> background_occupancy{};
  int nursing_facility = -1;  // index of its nursing ward in CareSpec::facilities, if any
  sim::Day opens = std::numeric_limits<sim::Day>::min();
  sim::Day closes = std::numeric_limits<sim::Day>::max();
};

// The patients under the minimum age, as an aggregate (fluid) per hospital: arrivals per day
// share x beds / mean_stay_days (so the share is their steady-state occupancy without elderly
// patients), growing by annual_growth a year from the start; each stays mean_stay_days on
// average. They compete with the elderly for the same acute beds.
struct BackgroundSpec {
  // Defaults of the hospitals' background_occupancy by tier 1..3, by month.
  std::array<std::array<double, kMonths>, kHospitalTiers> occupancy_by_tier{};
  double mean_stay_days = 9;
  double annual_growth = 0;
};

// Cost of the elderly's hospital bed-days, split between medical insurance and the patient.
struct HospitalCostSpec {
  std::array<double, kHospitalTiers> per_bed_day_by_tier{0, 0, 0};  // yuan, acute beds
  double rehabilitation_per_bed_day = 0;                            // yuan
  double insurance_share = 0;  // paid by medical insurance; the patient pays the rest
};

struct HospitalSystemSpec {
  bool enabled = false;
  std::vector<HospitalSpec> hospitals;
  // Admissions: annual rate by age band for ADL level 0, times a ratio by ADL level, times a
  // seasonal factor by calendar month (mean one).
  std::vector<double> admission_rate_by_band;
  std::array<double, kAdlLevels> admission_ratio_by_adl{1, 1, 1, 1, 1};
  std::array<double, kMonths> admission_seasonality{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  // The tier a patient's condition needs, by ADL level (shares of tiers 1..3).
  std::array<std::array<double, kHospitalTiers>, kAdlLevels> tier_share_by_adl{};
  // Probability of a referral up one tier, from tiers 1 and 2.
  std::array<double, kHospitalTiers> referral_up{0, 0, 0};
  // Length of stay: lognormal with this mean (days) by tier, times a ratio by ADL level, with
  // log standard deviation stay_log_sd; whole days, at least one.
  std::array<double, kHospitalTiers> mean_stay_days{9, 9, 9};
  std::array<double, kAdlLevels> stay_ratio_by_adl{1, 1, 1, 1, 1};
  double stay_log_sd = 0.6;
  // Outcomes at the end of a stay.
  std::array<double, kAdlLevels> death_probability{};  // dies in hospital
  std::array<double, kAdlLevels> adl_decline{};        // leaves one ADL level worse
  // Discharge: patients at or above assessment_level choose their care on discharge; those
  // who need a place of a mode in delay_for that is not free stay in hospital (delayed
  // discharge) until they get it or give up waiting.
  int assessment_level = 1;
  std::array<bool, kCareModes> delay_for{false, false, false, true};
  // A patient waiting in an acute bed for a care place is discharged home (staying on the
  // waiting list) after this many days past the end of the medical stay.
  sim::Day max_wait_days = std::numeric_limits<sim::Day>::max();
  // A patient whose first-choice hospital is full goes to the nearest hospital with room of the
  // needed tier or higher only within this travel time from home; else they are turned away.
  double diversion_max_minutes = std::numeric_limits<double>::infinity();
  BackgroundSpec background;
  HospitalCostSpec cost;
  // Hospitals' nursing wards are care facilities (institutions, every bed nursing-type) at
  // this price.
  std::array<double, kAdlLevels> nursing_ward_monthly_price{};
};

}  // namespace eldersim
