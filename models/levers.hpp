#pragma once
// Policy levers (design section 4): one registry of dated changes. Each lever is a small class in
// models/levers.cpp with its typed payload, its parser and its effect; the registry lists them
// by the key a policy event uses for it. Adding a lever touches that file (plus docs/config.md
// and a test).

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "sim/calendar.hpp"
#include "sim/config_reader.hpp"

namespace eldersim {

struct Scenario;
struct PolicyContext;  // models/policy.hpp: what a lever may change

class Lever {
 public:
  virtual ~Lever() = default;
  virtual void apply(PolicyContext& ctx) const = 0;
};

// A dated change: exactly one lever per event.
struct PolicyEvent {
  sim::Day date = 0;
  std::string action;       // the lever's key, e.g. "set_places"
  std::string description;  // free text, for the reader of the scenario
  std::shared_ptr<const Lever> lever;
};

struct LeverKind {
  std::string_view name;
  // Reads the lever's value (the mapping under its key); may add to the scenario what the lever
  // needs (a hospital's nursing ward). Problems go to the value's diagnostics.
  std::shared_ptr<const Lever> (*parse)(const sim::config::Value& value, Scenario& scenario);
};
std::span<const LeverKind> lever_kinds();

}  // namespace eldersim
