#pragma once
// What the engine needs from a model (the domain lives in models/, the engine in sim/): its
// calendar and seed, the series it reports, a step function and a way to hand over one period's
// results. Models do no I/O: results go to a SeriesSink, which the engine writes.

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/calendar.hpp"
#include "sim/config_tree.hpp"
#include "sim/h5.hpp"
#include "sim/output.hpp"

namespace sim {

// Receives one period's row of each declared series.
class SeriesSink {
 public:
  virtual ~SeriesSink() = default;
  virtual void put(std::string_view series, std::span<const std::int64_t> row) = 0;
  virtual void put(std::string_view series, std::span<const double> row) = 0;
};

// A 1-D table of strings written alongside the series (e.g. /facility_info/type).
struct StringTable {
  std::string group;
  std::string name;
  std::vector<std::string> values;
};

class Model {
 public:
  virtual ~Model() = default;
  virtual const Calendar& calendar() const = 0;
  virtual std::uint64_t seed() const = 0;
  virtual std::vector<DimensionSpec> dimensions() const = 0;
  virtual std::vector<SeriesSpec> series() const = 0;
  // Provenance the model adds to /metadata (scenario name, scale, ...).
  virtual std::vector<std::pair<std::string, h5::AttributeValue>> metadata() const = 0;
  // Descriptive tables written once (facility types, districts, ...); none by default.
  virtual std::vector<StringTable> tables() const { return {}; }
  virtual std::size_t agent_count() const = 0;
  virtual void step(const Step& step) = 0;
  // Called after the last step of each period, in period order.
  virtual void record_period(int period, SeriesSink& sink) = 0;
};

// How the CLI reaches a model: check a configuration, or build a ready-to-run model from it.
// Both throw config::ConfigError for bad input.
struct ModelDefinition {
  std::string name;
  std::function<void(const config::Document&)> validate;
  std::function<std::unique_ptr<Model>(const config::Document&)> create;
};

}  // namespace sim
