#include "sim/calendar.hpp"

#include <chrono>
#include <cmath>
#include <stdexcept>

namespace sim {

namespace chr = std::chrono;

Day make_day(int year, unsigned month, unsigned day) {
  const chr::year_month_day ymd{chr::year{year}, chr::month{month}, chr::day{day}};
  return static_cast<Day>(chr::sys_days{ymd}.time_since_epoch().count());
}

YearMonthDay to_ymd(Day d) {
  const chr::year_month_day ymd{chr::sys_days{chr::days{d}}};
  return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
          static_cast<unsigned>(ymd.day())};
}

std::optional<Day> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto digits = [&](std::size_t from, std::size_t count) -> std::optional<int> {
    int value = 0;
    for (std::size_t i = from; i < from + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  const auto y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
  if (!y || !m || !d) return std::nullopt;
  const chr::year_month_day ymd{chr::year{*y}, chr::month{static_cast<unsigned>(*m)},
                                chr::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return static_cast<Day>(chr::sys_days{ymd}.time_since_epoch().count());
}

std::string format_date(Day d) {
  const auto ymd = to_ymd(d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", ymd.year, ymd.month, ymd.day);
  return buf;
}

int year_of(Day d) {
  return to_ymd(d).year;
}
Day year_start(Day d) {
  return make_day(year_of(d), 1, 1);
}
Day month_start(Day d) {
  const auto ymd = to_ymd(d);
  return make_day(ymd.year, ymd.month, 1);
}
int days_in_year(int year) {
  return make_day(year + 1, 1, 1) - make_day(year, 1, 1);
}
Day years_later(Day d, int years) {
  const auto ymd = to_ymd(d);
  const int year = ymd.year + years;
  const unsigned day = ymd.month == 2 && ymd.day == 29 && days_in_year(year) == 365 ? 28 : ymd.day;
  return make_day(year, ymd.month, day);
}

double probability_to_rate(double probability, double days) {
  if (probability < 0 || probability >= 1 || days <= 0)
    throw std::invalid_argument("probability must be in [0, 1) and duration > 0");
  return -std::log1p(-probability) * kDaysPerYear / days;
}

std::string_view to_string(PeriodLength p) {
  switch (p) {
    case PeriodLength::kMonth:
      return "month";
    case PeriodLength::kQuarter:
      return "quarter";
    case PeriodLength::kYear:
      return "year";
  }
  return "?";
}

std::optional<PeriodLength> parse_period_length(std::string_view text) {
  if (text == "month") return PeriodLength::kMonth;
  if (text == "quarter") return PeriodLength::kQuarter;
  if (text == "year") return PeriodLength::kYear;
  return std::nullopt;
}

namespace {
// First day of the period after the one that contains d.
Day next_period_start(Day d, PeriodLength length) {
  const auto ymd = to_ymd(d);
  switch (length) {
    case PeriodLength::kMonth:
      return ymd.month == 12 ? make_day(ymd.year + 1, 1, 1) : make_day(ymd.year, ymd.month + 1, 1);
    case PeriodLength::kQuarter: {
      const unsigned next_q_month = ((ymd.month - 1) / 3 + 1) * 3 + 1;
      return next_q_month > 12 ? make_day(ymd.year + 1, 1, 1) : make_day(ymd.year, next_q_month, 1);
    }
    case PeriodLength::kYear:
      return make_day(ymd.year + 1, 1, 1);
  }
  throw std::logic_error("unknown period length");
}
}  // namespace

Calendar::Calendar(const CalendarSpec& spec) : spec_(spec) {
  if (spec.step_days < 1) throw std::invalid_argument("step_days must be >= 1");
  if (spec.end < spec.start) throw std::invalid_argument("end date before start date");
  Day period_first = spec.start;
  while (period_first <= spec.end) {
    const Day period_last = std::min(next_period_start(period_first, spec.period) - 1, spec.end);
    const int period_index = static_cast<int>(periods_.size());
    periods_.push_back({period_first, period_last});
    for (Day d = period_first; d <= period_last; d += spec.step_days) {
      const int days = std::min(spec.step_days, period_last - d + 1);
      steps_.push_back(
          {static_cast<int>(steps_.size()), d, days, period_index, d + days > period_last});
    }
    period_first = period_last + 1;
  }
}

}  // namespace sim
