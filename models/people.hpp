#pragma once
// The agents: one column per attribute (design section 2), narrow types, about 40 bytes a person.
// Rows are kept in a fixed order (initial population in config order, then entrants as they
// arrive); dead rows are compacted away at period ends without reordering anyone.

#include <cstdint>
#include <vector>

#include "sim/calendar.hpp"

namespace eldersim {

// Bits of People::flags.
enum PersonFlag : std::uint8_t {
  kRegistered = 1u << 0,          // local household registration (hukou); else a migrant resident
  kNoFamilySupport = 1u << 1,     // the "three no's" (seed 000): no income, work ability or carer
  kLowIncomeHousehold = 1u << 2,  // minimum living allowance or low-income household
};

inline constexpr std::uint16_t kNoFacility = 0xFFFF;
inline constexpr std::uint16_t kNoHospital = 0xFFFF;

// Bits of People::hospital_flags.
enum HospitalFlag : std::uint8_t {
  kDiesInHospital = 1u << 0,      // the stay ends in death (drawn on admission)
  kDeclinesInHospital = 1u << 1,  // the stay ends one ADL level worse (drawn on admission)
  kDelayedDischarge = 1u << 2,    // medically ready, waiting in hospital for a care place
  kInRehabilitationBed = 1u << 3,
};

// Bits of People::care_flags.
enum CareFlag : std::uint8_t {
  kNursingBed = 1u << 0,  // holds a nursing-type bed
  kGotModificationGrant = 1u << 1,
  kAdlChanged = 1u << 2,  // ADL level changed in this step (cleared by the care step)
  kMustChoose = 1u << 3,  // lost a place (closure, capacity cut): choose again
};

struct People {
  std::vector<std::uint64_t> id;        // stable, see entrant_id below
  std::vector<sim::Day> birth_day;      // age is derived: ageing costs nothing per step
  std::vector<std::uint16_t> district;  // index into Scenario::districts
  std::vector<std::uint8_t> sex;        // Sex
  std::vector<std::uint8_t> adl;        // ADL level 0..4
  std::vector<std::uint8_t> living;     // LivingArrangement
  std::vector<std::uint8_t> income;     // IncomeBand
  std::vector<std::uint8_t> flags;      // PersonFlag bits
  std::vector<std::uint8_t> alive;      // 0 once dead, until compacted away
  // Care (models/care.hpp): current mode and place, and the waiting-list entry if any.
  std::vector<std::uint8_t> care_mode;       // CareMode
  std::vector<std::uint16_t> care_facility;  // facility index; kNoFacility for home care or none
  std::vector<std::uint8_t> care_hours;      // home-care hours per week allocated
  std::vector<std::uint8_t> care_flags;      // CareFlag bits
  std::vector<sim::Day> care_since;          // day the current care started
  std::vector<sim::Day> next_review;         // day of the next periodic re-choice
  std::vector<std::uint8_t> wait_mode;       // CareMode waited for; kNoCare if not waiting
  std::vector<std::uint16_t> wait_facility;
  std::vector<sim::Day> wait_since;
  // Hospital (models/hospital.hpp): the stay in progress, if any.
  std::vector<std::uint16_t> hospital;       // hospital index; kNoHospital if not in hospital
  std::vector<std::uint8_t> hospital_flags;  // HospitalFlag bits
  std::vector<sim::Day> hospital_admitted;   // day of admission
  std::vector<sim::Day> hospital_until;      // day the medical stay ends (discharge if free)

  std::size_t size() const { return id.size(); }

  template <class F>
  void for_each_column(F&& f) {
    f(id), f(birth_day), f(district), f(sex), f(adl), f(living), f(income), f(flags), f(alive);
    f(care_mode), f(care_facility), f(care_hours), f(care_flags), f(care_since), f(next_review);
    f(wait_mode), f(wait_facility), f(wait_since);
    f(hospital), f(hospital_flags), f(hospital_admitted), f(hospital_until);
  }
};

// Person ids: the initial population is numbered 0.. in config order (districts in order);
// entrants get (year << 44) | (district << 32) | index-in-year, so an id never depends on
// threads, ranks or the order of events, and the two ranges cannot meet (years > 0).
inline std::uint64_t entrant_id(int year, int district, std::uint32_t index) {
  return (static_cast<std::uint64_t>(year) << 44) | (static_cast<std::uint64_t>(district) << 32) |
         index;
}

}  // namespace eldersim
