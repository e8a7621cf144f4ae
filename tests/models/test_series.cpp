#include <gtest/gtest.h>

#include <fstream>
#include <numeric>
#include <sstream>

#include "models/elder_model.hpp"
#include "tests/test_support.hpp"

namespace eldersim {
namespace {

using testing::MemorySink;
using testing::run_in_memory;
using testing::small_scenario;

TEST(Series, EveryDeclaredSeriesIsDocumented) {
  std::ifstream in(testing::source_dir() / "docs" / "hdf5-schema.md");
  ASSERT_TRUE(in) << "docs/hdf5-schema.md is missing";
  std::stringstream text;
  text << in.rdbuf();
  ElderModel model(std::make_shared<const Scenario>(small_scenario()));
  for (const auto& s : model.series().specs())
    EXPECT_NE(text.str().find("`" + s.name + "`"), std::string::npos)
        << s.name << " is not documented in docs/hdf5-schema.md";
}

TEST(Series, NamesFollowTheRuleForTheirKind) {
  // new_* flows, n_* counts at the period end, cum_* running totals, the rest shares and means.
  ElderModel model(std::make_shared<const Scenario>(small_scenario()));
  for (const auto& s : model.series().specs())
    EXPECT_TRUE(sim::follows_naming_rule(s.name, s.kind, s.element == sim::h5::Element::kInt64))
        << s.name;
  EXPECT_TRUE(sim::follows_naming_rule("new_deaths", sim::SeriesKind::kFlow, true));
  EXPECT_FALSE(sim::follows_naming_rule("deaths", sim::SeriesKind::kFlow, true));
  EXPECT_FALSE(sim::follows_naming_rule("new_alive", sim::SeriesKind::kStock, true));
  EXPECT_FALSE(sim::follows_naming_rule("n_share", sim::SeriesKind::kStock, false));
  EXPECT_FALSE(sim::follows_naming_rule("n_total", sim::SeriesKind::kCumulative, true));
  sim::SeriesTable t(std::vector<sim::DimensionSpec>{{"district", {"a"}}});
  EXPECT_THROW(t.add({"alive", {"district"}, sim::SeriesKind::kStock, "", ""},
                     sim::SeriesTable::IntFill([](sim::SeriesTable::IntRow) {})),
               std::logic_error);
  EXPECT_THROW(t.add({"n_alive", {"nowhere"}, sim::SeriesKind::kStock, "", ""},
                     sim::SeriesTable::IntFill([](sim::SeriesTable::IntRow) {})),
               std::logic_error);
  t.add({"n_alive", {"district"}, sim::SeriesKind::kStock, "", ""},
        sim::SeriesTable::IntFill([](sim::SeriesTable::IntRow) {}));
  EXPECT_THROW(t.add({"n_alive", {"district"}, sim::SeriesKind::kStock, "", ""},
                     sim::SeriesTable::IntFill([](sim::SeriesTable::IntRow) {})),
               std::logic_error);
}

TEST(Series, FlowsAddUpToStocksAndRunningTotals) {
  // Without migration, n_alive(t) = n_alive(0) + cum_entrants(t) - cum_deaths(t) per district,
  // and each running total is the sum of its flow.
  auto scenario = std::make_shared<const Scenario>(small_scenario({"simulation.end=2024-12-31"}));
  ElderModel model(scenario);
  const Census start = model.count(scenario->simulation.calendar.start);
  const MemorySink sink = run_in_memory(model);
  const auto& alive = sink.ints.at("n_alive");
  std::vector<std::int64_t> deaths(11, 0), entrants(11, 0);
  for (std::size_t t = 0; t < alive.size(); ++t)
    for (std::size_t d = 0; d < 11; ++d) {
      deaths[d] += sink.ints.at("new_deaths")[t][d];
      entrants[d] += sink.ints.at("new_entrants")[t][d];
      ASSERT_EQ(sink.ints.at("cum_deaths")[t][d], deaths[d]);
      ASSERT_EQ(sink.ints.at("cum_entrants")[t][d], entrants[d]);
      ASSERT_EQ(alive[t][d], start.alive_in(static_cast<int>(d)) + entrants[d] - deaths[d])
          << "period " << t << " district " << d;
    }
  EXPECT_EQ(model.agent_count(), model.living());
  EXPECT_EQ(model.living(), static_cast<std::size_t>(std::accumulate(
                                alive.back().begin(), alive.back().end(), std::int64_t{0})));
}

TEST(Series, RowsMatchTheDeclaredShapesAndAddUp) {
  auto scenario = std::make_shared<const Scenario>(small_scenario({"simulation.end=2021-06-30"}));
  ElderModel model(scenario);
  const MemorySink sink = run_in_memory(model);
  std::map<std::string, std::size_t> dim_size;
  for (const auto& d : model.series().dimensions()) dim_size[d.name] = d.labels.size();
  // 33 homes and centres, and the nursing wards of the 11 primary hospital units.
  EXPECT_EQ(dim_size.at("facility"), 44u);
  EXPECT_EQ(dim_size.at("hospital"), 44u);
  for (const auto& s : model.series().specs()) {
    std::size_t cells = 1;
    for (const auto& d : s.dims) cells *= dim_size.at(d);
    const bool is_int = s.element == sim::h5::Element::kInt64;
    const std::size_t periods =
        is_int ? sink.ints.at(s.name).size() : sink.doubles.at(s.name).size();
    EXPECT_EQ(periods, 18u) << s.name;
    const std::size_t row =
        is_int ? sink.ints.at(s.name)[0].size() : sink.doubles.at(s.name)[0].size();
    EXPECT_EQ(row, cells) << s.name;
  }
  for (std::size_t t = 0; t < 18; ++t) {
    const auto& alive = sink.ints.at("n_alive")[t];
    const auto& by_age = sink.ints.at("n_alive_by_sex_age")[t];
    const auto& adl = sink.ints.at("n_adl")[t];
    const auto& deaths = sink.ints.at("new_deaths")[t];
    const auto& deaths_by_age = sink.ints.at("new_deaths_by_sex_age")[t];
    for (std::size_t d = 0; d < 11; ++d) {
      EXPECT_EQ(alive[d],
                std::accumulate(by_age.begin() + static_cast<long>(d * 16),
                                by_age.begin() + static_cast<long>(d * 16 + 16), std::int64_t{0}));
      EXPECT_EQ(alive[d],
                std::accumulate(adl.begin() + static_cast<long>(d * 5),
                                adl.begin() + static_cast<long>(d * 5 + 5), std::int64_t{0}));
      EXPECT_EQ(deaths[d], std::accumulate(deaths_by_age.begin() + static_cast<long>(d * 16),
                                           deaths_by_age.begin() + static_cast<long>(d * 16 + 16),
                                           std::int64_t{0}));
      const double age = sink.doubles.at("mean_age")[t][d];
      EXPECT_GT(age, 68.0);
      EXPECT_LT(age, 75.0);
    }
  }
  // Person-years in a 31-day month: everyone alive at the start of a step lives its days.
  const auto& py = sink.doubles.at("new_person_years")[0];
  const double total_py = std::accumulate(py.begin(), py.end(), 0.0);
  const double alive_jan = static_cast<double>(std::accumulate(
      sink.ints.at("n_alive")[0].begin(), sink.ints.at("n_alive")[0].end(), std::int64_t{0}));
  EXPECT_NEAR(total_py, alive_jan * 31 / 365.25, 0.01 * alive_jan * 31 / 365.25);
}

// The breakdowns that validation reads (ADL level by sex and age, care by ADL level, deaths by
// setting) add up to the totals they break down, in every period and district.
TEST(Series, ValidationBreakdownsAddUpToTheirTotals) {
  auto scenario = std::make_shared<const Scenario>(small_scenario({"simulation.end=2022-12-31"}));
  ElderModel model(scenario);
  const MemorySink sink = run_in_memory(model);
  const auto& i = sink.ints;
  const std::size_t D = 11, S = 2, B = 8, L = 5, M = 4, W = 5;
  std::vector<std::int64_t> died_in(W, 0);
  for (std::size_t t = 0; t < i.at("n_alive").size(); ++t) {
    const auto& adl_age = i.at("n_adl_by_sex_age")[t];
    const auto& care_adl = i.at("n_care_by_adl")[t];
    const auto& by_setting = i.at("new_deaths_by_setting")[t];
    for (std::size_t d = 0; d < D; ++d) {
      std::vector<std::int64_t> level(L, 0), setting(M, 0), level_in_care(L, 0);
      for (std::size_t sb = 0; sb < S * B; ++sb) {
        std::int64_t cell = 0;
        for (std::size_t l = 0; l < L; ++l) {
          const std::int64_t n = adl_age[((d * S * B) + sb) * L + l];
          cell += n;
          level[l] += n;
        }
        ASSERT_EQ(cell, i.at("n_alive_by_sex_age")[t][d * S * B + sb]) << t << " " << d;
      }
      for (std::size_t m = 0; m < M; ++m)
        for (std::size_t l = 0; l < L; ++l) {
          setting[m] += care_adl[(d * M + m) * L + l];
          level_in_care[l] += care_adl[(d * M + m) * L + l];
        }
      for (std::size_t l = 0; l < L; ++l) {
        ASSERT_EQ(level[l], i.at("n_adl")[t][d * L + l]);
        ASSERT_EQ(level_in_care[l], i.at("n_adl")[t][d * L + l]);
      }
      ASSERT_EQ(setting[0], i.at("n_no_care")[t][d]);
      ASSERT_EQ(setting[1], i.at("n_home")[t][d]);
      ASSERT_EQ(setting[2], i.at("n_community")[t][d]);
      ASSERT_EQ(setting[3], i.at("n_institution")[t][d]);
      std::int64_t deaths = 0;
      for (std::size_t w = 0; w < W; ++w) {
        deaths += by_setting[d * W + w];
        died_in[w] += by_setting[d * W + w];
      }
      ASSERT_EQ(deaths, i.at("new_deaths")[t][d]);
      ASSERT_EQ(by_setting[d * W + 4], i.at("new_hospital_deaths")[t][d]);
    }
  }
  // People die in every setting; most at home without formal care, as most people live so.
  for (std::size_t w = 0; w < W; ++w) EXPECT_GT(died_in[w], 0) << "setting " << w;
  EXPECT_GT(died_in[0], died_in[3]);
}

// Waiting lists: the stock by duration sums to n_waiting, and the stock changes only by the
// waits that start and end (no migration, so district by district). (Admissions straight into
// a free place never wait, so new_admissions is not a sum of waits.)
// The waiting-list series of a run account for each other: the stock by duration band is the
// stock, and its change is the waits started and carried in (the warm-up's) minus those ended.
// Sets the waits carried in.
void check_waits_add_up(const Scenario& s, std::int64_t& carried_in) {
  auto scenario = std::make_shared<const Scenario>(s);
  ElderModel model(scenario);
  const MemorySink sink = run_in_memory(model);
  const auto& i = sink.ints;
  const std::size_t D = 11, V = 3, E = 3, B = 4;
  std::vector<std::int64_t> before(D * V, 0), long_waits(V, 0), reneged(V, 0);
  carried_in = 0;
  for (std::size_t t = 0; t < i.at("n_waiting").size(); ++t)
    for (std::size_t dv = 0; dv < D * V; ++dv) {
      std::int64_t by_band = 0, ended = 0, carried = 0;
      for (std::size_t b = 0; b < B; ++b) {
        by_band += i.at("n_waiting_by_duration")[t][dv * B + b];
        carried += i.at("new_waits_carried_in")[t][dv * B + b];
      }
      if (t > 0) {
        EXPECT_EQ(carried, 0) << "carried in after the first period";
      }
      carried_in += carried;
      for (std::size_t e = 0; e < E; ++e)
        for (std::size_t b = 0; b < B; ++b) {
          const std::int64_t n = i.at("new_waits_ended")[t][(dv * E + e) * B + b];
          ended += n;
          if (e == 1) reneged[dv % V] += n;
          if (b > 0) long_waits[dv % V] += n;
        }
      const std::int64_t now = i.at("n_waiting")[t][dv];
      ASSERT_EQ(by_band, now) << "period " << t << " cell " << dv;
      ASSERT_EQ(now - before[dv], i.at("new_waits_started")[t][dv] + carried - ended)
          << "period " << t << " cell " << dv;
      before[dv] = now;
    }
  // Beds are scarce: some waits for them last 30 days or more, and some end by reneging.
  EXPECT_GT(long_waits[2], 0);
  EXPECT_GT(reneged[2], 0);
}

TEST(Series, WaitsStartEndAndStayOnTheListConsistently) {
  // Without a care warm-up the lists start empty; with one, they start with the warm-up's waits,
  // carried in in the first period.
  std::int64_t carried = -1;
  check_waits_add_up(small_scenario({"simulation.end=2022-12-31", "care.warm_up_years=0"}),
                     carried);
  EXPECT_EQ(carried, 0);
  check_waits_add_up(small_scenario({"simulation.end=2022-12-31", "care.warm_up_years=10"}),
                     carried);
  EXPECT_GT(carried, 0);
}

// Stays in institutions: residents change only by admissions and ended stays, citywide (a move
// of district keeps the bed), from the empty start and from the warm-up's; the ends add up to
// their days, and residents leave both by dying and alive.
TEST(Series, InstitutionStaysEndWhenResidentsLeave) {
  for (const auto& [warm_up, empty_start] :
       {std::pair{"care.warm_up_years=0", true}, std::pair{"care.warm_up_years=10", false}}) {
    auto scenario =
        std::make_shared<const Scenario>(small_scenario({"simulation.end=2022-12-31", warm_up}));
    ElderModel model(scenario);
    const MemorySink sink = run_in_memory(model);
    const auto& i = sink.ints;
    const std::size_t D = 11, V = 3, E = 3, B = 4;
    std::int64_t before = 0, died = 0, left = 0, days = 0, ended_total = 0;
    for (std::size_t t = 0; t < i.at("n_institution").size(); ++t) {
      std::int64_t now = 0, admitted = 0, ended = 0;
      for (std::size_t d = 0; d < D; ++d) {
        now += i.at("n_institution")[t][d];
        admitted += i.at("new_admissions")[t][d * V + 2];  // service institution
        days += i.at("new_institution_stay_days_ended")[t][d];
        for (std::size_t e = 0; e < E; ++e)
          for (std::size_t b = 0; b < B; ++b) {
            const std::int64_t n = i.at("new_institution_stays_ended")[t][(d * E + e) * B + b];
            ended += n;
            (e == 0 ? died : left) += e == 1 ? 0 : n;
          }
      }
      if (t > 0 || empty_start) {
        EXPECT_EQ(now - before, admitted - ended) << warm_up << " period " << t;
      }
      before = now;
      ended_total += ended;
    }
    EXPECT_GT(died, 0) << warm_up;
    EXPECT_GT(left, 0) << warm_up;
    EXPECT_GT(days, ended_total) << "stays last more than a day on average";
  }
}

// LTC insurance: the days with a benefit are where its money goes (a day costs it at most the
// largest daily benefit, 90 yuan), and without enrolment there are neither.
TEST(Series, LtcBeneficiaryDaysGoWithItsSpending) {
  const auto totals = [](const std::vector<std::string>& overrides) {
    auto scenario = std::make_shared<const Scenario>(small_scenario(overrides));
    ElderModel model(scenario);
    const MemorySink sink = run_in_memory(model);
    double yuan = 0;
    std::int64_t days = 0;
    for (std::size_t t = 0; t < sink.ints.at("new_ltc_beneficiary_days").size(); ++t)
      for (std::size_t d = 0; d < 11; ++d) {
        days += sink.ints.at("new_ltc_beneficiary_days")[t][d];
        yuan += sink.doubles.at("new_spending")[t][d * 3 + 1];  // payer ltc_insurance
      }
    return std::pair{yuan, days};
  };
  const auto [yuan, days] = totals({"simulation.end=2021-06-30"});
  ASSERT_GT(days, 0);
  EXPECT_GT(yuan / static_cast<double>(days), 10.0);
  EXPECT_LE(yuan / static_cast<double>(days), 90.0 + 1e-9);
  const auto [none_yuan, none_days] =
      totals({"simulation.end=2021-06-30", "programmes.ltc_insurance.enrolment_share=0"});
  EXPECT_EQ(none_days, 0);
  EXPECT_EQ(none_yuan, 0.0);
}

TEST(Series, DeathRateOfThe60PlusIsCalibrated) {
  // The default scenario's 2020 death rate: about 28 per 1000 (docs/validation.md), checked at
  // 1% scale with a tolerance of 3 per 1000 (about 4 standard errors at 600 deaths).
  auto scenario = std::make_shared<const Scenario>(small_scenario({"simulation.end=2020-12-31"}));
  ElderModel model(scenario);
  const MemorySink sink = run_in_memory(model);
  double deaths = 0, years = 0;
  for (const auto& row : sink.ints.at("new_deaths"))
    deaths += static_cast<double>(std::accumulate(row.begin(), row.end(), std::int64_t{0}));
  for (const auto& row : sink.doubles.at("new_person_years"))
    years += std::accumulate(row.begin(), row.end(), 0.0);
  EXPECT_NEAR(1000 * deaths / years, 28.0, 3.0);
}

}  // namespace
}  // namespace eldersim
