#pragma once
// The synthetic population alive on the start date, built from district marginals: each
// district's count (times population.scale) is split over age bands and, within a band, over
// sexes by exact quotas (largest remainder), so the marginals hold exactly at any scale; the
// other attributes are drawn per person from that person's own random stream.

#include <cstdint>
#include <vector>

#include "models/people.hpp"
#include "models/scenario.hpp"

namespace eldersim {

// Splits `total` into integer parts proportional to `shares` (largest remainder; ties to the
// lower index), so the parts add up to total exactly.
std::vector<std::int64_t> apportion(std::int64_t total, const std::vector<double>& shares);

// The people alive on the start date, drawn from `seed`; ids 0.. in district order. Attribute
// draws run in parallel blocks of `block_size` (the result does not depend on it). Room is
// reserved for `extra_rows` more rows (the entrants to come), so columns never reallocate.
People synthesize_population(const Scenario& scenario, std::uint64_t seed, std::size_t block_size,
                             std::size_t extra_rows = 0);

// Draws living arrangement, income band, targeted-group flags, registration and ADL level for
// row `row`, whose id, district, sex and age band are already set, and sets the rest of the
// row to "no care, not waiting, not in hospital".
void draw_attributes(People& people, std::size_t row, int age_band, const Scenario& scenario,
                     std::uint64_t seed);

// Appends n people with the defaults of a new row (alive, ADL level 0, no care, not waiting,
// not in hospital) and returns the first new row; id, birth day, district and sex are the
// caller's (tests build cohorts with it).
std::size_t append_people(People& people, std::size_t n);

// Same month and day `years` earlier (29 February becomes 28 February in a common year).
sim::Day years_before(sim::Day day, int years);

}  // namespace eldersim
