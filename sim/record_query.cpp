#include "sim/record_query.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <tuple>
#include <variant>

namespace sim {

namespace {

const DimensionSpec& dimension(const RunRecord& run, const std::string& name) {
  const auto at = std::find_if(run.dims.begin(), run.dims.end(),
                               [&](const DimensionSpec& d) { return d.name == name; });
  if (at == run.dims.end()) throw std::runtime_error("the run has no dimension " + name);
  return *at;
}

std::size_t label_index(const DimensionSpec& dim, const std::string& label,
                        const std::string& series) {
  const auto at = std::find(dim.labels.begin(), dim.labels.end(), label);
  if (at == dim.labels.end())
    throw std::runtime_error(
        fmt::format("series {}: axis {} has no label {}", series, dim.name, label));
  return static_cast<std::size_t>(at - dim.labels.begin());
}

// Per axis of the series: which labels are kept (all when the axis is not selected) and, for
// the unit axis, the unit of each label (-1: in no unit).
struct Layout {
  std::vector<std::size_t> sizes;
  std::vector<std::vector<bool>> kept;
  std::optional<std::size_t> unit_axis;
  std::vector<int> unit_of;
};

Layout layout_of(const RunRecord& run, const SeriesSpec& spec, const Selection& select,
                 const std::string& unit_axis, const std::vector<std::string>& units) {
  Layout l;
  for (const auto& [axis, labels] : select)
    if (std::find(spec.dims.begin(), spec.dims.end(), axis) == spec.dims.end())
      throw std::runtime_error(
          fmt::format("series {} has no {} axis to select on", spec.name, axis));
  for (std::size_t a = 0; a < spec.dims.size(); ++a) {
    const DimensionSpec& dim = dimension(run, spec.dims[a]);
    l.sizes.push_back(dim.labels.size());
    auto& kept = l.kept.emplace_back(dim.labels.size(), true);
    if (const auto s = select.find(dim.name); s != select.end()) {
      std::fill(kept.begin(), kept.end(), false);
      for (const auto& label : s->second) kept[label_index(dim, label, spec.name)] = true;
    }
    if (!unit_axis.empty() && dim.name == unit_axis) {
      l.unit_axis = a;
      for (const auto& label : dim.labels) {
        const auto u = std::find(units.begin(), units.end(), label);
        l.unit_of.push_back(u == units.end() ? -1 : static_cast<int>(u - units.begin()));
      }
    }
  }
  if (!unit_axis.empty() && !l.unit_axis)
    throw std::runtime_error(fmt::format("series {} has no {} axis", spec.name, unit_axis));
  return l;
}

// The run's population scale (the metadata entry `scale`): agents per person.
double scale_of(const RunRecord& run) {
  for (const auto& e : run.metadata)
    if (e.name == "scale") {
      const double s = std::get<double>(e.value());
      if (s > 0) return s;
    }
  throw std::runtime_error("the run records no positive scale to turn agents into people");
}

double period_aggregate(const std::vector<double>& per_period, const std::vector<bool>& in_years,
                        OverPeriods how) {
  double sum = 0;
  int n = 0;
  for (std::size_t p = 0; p < per_period.size(); ++p)
    if (in_years[p]) sum += per_period[p], ++n;
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  return how == OverPeriods::kSum ? sum : sum / n;
}

Selection read_selection(const config::Value& v) {
  Selection out;
  if (!v.present()) return out;
  config::Map m = v.as_map();
  if (const config::Node* node = v.node(); node && node->is_map())
    for (const auto& e : node->entries) {
      const config::Value labels = m[e.key];
      auto& kept = out[e.key];
      if (labels.node() && labels.node()->is_sequence()) {
        for (const config::Value& label : labels.as_list())
          if (const auto s = label.as<std::string>()) kept.push_back(*s);
        if (kept.empty()) labels.error("select at least one label");
      } else if (const auto s = labels.as<std::string>()) {
        kept.push_back(*s);
      }
    }
  m.finish();
  return out;
}

SeriesSum read_series_sum(config::Map& m) {
  SeriesSum s;
  s.series = m.require<std::string>("series");
  s.select = read_selection(m["select"]);
  s.over_periods = m.choice("over_periods", {"mean", "sum"}, "mean") == "sum" ? OverPeriods::kSum
                                                                              : OverPeriods::kMean;
  return s;
}

std::string describe(const SeriesSum& s) {
  std::string out = s.series;
  if (!s.select.empty()) {
    out += " [";
    bool first = true;
    for (const auto& [axis, labels] : s.select) {
      out += fmt::format("{}{}: ", first ? "" : "; ", axis);
      for (std::size_t i = 0; i < labels.size(); ++i) out += (i ? ", " : "") + labels[i];
      first = false;
    }
    out += "]";
  }
  return out + (s.over_periods == OverPeriods::kSum ? " (sum over periods)" : " (mean)");
}

}  // namespace

std::vector<std::vector<double>> selected_sums(const RunRecord& run, const std::string& series,
                                               const Selection& select,
                                               const std::string& unit_axis,
                                               const std::vector<std::string>& units) {
  const std::size_t i = run.index_of(series);
  const SeriesSpec& spec = run.specs[i];
  const Layout l = layout_of(run, spec, select, unit_axis, units);
  std::size_t row = 1;
  for (auto n : l.sizes) row *= n;
  const std::size_t periods = run.period_start.size();
  std::vector<std::vector<double>> out(unit_axis.empty() ? 1 : units.size(),
                                       std::vector<double>(periods, 0));
  std::vector<std::size_t> index(l.sizes.size());
  for (std::size_t c = 0; c < row; ++c) {
    std::size_t rest = c;
    bool kept = true;
    for (std::size_t a = l.sizes.size(); a-- > 0;) {
      index[a] = rest % l.sizes[a], rest /= l.sizes[a];
      kept = kept && l.kept[a][index[a]];
    }
    if (!kept) continue;
    const int u = l.unit_axis ? l.unit_of[index[*l.unit_axis]] : 0;
    if (u < 0) continue;
    for (std::size_t p = 0; p < periods; ++p)
      out[static_cast<std::size_t>(u)][p] += spec.element == h5::Element::kInt64
                                                 ? static_cast<double>(run.ints[i][p * row + c])
                                                 : run.reals[i][p * row + c];
  }
  return out;
}

double evaluate(const Quantity& q, const RunRecord& run) {
  const auto in_years = [&run](int from, int to) {
    std::vector<bool> out;
    for (const auto& start : run.period_start) {
      const int year = std::stoi(start.substr(0, 4));
      out.push_back(year >= from && year <= to);
    }
    return out;
  };
  const double num = period_aggregate(selected_sums(run, q.of.series, q.of.select)[0],
                                      in_years(q.from_year, q.to_year), q.of.over_periods);
  if (!q.per) return q.multiply * num / (q.real ? scale_of(run) : 1.0);
  const bool own = q.per->from_year != 0;
  const double den = period_aggregate(
      selected_sums(run, q.per->series, q.per->select)[0],
      in_years(own ? q.per->from_year : q.from_year, own ? q.per->to_year : q.to_year),
      q.per->over_periods);
  return den == 0 ? std::numeric_limits<double>::quiet_NaN() : q.multiply * num / den;
}

double evaluate_at(const Quantity& q, const RunRecord& run, const config::Location& where,
                   const std::string& key) {
  const int first = std::stoi(run.period_start.front().substr(0, 4));
  const int last = std::stoi(run.period_start.back().substr(0, 4));
  const bool outside = q.to_year < first || q.from_year > last;
  if (q.per && q.per->from_year != 0 && (q.per->to_year < first || q.per->from_year > last))
    throw config::ConfigError(where, key + ".per.years",
                              fmt::format("no reporting period of the runs falls in these years "
                                          "(the runs report {} to {}; see the set list and --set)",
                                          first, last));
  if (outside)
    throw config::ConfigError(where, key + ".years",
                              fmt::format("no reporting period of the runs falls in these years "
                                          "(the runs report {} to {}; see the set list and --set)",
                                          first, last));
  try {
    return evaluate(q, run);
  } catch (const std::runtime_error& e) {
    throw config::ConfigError(where, key, e.what());
  }
}

// `years`: one year or [first, last]; missing is an error when `required`.
std::pair<int, int> read_years(config::Map& m, bool required) {
  const config::Value years = m["years"];
  if (!years.present()) {
    if (required) m.missing("years");
    return {0, 0};
  }
  if (years.node()->is_sequence()) {
    const auto v = years.as_numbers(config::between(1900, 3000), 2);
    if (!v) return {0, 0};
    const auto from = static_cast<int>((*v)[0]), to = static_cast<int>((*v)[1]);
    if (to < from) years.error("the second year is before the first");
    return {from, to};
  }
  const auto y = years.as<std::int32_t>(config::between(1900, 3000));
  return y ? std::pair{*y, *y} : std::pair{0, 0};
}

Quantity read_quantity(config::Map& m) {
  Quantity q;
  q.of = read_series_sum(m);
  if (m.has("per")) {
    config::Map per = m["per"].as_map();
    q.per = read_series_sum(per);
    std::tie(q.per->from_year, q.per->to_year) = read_years(per, false);
    per.finish();
  }
  q.multiply = m.get<double>("multiply", 1.0);
  q.real = m.get<bool>("real", false);
  if (q.real && q.per) m["real"].error("a ratio needs no scaling: drop real, or per");
  std::tie(q.from_year, q.to_year) = read_years(m, true);
  return q;
}

std::string describe(const Quantity& q) {
  std::string out = describe(q.of);
  if (q.per) {
    out += " / " + describe(*q.per);
    if (q.per->from_year != 0)
      out += q.per->from_year == q.per->to_year
                 ? fmt::format(" in {}", q.per->from_year)
                 : fmt::format(" in {}-{}", q.per->from_year, q.per->to_year);
  }
  if (q.multiply != 1) out += fmt::format(" x {:g}", q.multiply);
  if (q.real) out += " / scale";
  return out + (q.from_year == q.to_year ? fmt::format(", {}", q.from_year)
                                         : fmt::format(", {}-{}", q.from_year, q.to_year));
}

}  // namespace sim
