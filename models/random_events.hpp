#pragma once
// Event kinds for the counter-based random streams: every process draws from its own stream
// sim::RandomStream(seed, person id, step, kind), so adding a process never shifts the draws
// of another (common random numbers across scenarios).

#include <cstdint>

namespace eldersim {

enum class RandomEvent : std::uint32_t {
  kSynthesis = 1,  // attributes of a new person (step counter 0 for the initial population)
  kDeath = 2,
  kMigration = 3,
  kAdlTransition = 4,
  kCareChoice = 5,
  kReviewStagger = 6,
  kLtcEnrolment = 7,       // one draw per person (step counter 0): enrolled if below the share
  kHospitalAdmission = 8,  // admission, day, tier, referral, hospital, stay, outcomes
  kDischargeChoice = 9,    // the care choice made on leaving hospital
  kHomeSickbed = 10,       // one draw per person (counter 0): covered if below the share
  kFamilyDoctor = 11,      // one draw per person (counter 0)
};

inline std::uint32_t kind(RandomEvent e) {
  return static_cast<std::uint32_t>(e);
}

}  // namespace eldersim
