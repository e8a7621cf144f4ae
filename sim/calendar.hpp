#pragma once
// Dates, steps and reporting periods.
//
// A run covers the days [start, end] (both inclusive). Steps are step_days long but never cross
// a reporting-period boundary: the last step of a period is cut short at the period's end, so
// every flow is attributed to exactly the period it happened in and every stock is read at the
// period's true last day. Rates are converted with each step's actual length.

#include <cmath>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sim {

constexpr double kDaysPerYear = 365.25;

// Days since 1970-01-01 (proleptic Gregorian), the engine's only date type.
using Day = std::int32_t;

struct YearMonthDay {
  int year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

Day make_day(int year, unsigned month, unsigned day);
YearMonthDay to_ymd(Day d);
// Parses "YYYY-MM-DD"; std::nullopt if malformed or not a real date.
std::optional<Day> parse_date(std::string_view text);
std::string format_date(Day d);
int year_of(Day d);
// First day of the year / month containing d.
Day year_start(Day d);
Day month_start(Day d);
int days_in_year(int year);
// The same month and day `years` later (earlier if negative); 29 February becomes 28 February
// in a common year.
Day years_later(Day d, int years);

// Annual hazard rate r (per person-year) to the probability of at least one event in `days`:
// p = 1 - exp(-r * days / 365.25) (design section 1). Exact for a constant hazard. On the hot
// path of every per-person process, so inline and without libm's slow expm1: below x = 1e-3 a
// four-term series (relative error < 1e-14), above it 1 - exp(-x) (absolute error < 1e-16).
inline double rate_to_probability(double annual_rate, double days) {
  if (annual_rate < 0 || days < 0) [[unlikely]]
    throw std::invalid_argument("rate and duration must be >= 0");
  const double x = annual_rate * days / kDaysPerYear;
  if (x < 1e-3) return x * (1 - x * (0.5 - x * (1.0 / 6 - x * (1.0 / 24))));
  return 1 - std::exp(-x);
}
// Inverse of rate_to_probability: the constant annual hazard with probability p over `days`.
double probability_to_rate(double probability, double days);

enum class PeriodLength { kMonth, kQuarter, kYear };
std::string_view to_string(PeriodLength p);
std::optional<PeriodLength> parse_period_length(std::string_view text);

struct CalendarSpec {
  Day start = make_day(2020, 1, 1);
  Day end = make_day(2040, 12, 31);  // inclusive
  int step_days = 7;
  PeriodLength period = PeriodLength::kMonth;
};

struct Step {
  int index;                                        // 0-based over the run
  Day first_day;                                    // inclusive
  int days;                                         // length, 1..step_days
  int period;                                       // reporting period the step belongs to
  bool ends_period;                                 // true for the last step of its period
  Day end_day() const { return first_day + days; }  // exclusive
  // The day ages are taken at for the step's hazards (the middle, rounded down).
  Day mid_day() const { return first_day + days / 2; }
};

struct Period {
  Day first_day;  // inclusive
  Day last_day;   // inclusive
};

// The step and period grid of a run, computed once.
class Calendar {
 public:
  explicit Calendar(const CalendarSpec& spec);

  const CalendarSpec& spec() const { return spec_; }
  int n_steps() const { return static_cast<int>(steps_.size()); }
  int n_periods() const { return static_cast<int>(periods_.size()); }
  const Step& step(int i) const { return steps_.at(static_cast<std::size_t>(i)); }
  const Period& period(int i) const { return periods_.at(static_cast<std::size_t>(i)); }
  const std::vector<Step>& steps() const { return steps_; }
  const std::vector<Period>& periods() const { return periods_; }

 private:
  CalendarSpec spec_;
  std::vector<Step> steps_;
  std::vector<Period> periods_;
};

}  // namespace sim
