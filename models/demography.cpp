#include "models/demography.hpp"

#include <tbb/parallel_for.h>

#include <cmath>

#include "models/random_events.hpp"
#include "models/synthesis.hpp"
#include "sim/rng.hpp"
#include "sim/soa.hpp"

namespace eldersim {

namespace {
// A cohort's size before rounding.
double cohort_size_unrounded(const Scenario& scenario, int district, int year) {
  const District& d = scenario.districts[static_cast<std::size_t>(district)];
  const double scale = scenario.population.scale;
  if (const auto it = d.entrants_by_year.find(year); it != d.entrants_by_year.end())
    return static_cast<double>(it->second) * scale;
  const int years_after_start = year - sim::year_of(scenario.simulation.calendar.start);
  const double size = scenario.entrants.first_year_share * static_cast<double>(d.n_older) *
                      std::pow(1.0 + scenario.entrants.annual_growth, years_after_start);
  return size * scale;
}
}  // namespace

std::int64_t cohort_size(const Scenario& scenario, int district, int year) {
  return std::llround(cohort_size_unrounded(scenario, district, year));
}

std::int64_t entrants_over_run(const Scenario& s) {
  std::int64_t total = 0;
  const int first = sim::year_of(s.simulation.calendar.start);
  const int last = sim::year_of(s.simulation.calendar.end);
  for (int year = first; year <= last; ++year)
    for (int d = 0; d < s.district_count(); ++d) total += cohort_size(s, d, year);
  return total;
}

double expected_entrants(const Scenario& s) {
  double total = 0;
  const int first = sim::year_of(s.simulation.calendar.start);
  const int last = sim::year_of(s.simulation.calendar.end);
  for (int year = first; year <= last; ++year)
    for (int d = 0; d < s.district_count(); ++d)
      total += std::round(cohort_size_unrounded(s, d, year));
  return total;
}

std::vector<std::string> death_setting_names() {
  static_assert(int{kDiedAtHome} == int{kNoCare} && int{kDiedInHomeCare} == int{kHomeCare} &&
                int{kDiedInCommunityCare} == int{kCommunityCare} &&
                int{kDiedInInstitution} == int{kInstitution});
  return {"home_without_formal_care", "home_care", "community_care", "institution", "hospital"};
}

void DemographyFlows::clear_period() {
  for (auto* v :
       {&deaths, &deaths_by_setting, &exposure_days, &entrants, &migrants_out, &migrants_in})
    std::fill(v->begin(), v->end(), 0);
}

Demography::Demography(const Scenario& s)
    : scenario_(s), n_bands_(s.bands.count()), mortality_(s.mortality) {
  const auto nd = static_cast<std::size_t>(s.district_count());
  const auto cells = nd * kSexes * static_cast<std::size_t>(n_bands_);
  flows_.deaths.assign(cells, 0);
  flows_.deaths_by_setting.assign(nd * kDeathSettings, 0);
  flows_.exposure_days.assign(cells, 0);
  for (auto* v : {&flows_.entrants, &flows_.migrants_out, &flows_.migrants_in, &flows_.cum_deaths,
                  &flows_.cum_entrants})
    v->assign(nd, 0);
  if (!s.migration.empty()) {
    outflow_rates_.assign(nd, std::vector<double>(nd, 0.0));
    for (const auto& f : s.migration)
      outflow_rates_[static_cast<std::size_t>(f.from)][static_cast<std::size_t>(f.to)] +=
          f.annual_rate;
  }
}

const DeathTable& Demography::death_table(int days) {
  auto& table = death_tables_[days];
  if (!table) table = std::make_unique<DeathTable>(mortality_, scenario_.bands.min_age, days);
  return *table;
}

const std::vector<std::uint32_t>& Demography::move_thresholds(int days) {
  auto& t = move_thresholds_[days];
  if (t.empty())
    for (const auto& rates : outflow_rates_) {
      double total = 0;
      for (double r : rates) total += r;
      t.push_back(sim::threshold(sim::rate_to_probability(total, days)));
    }
  return t;
}

int Demography::destination(std::uint64_t seed, std::uint64_t id, const sim::Step& step,
                            int from) const {
  sim::RandomStream rng(seed, id, static_cast<std::uint32_t>(step.index),
                        kind(RandomEvent::kMigrationDestination));
  return static_cast<int>(rng.categorical(outflow_rates_[static_cast<std::size_t>(from)]));
}

namespace {
// First cohort index whose birthday offset floor(j * days_in_year / n) is >= offset.
std::int64_t first_index_from(std::int64_t offset, std::int64_t n, std::int64_t days_in_year) {
  return (offset * n + days_in_year - 1) / days_in_year;
}
}  // namespace

void Demography::enter_cohorts(const sim::Step& step, People& people, std::uint64_t seed) {
  const Scenario& s = scenario_;
  const int year = sim::year_of(step.first_day);  // a step never crosses a period, so a year
  const sim::Day year_first = sim::make_day(year, 1, 1);
  const std::int64_t days_in_year = sim::days_in_year(year);
  const std::int64_t from = step.first_day - year_first, to = step.end_day() - year_first;
  // Each district's entrants of the step: cohort indices [first, last), rows from row0.
  struct Range {
    int district;
    std::int64_t n, first, last;
    std::size_t row0;
  };
  std::vector<Range> ranges;
  std::size_t rows = people.size();
  for (int d = 0; d < s.district_count(); ++d) {
    const std::int64_t n = cohort_size(s, d, year);
    const std::int64_t first = first_index_from(from, n, days_in_year);
    const std::int64_t last = first_index_from(to, n, days_in_year);  // exclusive
    if (last <= first) continue;
    ranges.push_back({d, n, first, last, rows});
    rows += static_cast<std::size_t>(last - first);
    flows_.entrants[static_cast<std::size_t>(d)] += last - first;
    flows_.cum_entrants[static_cast<std::size_t>(d)] += last - first;
  }
  if (ranges.empty()) return;
  sim::append_rows(people, rows - people.size());
  // Their attributes from their own streams, in parallel.
  for (const Range& r : ranges)
    tbb::parallel_for(r.first, r.last, [&](std::int64_t j) {
      const std::size_t row = r.row0 + static_cast<std::size_t>(j - r.first);
      const auto birthday_this_year = static_cast<sim::Day>(year_first + j * days_in_year / r.n);
      people.id[row] = entrant_id(year, r.district, static_cast<std::uint32_t>(j));
      people.birth_day[row] = years_before(birthday_this_year, s.bands.min_age);
      people.district[row] = static_cast<std::uint16_t>(r.district);
      sim::RandomStream rng(seed, people.id[row], 2, kind(RandomEvent::kSynthesis));
      people.sex[row] = rng.bernoulli(s.population.male_share_by_band[0]) ? kMale : kFemale;
      draw_attributes(people, row, 0, s, seed);
    });
}

void Demography::declare(sim::SeriesTable& t, const Census& census) const {
  using Int = sim::SeriesTable::IntRow;
  using Real = sim::SeriesTable::RealRow;
  const std::vector<std::string> d{"district"}, dsa{"district", "sex", "age_band"};
  const auto by_district = [this](const std::vector<std::int64_t>& cells) {
    return [this, &cells](Int row) {
      for (std::size_t k = 0; k < cells.size(); ++k)
        row[k / (kSexes * static_cast<std::size_t>(n_bands_))] += cells[k];
    };
  };
  t.add({"n_alive", d, sim::SeriesKind::kStock, "people", "People alive at the end of the period"},
        by_district(census.alive));
  t.add({"n_alive_by_sex_age", dsa, sim::SeriesKind::kStock, "people",
         "People alive at the end of the period by sex and age band"},
        sim::copy_of(census.alive));
  t.add({"mean_age", d, sim::SeriesKind::kMean, "years",
         "Mean age of the people alive at the end of the period (0 where nobody lives)"},
        [&census](Real row) {
          for (int k = 0; k < census.n_districts; ++k) {
            const auto n = census.alive_in(k);
            row[static_cast<std::size_t>(k)] =
                n > 0 ? static_cast<double>(census.age_days[static_cast<std::size_t>(k)]) /
                            static_cast<double>(n) / sim::kDaysPerYear
                      : 0.0;
          }
        });
  t.add({"new_deaths", d, sim::SeriesKind::kFlow, "people",
         "Deaths in the period (in hospital included)"},
        by_district(flows_.deaths));
  t.add({"new_deaths_by_sex_age", dsa, sim::SeriesKind::kFlow, "people",
         "Deaths in the period by sex and age band (age at the middle of the step)"},
        sim::copy_of(flows_.deaths));
  t.add({"new_deaths_by_setting",
         {"district", "death_setting"},
         sim::SeriesKind::kFlow,
         "people",
         "Deaths in the period by where the person was: at home without formal care, with home "
         "care, in community care, in an institution, or in hospital (then whatever care they "
         "held); by the person's own district"},
        sim::copy_of(flows_.deaths_by_setting));
  t.add({"cum_deaths", d, sim::SeriesKind::kCumulative, "people",
         "Deaths from the start of the run to the period end"},
        sim::copy_of(flows_.cum_deaths));
  t.add({"new_person_years", dsa, sim::SeriesKind::kFlow, "years",
         "Person-years lived in the period by the people alive at each step's start (exposure "
         "for rates: new_deaths_by_sex_age / new_person_years)"},
        [this](Real row) {
          for (std::size_t k = 0; k < flows_.exposure_days.size(); ++k)
            row[k] = static_cast<double>(flows_.exposure_days[k]) / sim::kDaysPerYear;
        });
  t.add({"new_entrants", d, sim::SeriesKind::kFlow, "people",
         "People reaching the minimum age (population.min_age, 60 by default) in the period"},
        sim::copy_of(flows_.entrants));
  t.add({"cum_entrants", d, sim::SeriesKind::kCumulative, "people",
         "Entrants from the start of the run to the period end"},
        sim::copy_of(flows_.cum_entrants));
  t.add({"new_migrants_in", d, sim::SeriesKind::kFlow, "people",
         "Moves into the district from another simulated district"},
        sim::copy_of(flows_.migrants_in));
  t.add({"new_migrants_out", d, sim::SeriesKind::kFlow, "people",
         "Moves out of the district to another simulated district"},
        sim::copy_of(flows_.migrants_out));
}

}  // namespace eldersim
