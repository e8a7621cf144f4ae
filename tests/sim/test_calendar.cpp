#include <gtest/gtest.h>

#include <cmath>

#include "sim/calendar.hpp"

namespace sim {
namespace {

TEST(Dates, RoundTripAndParse) {
  EXPECT_EQ(make_day(1970, 1, 1), 0);
  EXPECT_EQ(make_day(2020, 1, 1), 18262);
  EXPECT_EQ(format_date(make_day(2024, 2, 29)), "2024-02-29");
  EXPECT_EQ(parse_date("2040-12-31"), make_day(2040, 12, 31));
  EXPECT_FALSE(parse_date("2021-02-29").has_value());  // not a leap year
  EXPECT_FALSE(parse_date("2021-13-01").has_value());
  EXPECT_FALSE(parse_date("2021-1-01").has_value());
  EXPECT_FALSE(parse_date("20210101").has_value());
  EXPECT_EQ(days_in_year(2020), 366);
  EXPECT_EQ(days_in_year(2100), 365);
  EXPECT_EQ(month_start(make_day(2020, 3, 17)), make_day(2020, 3, 1));
}

TEST(RateToProbability, MatchesTheFormulaOfDesignSectionOne) {
  // p = 1 - exp(-r * days / 365.25)
  EXPECT_DOUBLE_EQ(rate_to_probability(0.0, 7), 0.0);
  EXPECT_NEAR(rate_to_probability(0.1, 7), 1 - std::exp(-0.1 * 7 / 365.25), 1e-15);
  EXPECT_NEAR(rate_to_probability(1.0, 365.25), 1 - std::exp(-1.0), 1e-15);
  // Small rates keep their precision (expm1, not 1 - exp).
  EXPECT_NEAR(rate_to_probability(1e-9, 1) / (1e-9 / 365.25), 1.0, 1e-9);
  // Composing steps: surviving two half-steps equals surviving one full step.
  const double p_half = rate_to_probability(0.3, 3.5), p_full = rate_to_probability(0.3, 7);
  EXPECT_NEAR((1 - p_half) * (1 - p_half), 1 - p_full, 1e-15);
  EXPECT_NEAR(probability_to_rate(rate_to_probability(0.37, 7), 7), 0.37, 1e-12);
  // Both branches agree with expm1 to double precision across the range used.
  for (double x = 1e-12; x < 5; x *= 1.7)
    EXPECT_NEAR(rate_to_probability(x, 365.25), -std::expm1(-x), 2e-16 + 1e-14 * -std::expm1(-x))
        << x;
  EXPECT_THROW(rate_to_probability(-0.1, 7), std::invalid_argument);
  EXPECT_THROW(probability_to_rate(1.0, 7), std::invalid_argument);
}

TEST(Calendar, TwentyOneYearsOfMonthsWithWeeklySteps) {
  Calendar cal({make_day(2020, 1, 1), make_day(2040, 12, 31), 7, PeriodLength::kMonth});
  ASSERT_EQ(cal.n_periods(), 252);
  EXPECT_EQ(cal.period(0).first_day, make_day(2020, 1, 1));
  EXPECT_EQ(cal.period(0).last_day, make_day(2020, 1, 31));
  EXPECT_EQ(cal.period(1).last_day, make_day(2020, 2, 29));
  EXPECT_EQ(cal.period(251).last_day, make_day(2040, 12, 31));
  // Steps tile the run exactly, never cross a period, and the last of each period ends it.
  Day next = cal.spec().start;
  int ends = 0;
  for (const Step& s : cal.steps()) {
    EXPECT_EQ(s.first_day, next);
    EXPECT_GE(s.days, 1);
    EXPECT_LE(s.days, 7);
    const Period& p = cal.period(s.period);
    EXPECT_GE(s.first_day, p.first_day);
    EXPECT_LE(s.end_day() - 1, p.last_day);
    EXPECT_EQ(s.ends_period, s.end_day() - 1 == p.last_day);
    ends += s.ends_period;
    next = s.end_day();
  }
  EXPECT_EQ(next, make_day(2041, 1, 1));
  EXPECT_EQ(ends, 252);
  // January: 4 full weeks and a 3-day step.
  EXPECT_EQ(cal.step(4).days, 3);
  EXPECT_TRUE(cal.step(4).ends_period);
}

TEST(Calendar, QuarterAndYearPeriodsAndPartialEnds) {
  Calendar q({make_day(2020, 2, 15), make_day(2020, 12, 10), 30, PeriodLength::kQuarter});
  ASSERT_EQ(q.n_periods(), 4);
  EXPECT_EQ(q.period(0).first_day, make_day(2020, 2, 15));
  EXPECT_EQ(q.period(0).last_day, make_day(2020, 3, 31));
  EXPECT_EQ(q.period(3).first_day, make_day(2020, 10, 1));
  EXPECT_EQ(q.period(3).last_day, make_day(2020, 12, 10));
  Calendar y({make_day(2020, 1, 1), make_day(2022, 12, 31), 1, PeriodLength::kYear});
  EXPECT_EQ(y.n_periods(), 3);
  EXPECT_EQ(y.n_steps(), 366 + 365 + 365);
  EXPECT_THROW(Calendar({make_day(2020, 1, 2), make_day(2020, 1, 1), 7, PeriodLength::kMonth}),
               std::invalid_argument);
}

}  // namespace
}  // namespace sim
