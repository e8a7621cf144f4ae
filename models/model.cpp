#include "models/model.hpp"

#include "models/care.hpp"
#include "models/demography.hpp"
#include "models/health.hpp"
#include "models/hospital.hpp"
#include "models/policy.hpp"
#include "models/synthesis.hpp"
#include "sim/soa.hpp"

namespace eldersim {

ElderModel::ElderModel(std::shared_ptr<const Scenario> scenario)
    : world_(std::move(scenario)),
      calendar_(world_.scenario->simulation.calendar),
      initial_agents_(0),
      flows_(*world_.scenario) {
  world_.people = synthesize_population(*world_.scenario);
  initial_agents_ = world_.people.size();
}

std::vector<sim::DimensionSpec> ElderModel::dimensions() const {
  return dimension_specs(*world_.scenario);
}

std::vector<sim::SeriesSpec> ElderModel::series() const {
  return series_specs();
}

std::vector<std::pair<std::string, sim::h5::AttributeValue>> ElderModel::metadata() const {
  const Scenario& s = *world_.scenario;
  return {{"scenario_name", s.name},
          {"city", s.city},
          {"description", s.description},
          {"scale", s.population.scale},
          {"min_age", static_cast<std::int32_t>(s.population.min_age)},
          {"n_agents_start", static_cast<std::int64_t>(initial_agents_)}};
}

// One step (design section 3), in order:
//   1. policy: events dated in this step, facility openings and closings   (policy.cpp)
//   2. demography: entrants, deaths, moves                                 (demography.cpp)
//   3. health: ADL transitions                                             (health.cpp)
//   4. care: census, choices, allocation, spending                         (care.cpp)
//   5. hospital: stays ending (deaths, discharge into care or delayed),      (hospital.cpp)
//      admissions, bed-days; after the care step so that discharges see the places its
//      allocation left free, and delayed patients it served leave on the step's first day
void ElderModel::step(const sim::Step& step) {
  policy::step(world_, step, flows_);
  demography::step(world_, step, flows_, flow_scratch_);
  health::step(world_, step, flows_, health_scratch_);
  care::step(world_, step, flows_);
  hospital::step(world_, step, flows_);
}

std::vector<sim::StringTable> ElderModel::tables() const {
  const Scenario& s = *world_.scenario;
  sim::StringTable type{"facility_info", "type", {}}, district{"facility_info", "district", {}},
      ownership{"facility_info", "ownership", {}};
  for (const auto& f : s.care.facilities) {
    type.values.emplace_back(f.type == FacilityType::kInstitution ? "institution" : "community");
    district.values.push_back(s.districts[static_cast<std::size_t>(f.district)].name);
    ownership.values.emplace_back(f.ownership == Ownership::kPublic ? "public" : "private");
  }
  sim::StringTable h_district{"hospital_info", "district", {}}, tier{"hospital_info", "tier", {}},
      h_ownership{"hospital_info", "ownership", {}};
  for (const auto& h : s.hospitals.hospitals) {
    h_district.values.push_back(s.districts[static_cast<std::size_t>(h.district)].name);
    tier.values.push_back(std::to_string(h.tier));
    h_ownership.values.emplace_back(h.ownership == Ownership::kPublic ? "public" : "private");
  }
  return {type, district, ownership, h_district, tier, h_ownership};
}

// At a period's end: count the stocks, hand over the period's rows, start the next period's
// flows afresh and drop the dead.
void ElderModel::record_period(int period, sim::SeriesSink& sink) {
  const Stocks stocks = stocks_on(calendar_.period(period).last_day);
  eldersim::record_period(*world_.scenario, flows_, stocks, world_.care, world_.hospitals, sink);
  flows_.clear();
  sim::compact_rows(world_.people, std::span<const std::uint8_t>(world_.people.alive));
}

Stocks ElderModel::stocks_on(sim::Day day) {
  return count_stocks(world_.people, *world_.scenario, day, stock_scratch_);
}

sim::ModelDefinition definition() {
  return {
      "eldersim", [](const sim::config::Document& doc) { parse_scenario(doc); },
      [](const sim::config::Document& doc) -> std::unique_ptr<sim::Model> {
        return std::make_unique<ElderModel>(std::make_shared<const Scenario>(parse_scenario(doc)));
      }};
}

}  // namespace eldersim
