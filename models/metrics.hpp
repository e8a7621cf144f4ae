#pragma once
// Metrics: the one place where every output series is declared (name, dims, unit, meaning;
// documented in docs/hdf5-schema.md), the per-period accumulators the processes add to, and the
// period-end count of stocks. Names follow Covasim: n_* stocks, new_* flows within the period.

#include <array>
#include <cstdint>
#include <vector>

#include "models/people.hpp"
#include "models/scenario.hpp"
#include "sim/model.hpp"
#include "sim/output.hpp"

namespace eldersim {

std::vector<sim::DimensionSpec> dimension_specs(const Scenario& scenario);
std::vector<sim::SeriesSpec> series_specs();

// Flows within the current period, added to by the processes (per block, then merged in order).
struct PeriodFlows {
  int n_districts = 0;
  int n_bands = 0;
  std::vector<std::int64_t> deaths;           // [district][sex][band]
  std::vector<std::int64_t> exposure_days;    // [district][sex][band], person-days lived
  std::vector<std::int64_t> entrants;         // [district]
  std::vector<std::int64_t> migrants_out;     // [district]
  std::vector<std::int64_t> migrants_in;      // [district]
  std::vector<std::int64_t> adl_transitions;  // [district][from level][to level]
  // Care (per district and mode, modes indexed by CareMode; none unused).
  std::vector<std::int64_t> admissions;           // [district][mode]
  std::vector<std::int64_t> admitted_from_wait;   // [district][mode]
  std::vector<std::int64_t> wait_days;            // [district][mode], summed over those admitted
  std::vector<std::int64_t> reneges;              // [district][mode]
  std::vector<std::int64_t> facility_admissions;  // [facility]
  std::vector<std::int64_t> facility_admitted_from_wait;  // [facility]
  std::vector<std::int64_t> facility_wait_days;           // [facility]
  std::vector<double> spending;                           // [district][payer], yuan
  std::vector<double> government;  // [district][government spending type], yuan
  // Hospitals, per hospital.
  std::vector<std::int64_t> hospital_admissions, hospital_referred_in, hospital_diverted,
      hospital_turned_away, hospital_deaths, hospital_discharges, hospital_stay_days,
      hospital_bed_days, hospital_background_bed_days, hospital_capacity_bed_days,
      hospital_delayed_days, hospital_rehabilitation_bed_days;
  std::vector<std::int64_t> hospital_peak_occupied;  // maximum over the period's days, not a sum
  // Hospitals, by the patient's district.
  std::vector<std::int64_t> hospital_admissions_by_cell;  // [district][sex][band]
  std::vector<std::int64_t> referrals;                    // [district]
  std::vector<std::int64_t> turned_away;                  // [district]
  std::vector<std::int64_t> hospital_deaths_by_district;  // [district]
  std::vector<std::int64_t> admissions_by_origin;         // [district][hospital's district]

  PeriodFlows() = default;
  explicit PeriodFlows(const Scenario& s);
  // The summed hospital columns, for clear and merge.
  template <class Self>
  static auto hospital_columns(Self& self) {
    return std::array{&self.hospital_admissions,
                      &self.hospital_referred_in,
                      &self.hospital_diverted,
                      &self.hospital_turned_away,
                      &self.hospital_deaths,
                      &self.hospital_discharges,
                      &self.hospital_stay_days,
                      &self.hospital_bed_days,
                      &self.hospital_background_bed_days,
                      &self.hospital_capacity_bed_days,
                      &self.hospital_delayed_days,
                      &self.hospital_rehabilitation_bed_days,
                      &self.hospital_admissions_by_cell,
                      &self.referrals,
                      &self.turned_away,
                      &self.hospital_deaths_by_district,
                      &self.admissions_by_origin};
  }
  std::size_t cell(int district, int sex, int band) const {
    return (static_cast<std::size_t>(district) * kSexes + static_cast<std::size_t>(sex)) *
               static_cast<std::size_t>(n_bands) +
           static_cast<std::size_t>(band);
  }
  void clear();
  void merge(const PeriodFlows& other);
};

// Stocks on a given day.
struct Stocks {
  int n_districts = 0;
  int n_bands = 0;
  std::vector<std::int64_t> alive;       // [district][sex][band]
  std::vector<std::int64_t> adl;         // [district][level]
  std::vector<std::int64_t> age_days;    // [district], sum of ages in days
  std::vector<std::int64_t> in_mode;     // [district][care mode]
  std::vector<std::int64_t> need;        // [district], ADL level >= care.need_level
  std::vector<std::int64_t> unmet;       // [district], in need and without formal care
  std::vector<std::int64_t> waiting;     // [district][care mode]
  std::vector<std::int64_t> inpatients;  // [district]
  std::vector<std::int64_t> delayed;     // [district], in hospital waiting for a care place

  Stocks() = default;
  Stocks(int districts, int bands);
  std::size_t cell(int district, int sex, int band) const {
    return (static_cast<std::size_t>(district) * kSexes + static_cast<std::size_t>(sex)) *
               static_cast<std::size_t>(n_bands) +
           static_cast<std::size_t>(band);
  }
  std::int64_t alive_in(int district) const;
  void clear();
  void merge(const Stocks& other);
};

// Counts the living on `day` (parallel over agent blocks, merged in block order).
Stocks count_stocks(const People& people, const Scenario& scenario, sim::Day day,
                    std::vector<Stocks>& scratch);

struct CareState;
struct HospitalState;

// Hands one period's rows of every declared series to the sink.
void record_period(const Scenario& scenario, const PeriodFlows& flows, const Stocks& stocks,
                   const CareState& care, const HospitalState& hospitals, sim::SeriesSink& sink);

}  // namespace eldersim
