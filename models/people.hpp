#pragma once
// The agents: one column per attribute (design section 2), narrow types, 39 bytes a person.
// Rows keep a fixed order (the initial population in config order, then entrants as they
// arrive); dead rows are compacted away at period ends without reordering anyone, and every
// process that holds row numbers updates them then (remap_rows).
//
// Each column has one writer; other processes only read it. Writes that several processes
// cause (a death, a change of ADL level, leaving care, a move) go through the operations in
// models/person_ops.hpp, so every path does the same thing.
//
//   column                 writer        what
//   id                     demography    stable id (see entrant_id)
//   birth_day              demography    day of birth: age is derived, ageing costs nothing
//   district               demography    district of residence (moves: person_ops::move)
//   sex                    demography
//   traits                 demography    living arrangement, income band, registration,
//                                        targeted-group flags (Trait bits), fixed for life
//   alive                  demography    0 from death (person_ops::die) until compacted away
//   adl                    health        ADL level 0..4 (person_ops::change_level)
//   care_mode              care          CareMode held now
//   care_facility          care          facility of community or institutional care
//   care_hours             care          home-care hours per week held
//   care_flags             care          CareFlag bits
//   care_since             care          day the care held started
//   next_review            care          day of the next periodic re-choice
//   wait_slot              care          the person's waiting-list entry in the care ledger
//   stay                   hospital      the person's hospital stay in the hospital state

#include <cstdint>
#include <limits>
#include <vector>

#include "models/basics.hpp"
#include "sim/calendar.hpp"

namespace eldersim {

// Bits of People::traits above the living arrangement (bits 0-1) and income band (bits 2-3).
enum Trait : std::uint8_t {
  kRegistered = 1u << 4,          // local household registration (hukou); else a migrant resident
  kNoFamilySupport = 1u << 5,     // the "three no's" (seed 000): no income, work ability or carer
  kLowIncomeHousehold = 1u << 6,  // minimum living allowance or low-income household
};
inline std::uint8_t make_traits(LivingArrangement living, IncomeBand income, std::uint8_t flags) {
  return static_cast<std::uint8_t>(living | (income << 2) | flags);
}
inline LivingArrangement living_of(std::uint8_t traits) {
  return static_cast<LivingArrangement>(traits & 3u);
}
inline IncomeBand income_of(std::uint8_t traits) {
  return static_cast<IncomeBand>((traits >> 2) & 3u);
}

inline constexpr std::uint16_t kNoFacility = 0xFFFF;
inline constexpr std::uint32_t kNoSlot = std::numeric_limits<std::uint32_t>::max();

// Bits of People::care_flags.
enum CareFlag : std::uint8_t {
  kNursingBed = 1u << 0,  // holds a nursing-type bed
  kGotModificationGrant = 1u << 1,
  kChoiceDue = 1u << 2,        // chooses at the next care step (level changed, lost a place, moved)
  kWaitsInHospital = 1u << 3,  // on a waiting list from a hospital bed (discharge priority)
};

struct People {
  std::vector<std::uint64_t> id;
  std::vector<sim::Day> birth_day;
  std::vector<std::uint16_t> district;
  std::vector<std::uint8_t> sex;
  std::vector<std::uint8_t> traits;
  std::vector<std::uint8_t> alive;
  std::vector<std::uint8_t> adl;
  std::vector<std::uint8_t> care_mode;
  std::vector<std::uint16_t> care_facility;
  std::vector<std::uint8_t> care_hours;
  std::vector<std::uint8_t> care_flags;
  std::vector<sim::Day> care_since;
  std::vector<sim::Day> next_review;
  std::vector<std::uint32_t> wait_slot;
  std::vector<std::uint32_t> stay;

  std::size_t size() const { return id.size(); }
  bool waiting(std::size_t i) const { return wait_slot[i] != kNoSlot; }
  bool in_hospital(std::size_t i) const { return stay[i] != kNoSlot; }

  template <class F>
  void for_each_column(F&& f) {
    f(id), f(birth_day), f(district), f(sex), f(traits), f(alive), f(adl);
    f(care_mode), f(care_facility), f(care_hours), f(care_flags), f(care_since), f(next_review);
    f(wait_slot), f(stay);
  }
  template <class Archive>
  void serialize(Archive& ar) {
    for_each_column([&](auto& column) { ar(column); });
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
