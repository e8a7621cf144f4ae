#include "models/metrics.hpp"

#include <algorithm>

#include "sim/parallel.hpp"

namespace eldersim {

using sim::SeriesKind;
using sim::h5::Element;

std::vector<sim::DimensionSpec> dimension_specs(const Scenario& scenario) {
  return {
      {"district", scenario.district_names()},
      {"sex", {"male", "female"}},
      {"age_band", scenario.bands.labels()},
      {"adl_level", {"healthy", "mild", "moderate", "heavy", "severe"}},
  };
}

std::vector<sim::SeriesSpec> series_specs() {
  const std::vector<std::string> d{"district"};
  const std::vector<std::string> dsa{"district", "sex", "age_band"};
  return {
      {"n_alive", d, Element::kInt64, SeriesKind::kStock, "people",
       "People alive at the end of the period"},
      {"n_alive_by_sex_age", dsa, Element::kInt64, SeriesKind::kStock, "people",
       "People alive at the end of the period by sex and age band"},
      {"n_adl",
       {"district", "adl_level"},
       Element::kInt64,
       SeriesKind::kStock,
       "people",
       "People alive at the end of the period by ADL level"},
      {"mean_age", d, Element::kFloat64, SeriesKind::kMean, "years",
       "Mean age of the people alive at the end of the period"},
      {"new_deaths", d, Element::kInt64, SeriesKind::kFlow, "people", "Deaths in the period"},
      {"new_deaths_by_sex_age", dsa, Element::kInt64, SeriesKind::kFlow, "people",
       "Deaths in the period by sex and age band (age at the middle of the step)"},
      {"person_years", dsa, Element::kFloat64, SeriesKind::kFlow, "years",
       "Person-years lived in the period (exposure for death rates: new_deaths / person_years)"},
      {"new_entrants", d, Element::kInt64, SeriesKind::kFlow, "people",
       "People reaching the minimum age (population.min_age, 60 by default) in the period"},
      {"new_migrants_in", d, Element::kInt64, SeriesKind::kFlow, "people",
       "Moves into the district from another simulated district"},
      {"new_migrants_out", d, Element::kInt64, SeriesKind::kFlow, "people",
       "Moves out of the district to another simulated district"},
  };
}

PeriodFlows::PeriodFlows(int districts, int bands) : n_districts(districts), n_bands(bands) {
  const auto cells = static_cast<std::size_t>(districts * kSexes * bands);
  const auto nd = static_cast<std::size_t>(districts);
  deaths.assign(cells, 0);
  exposure_days.assign(cells, 0);
  entrants.assign(nd, 0);
  migrants_out.assign(nd, 0);
  migrants_in.assign(nd, 0);
}

namespace {
void add_into(std::vector<std::int64_t>& to, const std::vector<std::int64_t>& from) {
  for (std::size_t i = 0; i < to.size(); ++i) to[i] += from[i];
}
void zero(std::vector<std::int64_t>& v) {
  std::fill(v.begin(), v.end(), 0);
}
}  // namespace

void PeriodFlows::clear() {
  zero(deaths), zero(exposure_days), zero(entrants), zero(migrants_out), zero(migrants_in);
}

void PeriodFlows::merge(const PeriodFlows& o) {
  add_into(deaths, o.deaths), add_into(exposure_days, o.exposure_days);
  add_into(entrants, o.entrants), add_into(migrants_out, o.migrants_out);
  add_into(migrants_in, o.migrants_in);
}

Stocks::Stocks(int districts, int bands) : n_districts(districts), n_bands(bands) {
  alive.assign(static_cast<std::size_t>(districts * kSexes * bands), 0);
  adl.assign(static_cast<std::size_t>(districts * kAdlLevels), 0);
  age_days.assign(static_cast<std::size_t>(districts), 0);
}

std::int64_t Stocks::alive_in(int district) const {
  std::int64_t n = 0;
  for (int s = 0; s < kSexes; ++s)
    for (int b = 0; b < n_bands; ++b) n += alive[cell(district, s, b)];
  return n;
}

void Stocks::clear() {
  zero(alive), zero(adl), zero(age_days);
}

void Stocks::merge(const Stocks& o) {
  add_into(alive, o.alive), add_into(adl, o.adl), add_into(age_days, o.age_days);
}

Stocks count_stocks(const People& people, const Scenario& scenario, sim::Day day,
                    std::vector<Stocks>& scratch) {
  const int nd = scenario.district_count(), nb = scenario.bands.count();
  Stocks total(nd, nb);
  sim::parallel_accumulate(
      people.size(), scratch, total, [&] { return Stocks(nd, nb); },
      [&](std::size_t begin, std::size_t end, Stocks& acc) {
        for (std::size_t i = begin; i < end; ++i) {
          if (!people.alive[i]) continue;
          const int d = people.district[i];
          const std::int32_t age_days = day - people.birth_day[i];
          acc.alive[acc.cell(d, people.sex[i], scenario.bands.band_of_age_days(age_days))] += 1;
          acc.adl[static_cast<std::size_t>(d * kAdlLevels + people.adl[i])] += 1;
          acc.age_days[static_cast<std::size_t>(d)] += age_days;
        }
      });
  return total;
}

void record_period(const PeriodFlows& flows, const Stocks& stocks, sim::SeriesSink& sink) {
  const int nd = stocks.n_districts;
  std::vector<std::int64_t> n_alive(static_cast<std::size_t>(nd));
  std::vector<std::int64_t> new_deaths(static_cast<std::size_t>(nd), 0);
  std::vector<double> mean_age(static_cast<std::size_t>(nd));
  for (int d = 0; d < nd; ++d) {
    const auto i = static_cast<std::size_t>(d);
    n_alive[i] = stocks.alive_in(d);
    mean_age[i] = n_alive[i] > 0 ? static_cast<double>(stocks.age_days[i]) /
                                       static_cast<double>(n_alive[i]) / sim::kDaysPerYear
                                 : 0.0;
    for (int s = 0; s < kSexes; ++s)
      for (int b = 0; b < flows.n_bands; ++b) new_deaths[i] += flows.deaths[flows.cell(d, s, b)];
  }
  std::vector<double> person_years(flows.exposure_days.size());
  std::transform(flows.exposure_days.begin(), flows.exposure_days.end(), person_years.begin(),
                 [](std::int64_t days) { return static_cast<double>(days) / sim::kDaysPerYear; });
  sink.put("n_alive", n_alive);
  sink.put("n_alive_by_sex_age", stocks.alive);
  sink.put("n_adl", stocks.adl);
  sink.put("mean_age", mean_age);
  sink.put("new_deaths", new_deaths);
  sink.put("new_deaths_by_sex_age", flows.deaths);
  sink.put("person_years", person_years);
  sink.put("new_entrants", flows.entrants);
  sink.put("new_migrants_in", flows.migrants_in);
  sink.put("new_migrants_out", flows.migrants_out);
}

}  // namespace eldersim
