#pragma once
// Everything a step reads or changes: the scenario, the agents, the tables derived from the
// scenario once at the start, and the care system's changing state.

#include <cstdint>
#include <memory>
#include <vector>

#include "models/care.hpp"
#include "models/health.hpp"
#include "models/hospital.hpp"
#include "models/mortality.hpp"
#include "models/people.hpp"
#include "models/scenario.hpp"

namespace eldersim {

struct World {
  explicit World(std::shared_ptr<const Scenario> s)
      : scenario(std::move(s)),
        mortality(scenario->mortality),
        adl(scenario->health, scenario->bands, scenario->simulation.calendar.step_days),
        care(initial_care_state(*scenario)),
        hospitals(initial_hospital_state(*scenario)),
        seed(scenario->simulation.seed) {}

  std::shared_ptr<const Scenario> scenario;
  People people;
  MortalityModel mortality;
  AdlTransitions adl;
  CareState care;
  HospitalState hospitals;
  std::uint64_t seed;
};

}  // namespace eldersim
