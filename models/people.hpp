#pragma once
// The agents: one column per attribute (design section 2), narrow types, about 20 bytes a person.
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

  std::size_t size() const { return id.size(); }

  template <class F>
  void for_each_column(F&& f) {
    f(id), f(birth_day), f(district), f(sex), f(adl), f(living), f(income), f(flags), f(alive);
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
