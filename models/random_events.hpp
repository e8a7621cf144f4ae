#pragma once
// The model's use of the random-number contract (sim/rng.hpp).
//
// Step lanes: every person has one Philox4x32 block per step; each per-person process reads its
// own lane, so adding a process never shifts the draws of another (common random numbers
// across scenarios).
//
// Event streams: rare events with more draws use RandomStream(seed, person id, counter, kind)
// with the kinds below; the counter is the step index unless a comment says otherwise.

#include <cstdint>

namespace eldersim {

enum Lane : int {
  kDeathLane = 0,      // demography: death in the step
  kAdlLane = 1,        // health: the ADL level after the step
  kAdmissionLane = 2,  // hospital: admission in the step
  kMigrationLane = 3,  // demography: a move to another district in the step
};

enum class RandomEvent : std::uint32_t {
  kSynthesis = 1,  // attributes of a new person (counter 0; 1 for the age; 2 for an entrant's sex)
  kMigrationDestination = 3,  // the district moved to
  kCareChoice = 5,
  kReviewStagger = 6,      // counter 0: the day of the first review
  kLtcEnrolment = 7,       // fixed uniform: enrolled in LTC insurance if below the share
  kHospitalAdmission = 8,  // day, tier, referral, hospital, stay and outcomes of an admission
  kDischargeChoice = 9,    // the care choice made on leaving hospital
  kHomeSickbed = 10,       // fixed uniform: covered if below the share
  kFamilyDoctor = 11,      // fixed uniform
  kWarmUpTurnover = 12,    // the care warm-up's deaths (counter: the warm-up step's index)
  kLtcTakeUp = 13,         // fixed uniform: claims LTC insurance (once eligible) if below the share
  kCanteen = 14,           // fixed uniform: dines at a canteen if below the class's probability
  kCentreVisit = 15,       // fixed uniform: visits a community centre if below the level's share
  kSecondChoice = 16,      // the facility taken when the first choice has no room
};

// The care warm-up's steps (models/warm_up.cpp) count from here, so their draws never meet a
// run's: no run has 2^31 steps.
inline constexpr std::uint32_t kWarmUpStepIndex = std::uint32_t{1} << 31;

inline std::uint32_t kind(RandomEvent e) {
  return static_cast<std::uint32_t>(e);
}

}  // namespace eldersim
