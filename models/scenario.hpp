#pragma once
// The typed, immutable scenario: everything a run reads from YAML, validated once.
// Keys, defaults, units and sources are documented in docs/config.md; the Guangzhou values and
// their citations live next to them in configs/guangzhou.yaml.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/basics.hpp"
#include "models/care_spec.hpp"
#include "models/hospital_spec.hpp"
#include "models/levers.hpp"
#include "sim/config_tree.hpp"
#include "sim/runner.hpp"

namespace eldersim {

// Upper bounds of what a scenario may ask for (docs/config.md, "Limits"). Within them no count
// of people, places or money overflows and no spending becomes infinite; a run that would not
// fit in memory is refused before anything is allocated (models/elder_model.hpp).
namespace limits {
inline constexpr double kPeople = 1e9;       // a district's older population, a cohort
inline constexpr double kHours = 1e9;        // a district's home-care hours per week
inline constexpr double kPlaces = 1e7;       // places or beds of one facility or hospital
inline constexpr double kTotalPlaces = 1e9;  // all places (or all beds), after scaling
inline constexpr double kYuan = 1e6;         // a monthly price, subsidy, voucher, grant, cost
inline constexpr double kYuanPerDay = 3e4;   // a daily amount (LTC benefit)
inline constexpr double kYuanPerHour = 1e3;  // an hourly price (home care)
inline constexpr double kUtility = 100;      // |a term of the care choice's utility|
inline constexpr double kMinutes = 1e4;      // travel minutes (fixed part; per km: kMinutes/10)
inline constexpr int kHorizonYears = 200;    // from simulation.start to simulation.end
inline constexpr double kAgents = 2e9;       // the start plus every entrant of the run
inline constexpr int kDistricts = 4096;      // person ids hold the district in 12 bits
}  // namespace limits

// Five-year reporting bands from the minimum age, the last one open (95+).
struct AgeBands {
  int min_age = 60;
  static constexpr int kWidth = 5;
  static constexpr int kOpenFrom = 95;
  int count() const { return (kOpenFrom - min_age) / kWidth + 1; }
  // Whole years of age are floor(days / 365.25) = floor(4 days / 1461), in integers (this is on
  // every per-person hot path); ages below min_age fall into the first band.
  int band_of_age_days(std::int32_t age_days) const {
    if (age_days < 0) return 0;
    const int years = static_cast<int>(4 * static_cast<std::uint32_t>(age_days) / 1461u);
    return std::clamp((years - min_age) / kWidth, 0, count() - 1);
  }
  std::string label(int band) const;
  std::vector<std::string> labels() const;
};

struct District {
  std::string name;
  std::int64_t n_older = 0;       // people aged min_age+ on population.counted_on, before scaling
  double registered_share = 1.0;  // share with local household registration (hukou)
  double home_care_hours_per_week = 0;  // home-care worker hours available, before scaling
  double latitude = 0;                  // of the district centre, for travel times
  double longitude = 0;
  bool has_location = false;
  sim::config::Location where;                   // of the district's entry, for messages
  std::map<int, std::int64_t> entrants_by_year;  // explicit cohort sizes, before scaling
};

struct PopulationSpec {
  double scale = 1.0;
  int min_age = 60;
  std::vector<double> age_band_share;      // per age band, sums to 1
  std::vector<double> male_share_by_band;  // per age band
  double open_band_mean_years = 2.5;       // mean years lived above 95 by people in the 95+ band
  std::array<double, kLivingArrangements> living{};
  std::array<double, kIncomeBands> income{};
  double no_family_support_share = 0;  // the "three no's" (no income, no work ability, no carer)
  double low_income_share = 0;         // minimum-living-allowance or low-income households
  std::vector<std::array<double, kAdlLevels>> initial_adl;  // per age band, rows sum to 1
  // The districts' counts are taken on counted_on (a census date) and carried to the start at
  // growth_to_start a year: start count = count * (1 + growth)^-(years from start to census).
  std::optional<sim::Day> counted_on;
  double growth_to_start = 0;
  double start_factor = 1;  // derived from the two above
};

struct GompertzSpec {
  double m60 = 0;    // annual death rate at exact age 60
  double slope = 0;  // log-hazard increase per year of age
};

struct MortalitySpec {
  std::array<GompertzSpec, kSexes> gompertz{};
  double improvement = 1.0;       // multiplies m60 (mortality decline since the fitted table)
  double logistic_from_age = 95;  // Kannisto (logistic) tail from this age
  std::array<double, kAdlLevels> hazard_ratio_by_adl{1, 1, 1, 1, 1};
};

struct EntrantsSpec {
  double first_year_share = 0;  // cohort turning min_age in the first year / district's start count
  double annual_growth = 0;     // yearly growth of that cohort size
};

struct MigrationFlow {
  int from = 0;
  int to = 0;
  double annual_rate = 0;
};

struct Scenario {
  std::string name;
  std::string city;
  std::string description;
  sim::SimulationSpec simulation;
  PopulationSpec population;
  AgeBands bands;
  std::vector<District> districts;
  MortalitySpec mortality;
  EntrantsSpec entrants;
  std::vector<MigrationFlow> migration;
  HealthSpec health;
  CareSpec care;
  HospitalSystemSpec hospitals;
  ProgrammeSpec programmes;                // in force at the start
  std::vector<PolicyEvent> policy_events;  // in date order
  std::vector<double> travel_minutes;      // [from district][to district]

  int district_count() const { return static_cast<int>(districts.size()); }
  int facility_count() const { return static_cast<int>(care.facilities.size()); }
  int hospital_count() const { return static_cast<int>(hospitals.hospitals.size()); }
  double travel(int from, int to) const {
    return travel_minutes[static_cast<std::size_t>(from) *
                              static_cast<std::size_t>(district_count()) +
                          static_cast<std::size_t>(to)];
  }
  std::vector<std::string> district_names() const;
  // Agents of a district at the start: its count carried to the start date, then scaled.
  std::int64_t agents_at_start(const District& d) const {
    return std::llround(static_cast<double>(d.n_older) * population.start_factor *
                        population.scale);
  }
};

// Reads and validates a whole scenario; throws sim::config::ConfigError listing every problem.
Scenario parse_scenario(const sim::config::Document& doc);

}  // namespace eldersim
