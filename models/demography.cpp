#include "models/demography.hpp"

#include <cmath>

#include "models/random_events.hpp"
#include "models/synthesis.hpp"
#include "sim/parallel.hpp"
#include "sim/rng.hpp"
#include "sim/soa.hpp"

namespace eldersim::demography {

std::int64_t cohort_size(const Scenario& scenario, int district, int year) {
  const District& d = scenario.districts[static_cast<std::size_t>(district)];
  const double scale = scenario.population.scale;
  if (const auto it = d.entrants_by_year.find(year); it != d.entrants_by_year.end())
    return std::llround(static_cast<double>(it->second) * scale);
  const int years_after_start = year - sim::year_of(scenario.simulation.calendar.start);
  const double size = scenario.entrants.first_year_share * static_cast<double>(d.n_older) *
                      std::pow(1.0 + scenario.entrants.annual_growth, years_after_start);
  return std::llround(size * scale);
}

namespace {
// First cohort index whose birthday offset floor(j * days_in_year / n) is >= offset.
std::int64_t first_index_from(std::int64_t offset, std::int64_t n, std::int64_t days_in_year) {
  return (offset * n + days_in_year - 1) / days_in_year;
}
}  // namespace

void enter_new_cohorts(World& world, const sim::Step& step, PeriodFlows& flows) {
  const Scenario& s = *world.scenario;
  const int year = sim::year_of(step.first_day);  // a step never crosses a period, so a year
  const sim::Day year_first = sim::make_day(year, 1, 1);
  const std::int64_t days_in_year = sim::days_in_year(year);
  const std::int64_t from = step.first_day - year_first, to = step.end_day() - year_first;
  People& people = world.people;
  for (int d = 0; d < s.district_count(); ++d) {
    const std::int64_t n = cohort_size(s, d, year);
    const std::int64_t first = first_index_from(from, n, days_in_year);
    const std::int64_t last = first_index_from(to, n, days_in_year);  // exclusive
    if (last <= first) continue;
    const std::size_t row0 = sim::append_rows(people, static_cast<std::size_t>(last - first));
    for (std::int64_t j = first; j < last; ++j) {
      const std::size_t row = row0 + static_cast<std::size_t>(j - first);
      const auto birthday_this_year = static_cast<sim::Day>(year_first + j * days_in_year / n);
      people.id[row] = entrant_id(year, d, static_cast<std::uint32_t>(j));
      people.birth_day[row] = years_before(birthday_this_year, s.bands.min_age);
      people.district[row] = static_cast<std::uint16_t>(d);
      sim::RandomStream rng(world.seed, people.id[row], 2, kind(RandomEvent::kSynthesis));
      people.sex[row] = rng.bernoulli(s.population.male_share_by_band[0]) ? kMale : kFemale;
      draw_attributes(people, row, 0, s);
    }
    flows.entrants[static_cast<std::size_t>(d)] += last - first;
  }
}

void deaths_and_moves(World& world, const sim::Step& step, PeriodFlows& flows,
                      std::vector<PeriodFlows>& scratch) {
  const Scenario& s = *world.scenario;
  People& people = world.people;
  const int nd = s.district_count();
  // Outflow rates per district, and the probability of moving at all in this step.
  std::vector<std::vector<double>> outflow_rates(
      static_cast<std::size_t>(nd), std::vector<double>(static_cast<std::size_t>(nd), 0.0));
  std::vector<double> move_probability(static_cast<std::size_t>(nd), 0.0);
  for (const auto& f : s.migration)
    outflow_rates[static_cast<std::size_t>(f.from)][static_cast<std::size_t>(f.to)] +=
        f.annual_rate;
  for (int d = 0; d < nd; ++d) {
    double total = 0;
    for (double r : outflow_rates[static_cast<std::size_t>(d)]) total += r;
    move_probability[static_cast<std::size_t>(d)] = sim::rate_to_probability(total, step.days);
  }
  // Age at the middle of the step, in days (a whole number: birthdays are days).
  const sim::Day mid_day = step.mid_day();

  sim::parallel_accumulate(
      people.size(), scratch, flows, [&] { return PeriodFlows(s); },
      [&](std::size_t begin, std::size_t end, PeriodFlows& acc) {
        for (std::size_t i = begin; i < end; ++i) {
          if (!people.alive[i]) continue;
          const int d = people.district[i];
          const auto sex = static_cast<Sex>(people.sex[i]);
          const std::int32_t age_days = mid_day - people.birth_day[i];
          const std::size_t cell = acc.cell(d, sex, s.bands.band_of_age_days(age_days));
          acc.exposure_days[cell] += step.days;

          const double hazard = world.mortality.annual_hazard(
              sex, static_cast<double>(age_days) / sim::kDaysPerYear, people.adl[i]);
          sim::RandomStream death(world.seed, people.id[i], static_cast<std::uint32_t>(step.index),
                                  kind(RandomEvent::kDeath));
          if (death.uniform() < sim::rate_to_probability(hazard, step.days)) {
            people.alive[i] = 0;
            acc.deaths[cell] += 1;
            continue;
          }

          const double p_move = move_probability[static_cast<std::size_t>(d)];
          if (p_move <= 0) continue;
          sim::RandomStream move(world.seed, people.id[i], static_cast<std::uint32_t>(step.index),
                                 kind(RandomEvent::kMigration));
          if (!move.bernoulli(p_move)) continue;
          const auto to =
              static_cast<int>(move.categorical(outflow_rates[static_cast<std::size_t>(d)]));
          people.district[i] = static_cast<std::uint16_t>(to);
          // Local care (home-care hours, a day-care place, a waiting list) ends with the move;
          // the person chooses again in the new district. Residents of a home keep their bed.
          if (people.care_mode[i] == kHomeCare || people.care_mode[i] == kCommunityCare ||
              people.wait_mode[i] != kNoCare) {
            if (people.care_mode[i] != kInstitution) {
              people.care_mode[i] = kNoCare;
              people.care_facility[i] = kNoFacility;
              people.care_hours[i] = 0;
            }
            people.wait_mode[i] = kNoCare;
            people.wait_facility[i] = kNoFacility;
            people.care_flags[i] |= kMustChoose;
          }
          acc.migrants_out[static_cast<std::size_t>(d)] += 1;
          acc.migrants_in[static_cast<std::size_t>(to)] += 1;
        }
      });
}

void step(World& world, const sim::Step& step, PeriodFlows& flows,
          std::vector<PeriodFlows>& scratch) {
  enter_new_cohorts(world, step, flows);
  deaths_and_moves(world, step, flows, scratch);
}

}  // namespace eldersim::demography
