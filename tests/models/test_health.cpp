#include <gtest/gtest.h>

#include <cmath>

#include "models/elder_model.hpp"
#include "models/health.hpp"
#include "models/synthesis.hpp"
#include "sim/soa.hpp"
#include "tests/test_support.hpp"

namespace eldersim {
namespace {

using testing::small_scenario;

TEST(AdlTransitions, MatrixExponentialMatchesTheTwoStateClosedForm) {
  // 0 -> 1 at rate a, 1 -> 0 at rate b: P01(t) = a/(a+b) (1 - e^{-(a+b)t}).
  AdlMatrix q{};
  const double a = 0.3, b = 0.7;
  q[0][0] = -a, q[0][1] = a, q[1][0] = b, q[1][1] = -b;
  for (double t : {0.01, 0.5, 3.0, 40.0}) {
    const AdlMatrix p = matrix_exponential(q, t);
    EXPECT_NEAR(p[0][1], a / (a + b) * (1 - std::exp(-(a + b) * t)), 1e-13) << t;
    EXPECT_NEAR(p[1][1], 1 - b / (a + b) * (1 - std::exp(-(a + b) * t)), 1e-13) << t;
    EXPECT_NEAR(p[2][2], 1.0, 1e-15);
  }
}

TEST(AdlTransitions, GeneratorHasTheConfiguredStructure) {
  const Scenario s = small_scenario();
  const HealthSpec& h = s.health;
  const AdlMatrix q = adl_generator(h, kFemale, 75);
  for (int i = 0; i < kAdlLevels; ++i) {
    double row = 0;
    for (int j = 0; j < kAdlLevels; ++j) {
      row += q[i][j];
      if (j != i) {
        EXPECT_GE(q[i][j], 0);
      }
      if (i > 0 && std::abs(i - j) > 1) {
        EXPECT_EQ(q[i][j], 0) << i << "->" << j;  // no jumps
      }
    }
    EXPECT_NEAR(row, 0, 1e-15);
  }
  const double onset = h.onset_rate_at_65 * std::exp(h.onset_age_slope * 10) * h.onset_female_ratio;
  EXPECT_NEAR(q[0][1], onset * h.onset_share[0], 1e-15);
  EXPECT_NEAR(
      q[2][1],
      h.recovery_rate_at_65[1] * std::exp(h.recovery_age_slope * 10) * h.recovery_female_ratio,
      1e-15);
  // Steps compose: two 3-day steps equal one 6-day step.
  const AdlTransitions t(h, s.bands, 7);
  const AdlMatrix p3 = t.step_matrix(3, kFemale, 3), p6 = t.step_matrix(3, kFemale, 6);
  for (int i = 0; i < kAdlLevels; ++i)
    for (int j = 0; j < kAdlLevels; ++j) {
      double two = 0;
      for (int k = 0; k < kAdlLevels; ++k) two += p3[i][k] * p3[k][j];
      EXPECT_NEAR(two, p6[i][j], 1e-12);
    }
}

TEST(AdlTransitions, SimulatedYearMatchesTheMatrixExponential) {
  // 100,000 women aged 70-74 at each level, one year of weekly steps with no deaths: the share
  // ending at each level matches expm(Q * 364/365.25) within 4 standard errors.
  auto scenario = std::make_shared<const Scenario>(
      small_scenario({"entrants.first_year_share=0", "simulation.end=2020-12-29",
                      "simulation.reporting_period=year", "mortality.improvement=1e-9",
                      "care.enabled=false", "hospital_system.enabled=false"}));
  const std::size_t per_level = 20'000;
  People people;
  append_people(people, per_level * kAdlLevels);
  for (std::size_t i = 0; i < people.size(); ++i) {
    people.id[i] = i;
    people.birth_day[i] = sim::make_day(1948, 1, 1);  // 72 in 2020: band 70-74 all year
    people.sex[i] = kFemale;
    people.adl[i] = static_cast<std::uint8_t>(i / per_level);
  }
  ElderModel model(scenario, std::move(people));
  int days = 0;
  const testing::MemorySink sink = testing::run_checking(model, [&](const sim::Step& step) {
    ASSERT_EQ(step.days, 7);
    days += step.days;
  });
  ASSERT_EQ(days, 364);
  const People& people_now = model.people();
  ASSERT_EQ(model.living(), people_now.size());  // no deaths
  const AdlMatrix expected =
      matrix_exponential(adl_generator(scenario->health, kFemale, 72.5), days / 365.25);
  for (int from = 0; from < kAdlLevels; ++from) {
    std::array<double, kAdlLevels> got{};
    for (std::size_t i = static_cast<std::size_t>(from) * per_level;
         i < (static_cast<std::size_t>(from) + 1) * per_level; ++i)
      got[people_now.adl[i]] += 1.0 / per_level;
    for (int to = 0; to < kAdlLevels; ++to) {
      const double p = expected[from][to];
      EXPECT_NEAR(got[to], p, 4 * std::sqrt(p * (1 - p) / per_level) + 1e-9) << from << "->" << to;
    }
  }
  // The transition counts add up to the people who changed level.
  std::int64_t counted = 0, changed = 0;
  for (auto n : sink.ints.at("new_adl_transitions").at(0)) counted += n;
  // Each person's final level differs from the first unless they changed back and forth; the
  // transitions counted are at least the people who ended elsewhere.
  for (std::size_t i = 0; i < people_now.size(); ++i) changed += people_now.adl[i] != i / per_level;
  EXPECT_GE(counted, changed);
  EXPECT_GT(counted, 10'000);
}

}  // namespace
}  // namespace eldersim
