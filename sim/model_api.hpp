#pragma once
// What the engine needs from a model (the domain lives in models/, the engine in sim/): its
// calendar and seed, its dimensions and declared series, a step, an explicit period end, and
// its mutable state as bytes. Models do no I/O: period rows go to a SeriesSink, which the
// engine writes.

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sim/archive.hpp"
#include "sim/calendar.hpp"
#include "sim/capacity_lever.hpp"
#include "sim/config_tree.hpp"
#include "sim/h5.hpp"
#include "sim/series.hpp"
#include "sim/timing.hpp"

namespace sim {

// A 1-D table of strings written alongside the series (e.g. /facility_info/type).
struct StringTable {
  std::string group;
  std::string name;
  std::vector<std::string> values;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(group, name, values);
  }
};

// How a run splits its work; results never depend on it.
struct ExecutionSettings {
  std::size_t block_size = 0;  // agents per block; 0: the engine's default
};

class Model {
 public:
  virtual ~Model() = default;
  virtual const Calendar& calendar() const = 0;
  virtual std::uint64_t seed() const = 0;
  virtual SeriesTable& series() = 0;
  // Provenance the model adds to /metadata (scenario name, scale, ...).
  virtual std::vector<std::pair<std::string, h5::AttributeValue>> metadata() const = 0;
  // Descriptive tables written once (facility types, districts, ...).
  virtual std::vector<StringTable> tables() const { return {}; }
  // People alive now (the unit of person-steps).
  virtual std::size_t agent_count() const = 0;
  // Index of the next step to run (0 before the first).
  virtual int next_step() const = 0;
  // Runs the next step of the calendar.
  virtual void step() = 0;
  // After the last step of a period: counts the stocks, hands the period's rows of every
  // series to the sink, clears the period's flows and drops the dead.
  virtual void end_period(SeriesSink& sink) = 0;
  // All mutable state (population, the processes' states, partly filled flows, the policy
  // cursor, the next step), as bytes, and back: a restored model continues exactly as the saved
  // one would have. restore_state throws ArchiveError for a state of another scenario, seed or
  // version, or damaged bytes; a model whose restore failed part way refuses to step.
  virtual std::vector<std::byte> save_state() const = 0;
  virtual void restore_state(std::span<const std::byte> bytes) = 0;
  // Wall time by section of the step (docs/performance.md).
  virtual const SectionTimes& section_times() const = 0;
};

// How the CLI reaches a model: check a configuration (returning what `validate` prints besides
// "ok", such as the run's estimated size), or build a ready-to-run model from it. Both throw
// config::ConfigError for bad input, including a run too big for the machine.
struct ModelDefinition {
  std::string name;
  std::function<std::string(const config::Document&)> validate;
  std::function<std::unique_ptr<Model>(const config::Document&, const ExecutionSettings&)> create;
  // For `plan`: what adding capacity means (empty if the model has no such lever).
  CapacityLeverReader capacity_lever;
};

}  // namespace sim
