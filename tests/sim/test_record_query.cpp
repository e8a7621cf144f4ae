// Quantities read off a run record (sim/record_query.hpp), checked on a record built by hand:
// sums over selected cells per unit and period, aggregates over the periods of some years,
// ratios and factors, and errors that name the series and axis.
#include <gtest/gtest.h>

#include <cmath>

#include "sim/record_query.hpp"

namespace sim {
namespace {

// Four monthly periods (two in 2020, two in 2021), a district axis (A, B) and a level axis
// (x, y, z); deaths are integers, alive reals: value = 100 p + 10 d + l.
RunRecord hand_made() {
  RunRecord r;
  r.dims = {{"district", {"A", "B"}}, {"level", {"x", "y", "z"}}};
  r.period_start = {"2020-11-01", "2020-12-01", "2021-01-01", "2021-02-01"};
  r.period_end = r.period_start;
  SeriesSpec deaths, alive;
  deaths.name = "deaths";
  deaths.dims = {"district", "level"};
  deaths.element = h5::Element::kInt64;
  alive.name = "alive";
  alive.dims = {"district"};
  alive.element = h5::Element::kFloat64;
  r.specs = {deaths, alive};
  r.ints.resize(2);
  r.reals.resize(2);
  for (int p = 0; p < 4; ++p)
    for (int d = 0; d < 2; ++d) {
      for (int l = 0; l < 3; ++l) r.ints[0].push_back(100 * p + 10 * d + l);
      r.reals[1].push_back(1000.0 * (d + 1) + p);
    }
  return r;
}

TEST(RecordQuery, SumsTheSelectedCellsPerUnitAndPeriod) {
  const RunRecord r = hand_made();
  const auto all = selected_sums(r, "deaths", {});
  ASSERT_EQ(all.size(), 1u);
  // Period p: sum over d, l of 100p + 10d + l = 600p + 30 + 6.
  EXPECT_EQ(all[0], (std::vector<double>{36, 636, 1236, 1836}));
  const auto levels = selected_sums(r, "deaths", {{"level", {"y", "z"}}}, "district", {"B", "A"});
  ASSERT_EQ(levels.size(), 2u);
  EXPECT_EQ(levels[0], (std::vector<double>{23, 223, 423, 623}));  // B: (100p+11)+(100p+12)
  EXPECT_EQ(levels[1], (std::vector<double>{3, 203, 403, 603}));   // A: (100p+1)+(100p+2)
  // A unit list may leave labels out: their cells belong to no unit.
  EXPECT_EQ(selected_sums(r, "deaths", {}, "district", {"B"})[0],
            (std::vector<double>{33, 333, 633, 933}));
}

TEST(RecordQuery, AggregatesOverTheYearsAndDivides) {
  const RunRecord r = hand_made();
  Quantity q;
  q.of = {"deaths", {{"district", {"A"}}}, OverPeriods::kSum};
  q.from_year = q.to_year = 2021;
  EXPECT_DOUBLE_EQ(evaluate(q, r), (200 + 201 + 202) + (300 + 301 + 302));
  q.of.over_periods = OverPeriods::kMean;
  EXPECT_DOUBLE_EQ(evaluate(q, r), (603 + 903) / 2.0);
  q.of.over_periods = OverPeriods::kSum;
  q.per = SeriesSum{"alive", {}, OverPeriods::kMean};  // (1002 + 2002 + 1003 + 2003) / 2
  q.multiply = 1000;
  EXPECT_DOUBLE_EQ(evaluate(q, r), 1000 * 1506.0 / 3005.0);
  q.from_year = 2020;
  q.to_year = 2021;
  EXPECT_DOUBLE_EQ(evaluate(q, r),
                   1000 * (3.0 + 303 + 603 + 903) / ((3000 + 3002 + 3004 + 3006) / 4.0));
  q.from_year = q.to_year = 2022;  // no period in these years
  EXPECT_TRUE(std::isnan(evaluate(q, r)));
  // A denominator with its own years: growth of the mean number alive from 2020 to 2021.
  Quantity growth;
  growth.of = {"alive", {}, OverPeriods::kMean};
  growth.per = SeriesSum{"alive", {}, OverPeriods::kMean, 2020, 2020};
  growth.from_year = growth.to_year = 2021;
  // Counts for the whole population: the agents over the run's scale.
  Quantity real;
  real.of = {"deaths", {}, OverPeriods::kSum};
  real.from_year = real.to_year = 2020;
  real.real = true;
  EXPECT_THROW((void)evaluate(real, r), std::runtime_error);  // no scale recorded
  RunRecord scaled = r;
  scaled.metadata.push_back(MetadataEntry::of("scale", 0.25));
  EXPECT_DOUBLE_EQ(evaluate(real, scaled), (36 + 636) / 0.25);
  EXPECT_DOUBLE_EQ(evaluate(growth, r),
                   ((1002 + 2002) + (1003 + 2003)) / ((1000 + 2000) + (1001.0 + 2001)));
}

TEST(RecordQuery, ErrorsNameTheSeriesAndTheAxis) {
  const RunRecord r = hand_made();
  const auto message = [&](const std::string& series, const Selection& s, const std::string& unit) {
    try {
      (void)selected_sums(r, series, s, unit, {"A"});
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(message("deaths", {{"level", {"w"}}}, "").find("axis level has no label w"),
            std::string::npos);
  EXPECT_NE(message("alive", {{"level", {"x"}}}, "").find("series alive has no level axis"),
            std::string::npos);
  EXPECT_NE(message("alive", {}, "level").find("series alive has no level axis"),
            std::string::npos);
  EXPECT_THROW((void)selected_sums(r, "births", {}), std::exception);
}

}  // namespace
}  // namespace sim
