#pragma once
// Demography (design section 3, step 2): new cohorts enter, people die, some move district.
// Ageing needs no work: ages are derived from birth dates.
//
// The step, as a flow chart:
//   enter_cohorts: for each district, in order, the cohort members whose 60th birthday falls in
//     this step (birthdays spread evenly over the year), with ids from (year, district, index)
//     and attributes from their own streams
//   in the sweep (models/sweep.cpp), for each living person:
//     exposure: the step's days, by district, sex and age band
//     death:    death lane < threshold(sex, age bucket, ADL level)          -> person_ops::die
//     move:     else, if the district has outflows: migration lane < threshold(district)
//               -> a destination in proportion to the rates                 -> person_ops::move

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "models/census.hpp"
#include "models/mortality.hpp"
#include "models/people.hpp"
#include "models/scenario.hpp"
#include "sim/calendar.hpp"
#include "sim/series.hpp"

namespace eldersim {

// People in `district` turning the minimum age in `year`, after scaling: the explicit
// entrants_by_year value if given, else first_year_share * older_population * (1 + growth)^k.
std::int64_t cohort_size(const Scenario& scenario, int district, int year);
// Every entrant of the run, summed (an upper bound for the rows a run appends).
std::int64_t entrants_over_run(const Scenario& scenario);
// The same in floating point, for checking a scenario's size before it is run (no overflow for
// any growth rate or horizon).
double expected_entrants(const Scenario& scenario);

// Flows of one period (and the running totals) of the demography process.
// Where a person died: at home without formal care, at home with formal home care, in community
// (day) care, in an institution, or in hospital (whatever care they held).
enum DeathSetting : std::uint8_t {
  kDiedAtHome = 0,
  kDiedInHomeCare = 1,
  kDiedInCommunityCare = 2,
  kDiedInInstitution = 3,
  kDiedInHospital = 4
};
inline constexpr std::size_t kDeathSettings = 5;
std::vector<std::string> death_setting_names();
inline std::size_t death_setting(std::uint8_t care_mode, bool in_hospital) {
  // The care modes are the first four settings.
  return in_hospital ? std::size_t{kDiedInHospital} : std::size_t{care_mode};
}

struct DemographyFlows {
  std::vector<std::int64_t> deaths;             // [district][sex][band]
  std::vector<std::int64_t> deaths_by_setting;  // [district][death setting]
  std::vector<std::int64_t> exposure_days;      // [district][sex][band], person-days lived
  std::vector<std::int64_t> entrants;           // [district]
  std::vector<std::int64_t> migrants_out;       // [district]
  std::vector<std::int64_t> migrants_in;        // [district]
  std::vector<std::int64_t> cum_deaths;         // [district], since the start (not cleared)
  std::vector<std::int64_t> cum_entrants;       // [district], since the start (not cleared)
  void clear_period();
  template <class Archive>
  void serialize(Archive& ar) {
    ar(deaths, deaths_by_setting, exposure_days, entrants, migrants_out, migrants_in, cum_deaths,
       cum_entrants);
  }
};

class Demography {
 public:
  explicit Demography(const Scenario& s);

  // Appends the people turning the minimum age in this step.
  void enter_cohorts(const sim::Step& step, People& people, std::uint64_t seed);
  // The death thresholds for a step of `days` days (built on first use).
  const DeathTable& death_table(int days);
  // Migration: the threshold of moving in a step of `days` days from each district (empty
  // without flows), and the destination of a mover.
  bool has_migration() const { return !outflow_rates_.empty(); }
  const std::vector<std::uint32_t>& move_thresholds(int days);
  int destination(std::uint64_t seed, std::uint64_t id, const sim::Step& step, int from) const;

  std::size_t cell(int district, int sex, int band) const {
    return (static_cast<std::size_t>(district) * kSexes + static_cast<std::size_t>(sex)) *
               static_cast<std::size_t>(n_bands_) +
           static_cast<std::size_t>(band);
  }
  DemographyFlows& flows() { return flows_; }
  const MortalityModel& mortality() const { return mortality_; }
  void declare(sim::SeriesTable& table, const Census& census) const;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(flows_);
  }

 private:
  const Scenario& scenario_;
  int n_bands_;
  MortalityModel mortality_;
  std::map<int, std::unique_ptr<DeathTable>> death_tables_;  // by step length
  std::vector<std::vector<double>> outflow_rates_;           // [from][to]; empty: no migration
  std::map<int, std::vector<std::uint32_t>> move_thresholds_;
  DemographyFlows flows_;
};

}  // namespace eldersim
