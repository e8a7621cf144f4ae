#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <set>

#include "models/demography.hpp"
#include "models/elder_model.hpp"
#include "models/synthesis.hpp"
#include "sim/parallel.hpp"
#include "sim/soa.hpp"
#include "tests/test_support.hpp"

namespace eldersim {
namespace {

using testing::MemorySink;
using testing::run_in_memory;
using testing::small_scenario;

TEST(Mortality, HazardRatiosAndTheLogisticTailJoinSmoothly) {
  const Scenario s = small_scenario();
  const MortalityModel m(s.mortality);
  for (Sex sex : {kMale, kFemale}) {
    EXPECT_NEAR(m.annual_hazard(sex, 70, 4) / m.annual_hazard(sex, 70, 0), 4.45, 1e-12);
    EXPECT_NEAR(m.annual_hazard(sex, 70, 1) / m.annual_hazard(sex, 70, 0), 1.44, 1e-12);
    // Level and log-slope are continuous at 95.
    const double below = m.baseline_hazard(sex, 95 - 1e-9),
                 above = m.baseline_hazard(sex, 95 + 1e-9);
    EXPECT_NEAR(above / below, 1.0, 1e-7);
    const double slope_below =
        std::log(m.baseline_hazard(sex, 95) / m.baseline_hazard(sex, 94.99)) / 0.01;
    const double slope_above =
        std::log(m.baseline_hazard(sex, 95.01) / m.baseline_hazard(sex, 95)) / 0.01;
    EXPECT_NEAR(slope_above, slope_below, 1e-3);
    // The tail rises but stays below 1 per year; Gompertz part as configured.
    double last = 0;
    for (double age = 60; age < 125; age += 0.5) {
      const double h = m.baseline_hazard(sex, age);
      EXPECT_GT(h, last);
      EXPECT_LT(h, 1.0);
      last = h;
    }
    const auto& g = s.mortality.gompertz[sex];
    EXPECT_NEAR(m.baseline_hazard(sex, 60), s.mortality.improvement * g.m60, 1e-15);
  }
}

// A closed cohort of n people of one sex, all exactly `age` years old on the start date, ADL 0,
// stepped through the model with care, hospitals and ADL transitions off for `years` years;
// returns the survivors.
std::int64_t simulate_cohort(Sex sex, int age, int years, std::int64_t n, std::uint64_t seed) {
  const auto end = sim::format_date(sim::make_day(2020 + years, 1, 1) - 1);
  auto scenario = std::make_shared<const Scenario>(
      small_scenario({"entrants.first_year_share=0", "simulation.end=" + end,
                      "simulation.seed=" + std::to_string(seed), "care.enabled=false",
                      "hospital_system.enabled=false", "health.enabled=false"}));
  People p;
  append_people(p, static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < p.size(); ++i) {
    p.id[i] = i;
    p.birth_day[i] = years_before(sim::make_day(2020, 1, 1), age);
    p.sex[i] = sex;
  }
  ElderModel model(scenario, std::move(p));
  const MemorySink sink = run_in_memory(model);
  const std::int64_t alive = static_cast<std::int64_t>(model.living());
  std::int64_t deaths = 0;
  for (const auto& row : sink.ints.at("new_deaths"))
    for (auto d : row) deaths += d;
  EXPECT_EQ(alive + deaths, n);  // nobody created or lost
  return alive;
}

TEST(Demography, SurvivalFrom60To80MatchesTheAnalyticGompertz) {
  // Tolerance: 4 binomial standard errors; the discretisation error of weekly steps with the
  // hazard at mid-step is below 1e-4 here (docs/validation.md).
  const Scenario s = small_scenario();
  const MortalityModel m(s.mortality);
  const std::int64_t n = 200'000;
  for (Sex sex : {kFemale, kMale}) {
    const double expected = m.baseline_survival(sex, 60, 80);
    const double simulated =
        static_cast<double>(simulate_cohort(sex, 60, 20, n, 11)) / static_cast<double>(n);
    const double se = std::sqrt(expected * (1 - expected) / static_cast<double>(n));
    EXPECT_NEAR(simulated, expected, 4 * se) << (sex == kMale ? "men" : "women");
  }
}

TEST(Demography, SurvivalThroughTheLogisticTailMatchesTheAnalyticValue) {
  const Scenario s = small_scenario();
  const MortalityModel m(s.mortality);
  const std::int64_t n = 100'000;
  const double expected = m.baseline_survival(kMale, 90, 100);
  const double simulated =
      static_cast<double>(simulate_cohort(kMale, 90, 10, n, 5)) / static_cast<double>(n);
  EXPECT_NEAR(simulated, expected,
              4 * std::sqrt(expected * (1 - expected) / static_cast<double>(n)));
}

TEST(Demography, StocksChangeOnlyByEntrantsDeathsAndMoves) {
  // alive(t) = alive(t-1) + entrants - deaths + moves in - moves out, per district and month,
  // with migration switched on; and nobody is created or lost citywide.
  auto scenario = std::make_shared<const Scenario>(small_scenario(
      {"simulation.end=2025-12-31",
       "migration=[{from: Yuexiu, to: Baiyun, annual_rate: 0.05}, {from: Yuexiu, to: Panyu, "
       "annual_rate: 0.02}, {from: Liwan, to: Yuexiu, annual_rate: 0.03}]"}));
  ElderModel model(scenario);
  const Census initial = model.count(model.calendar().spec().start);
  const MemorySink sink = run_in_memory(model);
  const auto& alive = sink.ints.at("n_alive");
  const auto& deaths = sink.ints.at("new_deaths");
  const auto& entrants = sink.ints.at("new_entrants");
  const auto& in = sink.ints.at("new_migrants_in");
  const auto& out = sink.ints.at("new_migrants_out");
  ASSERT_EQ(alive.size(), 72u);
  std::int64_t moved = 0;
  for (std::size_t t = 0; t < alive.size(); ++t) {
    std::int64_t in_total = 0, out_total = 0;
    for (int d = 0; d < scenario->district_count(); ++d) {
      const auto i = static_cast<std::size_t>(d);
      const std::int64_t before = t == 0 ? initial.alive_in(d) : alive[t - 1][i];
      EXPECT_EQ(alive[t][i], before + entrants[t][i] - deaths[t][i] + in[t][i] - out[t][i])
          << "period " << t << " district " << scenario->districts[i].name;
      in_total += in[t][i];
      out_total += out[t][i];
    }
    EXPECT_EQ(in_total, out_total);
    moved += out_total;
  }
  EXPECT_GT(moved, 0);
  // Yuexiu (index 0) loses about 1 - exp(-0.07) of its people a year to moves.
  std::int64_t yuexiu_out = 0;
  for (const auto& row : out) yuexiu_out += row[0];
  const double expected = static_cast<double>(initial.alive_in(0)) * 6 * (1 - std::exp(-0.07));
  EXPECT_NEAR(static_cast<double>(yuexiu_out), expected, 0.12 * expected);
}

TEST(Demography, EntrantsArriveOnTheirBirthdaysWithStableIds) {
  auto scenario = std::make_shared<const Scenario>(small_scenario({"simulation.end=2021-12-31"}));
  ElderModel model(scenario);
  const std::size_t initial = model.agent_count();
  const MemorySink sink = run_in_memory(model);
  const auto& entrants = sink.ints.at("new_entrants");
  for (int year : {2020, 2021}) {
    for (int d = 0; d < scenario->district_count(); ++d) {
      std::int64_t total = 0;
      for (int m = 0; m < 12; ++m) {
        const auto month = static_cast<std::size_t>((year - 2020) * 12 + m);
        const std::int64_t got = entrants[month][static_cast<std::size_t>(d)];
        total += got;
        // Birthdays are spread evenly: each month gets its share of days, within one person.
        const int days = model.calendar().period(static_cast<int>(month)).last_day -
                         model.calendar().period(static_cast<int>(month)).first_day + 1;
        const double share =
            static_cast<double>(cohort_size(*scenario, d, year)) * days / sim::days_in_year(year);
        EXPECT_NEAR(static_cast<double>(got), share, 1.0);
      }
      EXPECT_EQ(total, cohort_size(*scenario, d, year));
    }
  }
  // Entrant ids encode (year, district, index); every id is unique.
  const People& p = model.people();
  std::set<std::uint64_t> ids(p.id.begin(), p.id.end());
  EXPECT_EQ(ids.size(), p.size());
  std::size_t entrants_seen = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p.id[i] < initial) continue;
    ++entrants_seen;
    const int year = static_cast<int>(p.id[i] >> 44);
    EXPECT_TRUE(year == 2020 || year == 2021);
    EXPECT_EQ(static_cast<int>((p.id[i] >> 32) & 0xfff), p.district[i]);
  }
  EXPECT_GT(entrants_seen, 2000u);
}

TEST(Demography, CohortSizesFollowShareGrowthAndExplicitYears) {
  const Scenario s = small_scenario({"districts.Yuexiu.entrants_by_year={2022: 50000}"});
  // Liwan: 0.075 * 264,164 * 1.01^k * 0.01
  EXPECT_EQ(cohort_size(s, 1, 2020), std::llround(0.075 * 264164 * 0.01));
  EXPECT_EQ(cohort_size(s, 1, 2030), std::llround(0.075 * 264164 * std::pow(1.01, 10) * 0.01));
  EXPECT_EQ(cohort_size(s, 0, 2022), 500);
}

TEST(Demography, ResultsAreIdenticalForAnyThreadCount) {
  auto scenario = std::make_shared<const Scenario>(
      small_scenario({"simulation.end=2022-12-31", "population.scale=0.05",
                      "migration=[{from: Tianhe, to: Huangpu, annual_rate: 0.1}]"}));
  std::vector<MemorySink> runs;
  for (int threads : {1, 2, 4}) runs.push_back(testing::run_scenario(scenario, threads));
  ASSERT_FALSE(runs[0].ints.empty());
  for (std::size_t r = 1; r < runs.size(); ++r) testing::expect_identical(runs[0], runs[r]);
}

}  // namespace
}  // namespace eldersim
