#pragma once
// What "add N places" means in a model, for planning searches (sim/plan.hpp): the model reads
// its part of a plan file's `add` section and returns how to change a run's configuration.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "sim/config_reader.hpp"
#include "sim/config_tree.hpp"
#include "sim/run_job.hpp"

namespace sim {

// What adding capacity means, from the model.
struct CapacityLever {
  std::string what;                // "nursing-type beds", for the output
  std::vector<std::string> units;  // each gets its own amount: district names, or {"city"}
  std::string unit_dimension;      // where a unit's target is read ("district"); "" citywide
  // Adds amounts[u] (real places, before any scaling) of capacity to unit u in a job.
  std::function<void(RunJob&, std::span<const std::int64_t> amounts)> apply;
  std::string cost_series;  // a money flow series, summed over the run ("new_spending")
  std::string cost_by;      // the axis it is reported by ("payer")
  double scale = 1;         // agents per person: counts and money / scale are real
};

// Reads the `add` section (its model-specific keys) against the baseline configuration.
using CapacityLeverReader =
    std::function<CapacityLever(const config::Document& baseline, config::Map& add, bool citywide)>;

}  // namespace sim
