#include "models/planning.hpp"

#include <fmt/core.h>

#include <cmath>
#include <numeric>

#include "models/scenario.hpp"

namespace eldersim {

namespace {

enum class AddKind { kInstitutionBeds, kNursingBeds, kDayCarePlaces, kHomeCareHours };

struct PlannedFacility {
  AddKind kind;
  std::string ownership;
  std::optional<double> monthly_price;  // else the mean of the district's facilities of the type
  std::optional<double> nursing_share;  // institution beds: else the city's mean
  std::optional<sim::Day> opens;        // else open from the start
};

// The mean flat price (level 2, a moderate need) of the facilities of a type, in a district or
// (if it has none) the city.
double mean_price(const Scenario& s, FacilityType type, int district) {
  double sum = 0, city = 0;
  int n = 0, n_city = 0;
  for (const auto& f : s.care.facilities) {
    if (f.type != type || f.hospital_ward) continue;
    city += f.monthly_price[2], ++n_city;
    if (f.district == district) sum += f.monthly_price[2], ++n;
  }
  return n ? sum / n : n_city ? city / n_city : 0.0;
}

double mean_nursing_share(const Scenario& s) {
  double beds = 0, nursing = 0;
  for (const auto& f : s.care.facilities)
    if (f.type == FacilityType::kInstitution && !f.hospital_ward)
      beds += static_cast<double>(f.places),
          nursing += f.nursing_share * static_cast<double>(f.places);
  return beds > 0 ? nursing / beds : 1.0;
}

// Splits a citywide amount over districts in proportion to their older population, the
// remainders to the largest fractions, so the parts add up exactly.
std::vector<std::int64_t> split(std::int64_t amount, const std::vector<double>& weights) {
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  std::vector<std::int64_t> parts;
  std::vector<std::pair<double, std::size_t>> rest;
  std::int64_t given = 0;
  for (std::size_t k = 0; k < weights.size(); ++k) {
    const double exact = static_cast<double>(amount) * weights[k] / total;
    parts.push_back(static_cast<std::int64_t>(std::floor(exact)));
    given += parts.back();
    rest.emplace_back(exact - std::floor(exact), k);
  }
  std::sort(rest.begin(), rest.end(), [](auto a, auto b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  });
  for (std::size_t i = 0; given < amount; ++i, ++given) ++parts[rest[i % rest.size()].second];
  return parts;
}

std::string facility_yaml(const Scenario& s, const PlannedFacility& p, int district,
                          std::int64_t places) {
  const bool community = p.kind == AddKind::kDayCarePlaces;
  const FacilityType type = community ? FacilityType::kCommunity : FacilityType::kInstitution;
  const std::string& name = s.districts[static_cast<std::size_t>(district)].name;
  const char* what = p.kind == AddKind::kNursingBeds       ? "nursing beds"
                     : p.kind == AddKind::kInstitutionBeds ? "institution beds"
                                                           : "day-care places";
  std::string yaml = fmt::format(
      "    - {{name: \"planned {} {}\", type: {}, district: {}, ownership: {}, places: {}, "
      "monthly_price: {}",
      what, name, community ? "community" : "institution", name, p.ownership, places,
      p.monthly_price.value_or(mean_price(s, type, district)));
  if (!community)
    yaml += fmt::format(
        ", nursing_share: {}",
        p.kind == AddKind::kNursingBeds ? 1.0 : p.nursing_share.value_or(mean_nursing_share(s)));
  if (p.opens) yaml += ", opens: " + sim::format_date(*p.opens);
  // The places found are the places added: the baseline's trends do not grow them.
  return yaml + ", in_district_changes: false}\n";
}

}  // namespace

sim::CapacityLever read_capacity_lever(const sim::config::Document& baseline, sim::config::Map& add,
                                       bool citywide) {
  const auto scenario = std::make_shared<const Scenario>(parse_scenario(baseline));
  const Scenario& s = *scenario;
  const std::string kind_name =
      add.choice("kind", {"institution_beds", "nursing_beds", "day_care_places", "home_care_hours"},
                 "nursing_beds");
  if (!add.has("kind")) add.missing("kind");
  PlannedFacility p;
  p.kind = kind_name == "institution_beds"  ? AddKind::kInstitutionBeds
           : kind_name == "day_care_places" ? AddKind::kDayCarePlaces
           : kind_name == "home_care_hours" ? AddKind::kHomeCareHours
                                            : AddKind::kNursingBeds;
  p.ownership = add.choice("ownership", {"public", "private"}, "public");
  if (add.has("monthly_price"))
    p.monthly_price = add.require<double>("monthly_price", sim::config::non_negative());
  if (add.has("nursing_share")) {
    if (p.kind != AddKind::kInstitutionBeds)
      add["nursing_share"].error(
          "only for kind institution_beds (nursing beds are all nursing-type)");
    p.nursing_share = add.require<double>("nursing_share", sim::config::probability());
  }
  if (add.has("from")) {
    if (p.kind == AddKind::kHomeCareHours)
      add["from"].error("home-care hours have no dated lever: they are added from the start");
    const sim::Day d = add.require_date("from");
    if (d > s.simulation.calendar.start) p.opens = d;
  }
  std::vector<int> districts;
  if (add.has("districts")) {
    for (const auto& v : add["districts"].as_list()) {
      const auto name = v.as<std::string>();
      if (!name) continue;
      const auto it = std::find_if(s.districts.begin(), s.districts.end(),
                                   [&](const District& d) { return d.name == *name; });
      if (it == s.districts.end())
        v.error("no district " + *name);
      else
        districts.push_back(static_cast<int>(it - s.districts.begin()));
    }
  } else {
    for (int k = 0; k < s.district_count(); ++k) districts.push_back(k);
  }

  sim::CapacityLever lever;
  lever.what = kind_name == "home_care_hours"    ? "home-care worker hours a week"
               : kind_name == "day_care_places"  ? "day-care places"
               : kind_name == "institution_beds" ? "institution beds"
                                                 : "nursing-type beds";
  lever.unit_dimension = citywide ? "" : "district";
  if (citywide)
    lever.units = {"city"};
  else
    for (int k : districts) lever.units.push_back(s.districts[static_cast<std::size_t>(k)].name);
  lever.cost_series = "new_spending";
  lever.cost_by = "payer";
  lever.scale = s.population.scale;
  std::vector<double> weights;
  weights.reserve(districts.size());
  for (int k : districts)
    weights.push_back(static_cast<double>(s.districts[static_cast<std::size_t>(k)].n_older));
  lever.apply = [scenario, p, districts, weights, citywide](sim::RunJob& job,
                                                            std::span<const std::int64_t> amounts) {
    const std::vector<std::int64_t> per_district =
        citywide ? split(amounts[0], weights)
                 : std::vector<std::int64_t>(amounts.begin(), amounts.end());
    if (p.kind == AddKind::kHomeCareHours) {
      for (std::size_t i = 0; i < districts.size(); ++i) {
        const District& d = scenario->districts[static_cast<std::size_t>(districts[i])];
        job.overrides.insert(
            job.overrides.begin(),
            fmt::format("districts.{}.home_care_hours_per_week={}", d.name,
                        d.home_care_hours_per_week + static_cast<double>(per_district[i])));
      }
      return;
    }
    std::string yaml = "care:\n  facilities:\n";
    for (std::size_t i = 0; i < districts.size(); ++i)
      yaml += facility_yaml(*scenario, p, districts[i], per_district[i]);
    job.overlay = yaml;
  };
  return lever;
}

}  // namespace eldersim
