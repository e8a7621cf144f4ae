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

TEST(Calendar, QuartersEndAtTheirCalendarEndFromAnyStartMonth) {
  // A run may start in any month: its first quarter ends with the calendar quarter holding the
  // start (a start in March ends on 31 March, not in June), and every later period is a whole
  // calendar quarter.
  for (unsigned month = 1; month <= 12; ++month) {
    const Calendar q(
        {make_day(2021, month, 15), make_day(2023, 12, 31), 7, PeriodLength::kQuarter});
    const unsigned quarter_end = (month + 2) / 3 * 3;  // 3, 6, 9 or 12
    const Day expected_end =
        quarter_end == 12 ? make_day(2021, 12, 31) : make_day(2021, quarter_end + 1, 1) - 1;
    EXPECT_EQ(q.period(0).last_day, expected_end) << "start month " << month;
    for (int p = 1; p < q.n_periods(); ++p) {
      const auto first = to_ymd(q.period(p).first_day), last = to_ymd(q.period(p).last_day);
      EXPECT_EQ(first.day, 1u);
      EXPECT_EQ((first.month - 1) % 3, 0u) << "period " << p << " start month " << month;
      EXPECT_EQ(last.month, first.month + 2);
      EXPECT_EQ(q.period(p).last_day + 1,
                p + 1 < q.n_periods() ? q.period(p + 1).first_day : make_day(2024, 1, 1));
    }
    // Steps never cross a period's end.
    for (const Step& step : q.steps())
      EXPECT_LE(step.end_day() - 1, q.period(step.period).last_day);
  }
  // The same for months and years starting on the last day of a quarter.
  const Calendar m({make_day(2021, 3, 31), make_day(2021, 5, 31), 7, PeriodLength::kMonth});
  EXPECT_EQ(m.period(0).last_day, make_day(2021, 3, 31));
  EXPECT_EQ(m.period(1).last_day, make_day(2021, 4, 30));
  const Calendar y({make_day(2021, 12, 31), make_day(2022, 12, 31), 7, PeriodLength::kYear});
  EXPECT_EQ(y.period(0).last_day, make_day(2021, 12, 31));
  EXPECT_EQ(y.period(1).last_day, make_day(2022, 12, 31));
}

}  // namespace
}  // namespace sim
