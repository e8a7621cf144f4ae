#pragma once
// Everything a step reads or changes: the scenario, the agents and the tables derived from the
// scenario once at the start.

#include <cstdint>
#include <memory>
#include <vector>

#include "models/mortality.hpp"
#include "models/people.hpp"
#include "models/scenario.hpp"

namespace eldersim {

struct World {
  explicit World(std::shared_ptr<const Scenario> s)
      : scenario(std::move(s)), mortality(scenario->mortality), seed(scenario->simulation.seed) {}

  std::shared_ptr<const Scenario> scenario;
  People people;
  MortalityModel mortality;
  std::uint64_t seed;
};

}  // namespace eldersim
