#pragma once
// What `eldersim plan` may add (docs/planning.md): institution beds, nursing-type beds or
// day-care places (a planned facility per district, open from a date), or home-care worker
// hours (per district, from the start).

#include "sim/capacity_lever.hpp"

namespace eldersim {

sim::CapacityLever read_capacity_lever(const sim::config::Document& baseline, sim::config::Map& add,
                                       bool citywide);

}  // namespace eldersim
