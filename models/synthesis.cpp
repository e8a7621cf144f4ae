#include "models/synthesis.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "models/random_events.hpp"
#include "sim/parallel.hpp"
#include "sim/rng.hpp"
#include "sim/soa.hpp"

namespace eldersim {

std::vector<std::int64_t> apportion(std::int64_t total, const std::vector<double>& shares) {
  const double sum = std::accumulate(shares.begin(), shares.end(), 0.0);
  std::vector<std::int64_t> parts(shares.size(), 0);
  if (total <= 0 || sum <= 0) return parts;
  std::vector<std::pair<double, std::size_t>> remainders;
  std::int64_t assigned = 0;
  for (std::size_t i = 0; i < shares.size(); ++i) {
    const double exact = static_cast<double>(total) * shares[i] / sum;
    parts[i] = static_cast<std::int64_t>(std::floor(exact));
    assigned += parts[i];
    remainders.emplace_back(exact - static_cast<double>(parts[i]), i);
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; assigned < total; ++k, ++assigned)
    ++parts[remainders[k % remainders.size()].second];
  return parts;
}

sim::Day years_before(sim::Day day, int years) {
  return sim::years_later(day, -years);
}

void draw_attributes(People& people, std::size_t row, int age_band, const Scenario& scenario,
                     std::uint64_t seed) {
  const PopulationSpec& p = scenario.population;
  sim::RandomStream rng(seed, people.id[row], 0, kind(RandomEvent::kSynthesis));
  const District& district = scenario.districts[people.district[row]];
  const auto living = static_cast<LivingArrangement>(rng.categorical(p.living));
  const auto income = static_cast<IncomeBand>(rng.categorical(p.income));
  std::uint8_t flags = 0;
  if (rng.bernoulli(district.registered_share)) flags |= kRegistered;
  if (rng.bernoulli(p.no_family_support_share)) flags |= kNoFamilySupport;
  // Low-income households come from the low income band: P(flag | low band) = share / band share.
  const double low_given_band =
      p.income[kLowIncome] > 0 ? p.low_income_share / p.income[kLowIncome] : 0.0;
  const bool low_draw = rng.bernoulli(low_given_band);
  if (income == kLowIncome && low_draw) flags |= kLowIncomeHousehold;
  people.traits[row] = make_traits(living, income, flags);
  people.adl[row] =
      static_cast<std::uint8_t>(rng.categorical(p.initial_adl[static_cast<std::size_t>(age_band)]));
  people.alive[row] = 1;
  people.care_mode[row] = kNoCare;
  people.care_facility[row] = kNoFacility;
  people.care_hours[row] = 0;
  people.care_flags[row] = 0;
  people.care_since[row] = 0;
  people.next_review[row] = std::numeric_limits<sim::Day>::min();  // choose at the first step
  people.wait_slot[row] = kNoSlot;
  people.stay[row] = kNoSlot;
}

std::size_t append_people(People& people, std::size_t n) {
  const std::size_t first = sim::append_rows(people, n);
  for (std::size_t i = first; i < first + n; ++i) {
    people.alive[i] = 1;
    people.care_mode[i] = kNoCare;
    people.care_facility[i] = kNoFacility;
    people.next_review[i] = std::numeric_limits<sim::Day>::min();
    people.wait_slot[i] = kNoSlot;
    people.stay[i] = kNoSlot;
  }
  return first;
}

People synthesize_population(const Scenario& scenario, std::uint64_t seed, std::size_t block_size,
                             std::size_t extra_rows) {
  const PopulationSpec& p = scenario.population;
  const sim::Day start = scenario.simulation.calendar.start;
  const int n_bands = scenario.bands.count();

  // Exact quotas: district -> age band -> sex.
  std::vector<std::int64_t> district_size;
  std::int64_t total = 0;
  for (const District& d : scenario.districts) {
    district_size.push_back(scenario.agents_at_start(d));
    total += district_size.back();
  }
  People people;
  sim::reserve_rows(people, static_cast<std::size_t>(total) + extra_rows);
  sim::append_rows(people, static_cast<std::size_t>(total));
  std::vector<std::uint8_t> band_of_row(static_cast<std::size_t>(total));
  std::size_t row = 0;
  for (std::size_t d = 0; d < scenario.districts.size(); ++d) {
    const auto per_band = apportion(district_size[d], p.age_band_share);
    for (int b = 0; b < n_bands; ++b) {
      const std::int64_t in_band = per_band[static_cast<std::size_t>(b)];
      const auto males = std::llround(static_cast<double>(in_band) *
                                      p.male_share_by_band[static_cast<std::size_t>(b)]);
      for (std::int64_t k = 0; k < in_band; ++k, ++row) {
        people.id[row] = row;
        people.district[row] = static_cast<std::uint16_t>(d);
        people.sex[row] = k < males ? kMale : kFemale;
        band_of_row[row] = static_cast<std::uint8_t>(b);
      }
    }
  }

  // Ages and attributes from each person's own stream, in parallel.
  sim::for_each_block(sim::Blocks(people.size(), block_size), [&](const sim::BlockRange& r) {
    for (std::size_t i = r.begin; i < r.end; ++i) {
      const int band = band_of_row[i];
      draw_attributes(people, i, band, scenario, seed);
      // A separate stream (counter 1) for the exact age.
      sim::RandomStream rng(seed, people.id[i], 1, kind(RandomEvent::kSynthesis));
      // Age in whole days, uniform over the days whose age in years falls in the band (the
      // open band: an exponential excess over its lower bound, capped at 20 years).
      const int lo_years = scenario.bands.min_age + band * AgeBands::kWidth;
      const auto first_day_of = [](int years) {
        return static_cast<std::int32_t>(std::ceil(years * sim::kDaysPerYear));
      };
      const std::int32_t lo = first_day_of(lo_years);
      const double span =
          band == n_bands - 1
              ? std::min(rng.exponential(p.open_band_mean_years), 20.0) * sim::kDaysPerYear
              : (first_day_of(lo_years + AgeBands::kWidth) - lo) * rng.uniform();
      people.birth_day[i] = start - lo - static_cast<std::int32_t>(std::floor(span));
    }
  });
  return people;
}

}  // namespace eldersim
