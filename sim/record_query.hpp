#pragma once
// Quantities read off a finished run (sim/run_record.hpp), as plan targets and calibration
// targets name them: a series summed over the cells a selection keeps, per period and per unit
// of one axis; and a "quantity": that sum aggregated over the periods of some years (summed or
// averaged), optionally divided by another such sum, times a factor (a crude death rate is
// deaths summed over 2020 per mean number alive in 2020, times 1000).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/config_reader.hpp"
#include "sim/run_record.hpp"

namespace sim {

// Per axis (dimension name), the labels kept; axes not named are summed over.
using Selection = std::map<std::string, std::vector<std::string>>;

// A series summed over the selected cells: [unit][period], where the units are `units`, labels
// of the axis `unit_axis` (every cell in one unit when unit_axis is empty). Throws
// std::runtime_error naming the series and axis for a label or axis the run does not have.
std::vector<std::vector<double>> selected_sums(const RunRecord& run, const std::string& series,
                                               const Selection& select,
                                               const std::string& unit_axis = {},
                                               const std::vector<std::string>& units = {});

enum class OverPeriods { kMean, kSum };

struct SeriesSum {
  std::string series;
  Selection select;
  OverPeriods over_periods = OverPeriods::kMean;
  int from_year = 0, to_year = 0;  // a denominator's own years (0: the quantity's)
};

struct Quantity {
  SeriesSum of;
  std::optional<SeriesSum> per;  // the denominator, if any
  double multiply = 1;
  int from_year = 0, to_year = 0;  // the periods that start in these years (inclusive)
  // A count or an amount of money for the whole population: divided by the run's `scale`
  // (its metadata entry, population.scale), as agents stand for 1 / scale people. Only without
  // `per` (a ratio needs no scaling).
  bool real = false;
};

// The quantity in one run; NaN when no period falls in the years or the denominator is 0.
double evaluate(const Quantity& q, const RunRecord& run);

// evaluate(), with every problem a ConfigError at `where` naming `key`: a series, axis or label
// the run does not have, or years in which the run has no reporting period.
double evaluate_at(const Quantity& q, const RunRecord& run, const config::Location& where,
                   const std::string& key);

// Reads `series`, `select`, `over_periods`, `per` (a map of the first three and optionally its
// own `years`, for a growth ratio), `multiply` and `years` ([from, to] or one year) from a map,
// every error naming file, line and key.
Quantity read_quantity(config::Map& m);
// How a quantity reads, for reports: "new_deaths (sum over periods) / n_alive (mean) x 1000,
// 2020".
std::string describe(const Quantity& q);

}  // namespace sim
