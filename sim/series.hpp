#pragma once
// A model's output series, each declared once, next to the process that makes it: its name,
// dimensions, kind, unit and meaning, and the function that fills its row at a period end.
// The engine lays the file out from the declarations (sim/output.hpp) and, at every period
// end, fills each row and hands it to a SeriesSink. Names follow one rule, checked when a
// series is declared: flows (events or amounts within the period) start with new_, stocks
// counted at the period end with n_, running totals with cum_; shares, ratios, means and peaks
// are named for what they are.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/output.hpp"

namespace sim {

// Receives one period's row of each declared series.
class SeriesSink {
 public:
  virtual ~SeriesSink() = default;
  virtual void put(std::string_view series, std::span<const std::int64_t> row) = 0;
  virtual void put(std::string_view series, std::span<const double> row) = 0;
};

// What a declaration gives besides the filler; the element type comes from the filler.
struct SeriesInfo {
  std::string name;
  std::vector<std::string> dims;  // after the leading "period" axis
  SeriesKind kind = SeriesKind::kStock;
  std::string unit;
  std::string description;
  std::string group = "series";  // HDF5 group: "series" (per district), "facilities", ...
};

// A share or mean for an output row: NaN where the denominator is zero (nothing to divide), so
// an empty facility or district reads as "no value", not as 0.
inline double ratio_or_nan(double num, double den) {
  return den > 0 ? num / den : std::numeric_limits<double>::quiet_NaN();
}

// A fill that copies a vector laid out as the series' cells (row-major over its dims); the
// vector must outlive the table.
template <class T>
std::function<void(std::span<T>)> copy_of(const std::vector<T>& v) {
  return [&v](std::span<T> row) { std::copy(v.begin(), v.end(), row.begin()); };
}

class SeriesTable {
 public:
  using IntRow = std::span<std::int64_t>;
  using RealRow = std::span<double>;
  using IntFill = std::function<void(IntRow)>;
  using RealFill = std::function<void(RealRow)>;

  explicit SeriesTable(std::vector<DimensionSpec> dims);

  // Declares a series of integers (counts) or of reals; fill writes the period's row (row-major
  // over dims, zeroed beforehand). Throws std::logic_error for a name declared twice, an unknown
  // dimension or a name against the rule above.
  void add(SeriesInfo info, IntFill fill);
  void add(SeriesInfo info, RealFill fill);

  const std::vector<DimensionSpec>& dimensions() const { return dims_; }
  const std::vector<SeriesSpec>& specs() const { return specs_; }
  // Fills every row, in declaration order, and hands it to the sink.
  void record(SeriesSink& sink);

 private:
  std::size_t row_size(const std::vector<std::string>& dims) const;
  SeriesSpec spec_of(SeriesInfo info, h5::Element element) const;

  std::vector<DimensionSpec> dims_;
  std::map<std::string, std::size_t, std::less<>> sizes_;
  std::vector<SeriesSpec> specs_;
  struct Filler {
    IntFill ints;
    RealFill reals;
    std::size_t size;
  };
  std::vector<Filler> fillers_;
  std::vector<std::int64_t> int_row_;
  std::vector<double> real_row_;
};

// Whether a name follows the naming rule for its kind (see above).
bool follows_naming_rule(std::string_view name, SeriesKind kind, bool integer);

}  // namespace sim
