#pragma once
// Demography (design section 3, step 2): new cohorts enter, people die, some move district.
// Ageing needs no work: ages are derived from birth dates.

#include <cstdint>
#include <vector>

#include "models/metrics.hpp"
#include "models/world.hpp"
#include "sim/calendar.hpp"

namespace eldersim::demography {

// People in `district` turning the minimum age in `year`, after scaling: the explicit
// entrants_by_year value if given, else first_year_share * older_population * (1 + growth)^k.
std::int64_t cohort_size(const Scenario& scenario, int district, int year);

// The step, as a flow chart:
//   for each district, in order:
//     entrants = cohort members whose birthday falls in this step (birthdays spread evenly
//                over the year, so every step of every year gets its share)
//     append them with ids from (year, district, index) and attributes from their own streams
//   for each living person (in parallel blocks):
//     add the step's days to the exposure of their district, sex and age band
//     die with p = 1 - exp(-hazard(sex, age, ADL) * days / 365.25)     -> new_deaths
//     else, if their district has outflows, move with p from the summed rates,
//          to a destination chosen in proportion to the rates          -> new_migrants_out/in
void step(World& world, const sim::Step& step, PeriodFlows& flows,
          std::vector<PeriodFlows>& scratch);

void enter_new_cohorts(World& world, const sim::Step& step, PeriodFlows& flows);
void deaths_and_moves(World& world, const sim::Step& step, PeriodFlows& flows,
                      std::vector<PeriodFlows>& scratch);

}  // namespace eldersim::demography
