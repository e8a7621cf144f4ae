#include "sim/series.hpp"

#include <stdexcept>

namespace sim {

SeriesTable::SeriesTable(std::vector<DimensionSpec> dims) : dims_(std::move(dims)) {
  for (const auto& d : dims_) sizes_[d.name] = d.labels.size();
}

std::size_t SeriesTable::row_size(const std::vector<std::string>& dims) const {
  std::size_t n = 1;
  for (const auto& d : dims) {
    const auto it = sizes_.find(d);
    if (it == sizes_.end()) throw std::logic_error("series names unknown dimension " + d);
    n *= it->second;
  }
  return n;
}

bool follows_naming_rule(std::string_view name, SeriesKind kind, bool integer) {
  const auto starts = [&](std::string_view p) { return name.substr(0, p.size()) == p; };
  switch (kind) {
    case SeriesKind::kFlow:
      return starts("new_");
    case SeriesKind::kStock:
      // Counts at the period end are n_*; shares and ratios measured then are not counts.
      return integer ? starts("n_") || starts("cum_") : !starts("new_") && !starts("n_");
    case SeriesKind::kCumulative:
      return starts("cum_");
    case SeriesKind::kMean:
    case SeriesKind::kMax:
      return !starts("new_") && !starts("n_") && !starts("cum_");
  }
  return false;
}

SeriesSpec SeriesTable::spec_of(SeriesInfo info, h5::Element element) const {
  for (const auto& s : specs_)
    if (s.name == info.name) throw std::logic_error("series " + info.name + " declared twice");
  if (!follows_naming_rule(info.name, info.kind, element == h5::Element::kInt64))
    throw std::logic_error("series " + info.name + " does not follow the naming rule for a " +
                           std::string(to_string(info.kind)));
  return {
      std::move(info.name),        std::move(info.dims), element, info.kind, std::move(info.unit),
      std::move(info.description), std::move(info.group)};
}

void SeriesTable::add(SeriesInfo info, IntFill fill) {
  const std::size_t n = row_size(info.dims);
  specs_.push_back(spec_of(std::move(info), h5::Element::kInt64));
  fillers_.push_back({std::move(fill), nullptr, n});
}

void SeriesTable::add(SeriesInfo info, RealFill fill) {
  const std::size_t n = row_size(info.dims);
  specs_.push_back(spec_of(std::move(info), h5::Element::kFloat64));
  fillers_.push_back({nullptr, std::move(fill), n});
}

void SeriesTable::record(SeriesSink& sink) {
  for (std::size_t k = 0; k < specs_.size(); ++k) {
    const Filler& f = fillers_[k];
    if (f.ints) {
      int_row_.assign(f.size, 0);
      f.ints(int_row_);
      sink.put(specs_[k].name, int_row_);
    } else {
      real_row_.assign(f.size, 0.0);
      f.reals(real_row_);
      sink.put(specs_[k].name, real_row_);
    }
  }
}

}  // namespace sim
