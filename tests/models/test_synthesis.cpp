#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <set>

#include "models/synthesis.hpp"
#include "tests/test_support.hpp"

namespace eldersim {
namespace {

using testing::small_scenario;

TEST(Apportion, PartsAddUpExactlyAndFollowTheShares) {
  const auto parts =
      apportion(1000, {0.3146, 0.2214, 0.1927, 0.1285, 0.0771, 0.0457, 0.0157, 0.0043});
  EXPECT_EQ(std::accumulate(parts.begin(), parts.end(), std::int64_t{0}), 1000);
  EXPECT_EQ(parts, (std::vector<std::int64_t>{315, 221, 193, 128, 77, 46, 16, 4}));
  EXPECT_EQ(apportion(3, {1, 1, 1, 1}), (std::vector<std::int64_t>{1, 1, 1, 0}));
  EXPECT_EQ(apportion(0, {0.5, 0.5}), (std::vector<std::int64_t>{0, 0}));
}

TEST(YearsBefore, KeepsTheDateAndHandlesLeapDays) {
  EXPECT_EQ(years_before(sim::make_day(2020, 3, 15), 60), sim::make_day(1960, 3, 15));
  EXPECT_EQ(years_before(sim::make_day(2024, 2, 29), 61), sim::make_day(1963, 2, 28));
  EXPECT_EQ(years_before(sim::make_day(2024, 2, 29), 60), sim::make_day(1964, 2, 29));
}

TEST(Synthesis, DistrictBandAndSexMarginalsAreExact) {
  const Scenario s = small_scenario({"population.scale=0.05"});
  const People people = synthesize_population(s, s.simulation.seed, 1000);
  const sim::Day start = s.simulation.calendar.start;
  const int nd = s.district_count(), nb = s.bands.count();
  std::vector<std::int64_t> count(static_cast<std::size_t>(nd * nb * 2), 0);
  std::set<std::uint64_t> ids;
  for (std::size_t i = 0; i < people.size(); ++i) {
    EXPECT_EQ(people.id[i], i);  // config order
    const int band = s.bands.band_of_age_days(start - people.birth_day[i]);
    ++count[static_cast<std::size_t>((people.district[i] * nb + band) * 2 + people.sex[i])];
    ASSERT_EQ(people.alive[i], 1);
    ASSERT_LT(people.adl[i], kAdlLevels);
  }
  std::int64_t total = 0;
  for (int d = 0; d < nd; ++d) {
    const auto n = s.agents_at_start(s.districts[static_cast<std::size_t>(d)]);
    const auto per_band = apportion(n, s.population.age_band_share);
    for (int b = 0; b < nb; ++b) {
      const auto males = count[static_cast<std::size_t>((d * nb + b) * 2)];
      const auto females = count[static_cast<std::size_t>((d * nb + b) * 2 + 1)];
      EXPECT_EQ(males + females, per_band[static_cast<std::size_t>(b)])
          << "district " << d << " band " << b;
      EXPECT_EQ(males, std::llround(static_cast<double>(per_band[static_cast<std::size_t>(b)]) *
                                    s.population.male_share_by_band[static_cast<std::size_t>(b)]));
    }
    total += n;
  }
  EXPECT_EQ(static_cast<std::int64_t>(people.size()), total);
  // 2,130,598 * 0.05 = 106,529.9 on the census date, carried back 305 days at 4.4% a year:
  // * 1.044^(-305 / 365.25) = 102,767.6, rounded per district.
  EXPECT_EQ(total, 102767);
}

TEST(Synthesis, CountsAreCarriedFromTheirDateToTheStart) {
  const auto total = [](const Scenario& s) {
    std::int64_t n = 0;
    for (const District& d : s.districts) n += s.agents_at_start(d);
    return n;
  };
  const Scenario census_day = small_scenario({"population.scale=0.05"});
  EXPECT_NEAR(census_day.population.start_factor, std::pow(1.044, -305 / 365.25), 1e-12);
  // Without a count date the counts are the start's.
  const Scenario at_start = small_scenario(
      {"population.scale=0.05", "population.counted_on=null", "population.growth_to_start=null"});
  EXPECT_EQ(at_start.population.start_factor, 1.0);
  EXPECT_EQ(total(at_start), 106531);
  // A count taken a year before the start is carried forward.
  const Scenario before =
      small_scenario({"population.scale=0.05", "population.counted_on=2019-01-01",
                      "population.growth_to_start=0.1"});
  EXPECT_NEAR(before.population.start_factor, std::pow(1.1, 365 / 365.25), 1e-12);
  EXPECT_NEAR(static_cast<double>(total(before)), 106529.9 * std::pow(1.1, 365 / 365.25), 6);
  // The synthesised population is the carried count.
  EXPECT_EQ(synthesize_population(before, 1, 1000).size(), static_cast<std::size_t>(total(before)));
}

TEST(Synthesis, DrawnAttributesFollowTheConfiguredShares) {
  const Scenario s = small_scenario({"population.scale=0.1"});
  const People people = synthesize_population(s, s.simulation.seed, 1000);
  const double n = static_cast<double>(people.size());
  std::array<double, kLivingArrangements> living{};
  std::array<double, kAdlLevels> adl{}, adl_expected{};
  double registered = 0, low_income = 0, no_family = 0;
  for (std::size_t i = 0; i < people.size(); ++i) {
    living[living_of(people.traits[i])] += 1 / n;
    adl[people.adl[i]] += 1 / n;
    registered += (people.traits[i] & kRegistered) ? 1 / n : 0;
    low_income += (people.traits[i] & kLowIncomeHousehold) ? 1 / n : 0;
    no_family += (people.traits[i] & kNoFamilySupport) ? 1 / n : 0;
    if (people.traits[i] & kLowIncomeHousehold) {
      ASSERT_EQ(income_of(people.traits[i]), kLowIncome);
    }
  }
  for (int b = 0; b < s.bands.count(); ++b)
    for (int l = 0; l < kAdlLevels; ++l)
      adl_expected[static_cast<std::size_t>(l)] +=
          s.population.age_band_share[static_cast<std::size_t>(b)] *
          s.population.initial_adl[static_cast<std::size_t>(b)][static_cast<std::size_t>(l)];
  const auto tol = [&](double p) { return 4 * std::sqrt(p * (1 - p) / n); };
  for (int k = 0; k < kLivingArrangements; ++k)
    EXPECT_NEAR(living[static_cast<std::size_t>(k)],
                s.population.living[static_cast<std::size_t>(k)],
                tol(s.population.living[static_cast<std::size_t>(k)]));
  for (int l = 0; l < kAdlLevels; ++l)
    EXPECT_NEAR(adl[static_cast<std::size_t>(l)], adl_expected[static_cast<std::size_t>(l)],
                tol(adl_expected[static_cast<std::size_t>(l)]));
  EXPECT_NEAR(adl[2] + adl[3] + adl[4], 0.1057, 0.005);  // level 2+ (docs/validation.md)
  EXPECT_NEAR(registered, 0.8446, tol(0.8446));
  EXPECT_NEAR(low_income, 0.03, tol(0.03));
  EXPECT_NEAR(no_family, 0.005, tol(0.005));
}

TEST(Synthesis, SameSeedSamePeopleOtherSeedOtherDrawsAnyBlockSize) {
  const Scenario s = small_scenario();
  const People a = synthesize_population(s, 1, 4096);
  const People b = synthesize_population(s, 1, 77);  // the block size changes nothing
  const People c = synthesize_population(s, 99, 4096);
  EXPECT_EQ(a.birth_day, b.birth_day);
  EXPECT_EQ(a.adl, b.adl);
  EXPECT_EQ(a.traits, b.traits);
  EXPECT_NE(a.birth_day, c.birth_day);
  EXPECT_EQ(a.sex, c.sex);  // quotas, not draws
}

}  // namespace
}  // namespace eldersim
