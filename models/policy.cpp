#include "models/policy.hpp"

#include <spdlog/spdlog.h>

#include <cmath>

#include "models/world.hpp"

namespace eldersim::policy {

namespace {

bool in_step(sim::Day day, const sim::Step& step) {
  return day >= step.first_day && day < step.end_day();
}

// Sets a facility's places, keeping its nursing-type share, and pays construction subsidies for
// places added.
void set_places(World& world, std::size_t f, std::int64_t places, PeriodFlows& flows) {
  const Scenario& s = *world.scenario;
  FacilityState& fs = world.care.facilities[f];
  const FacilitySpec& spec = s.care.facilities[f];
  places = std::max<std::int64_t>(0, places);
  const std::int64_t added = places - fs.places;
  fs.places = places;
  fs.nursing_places = std::llround(static_cast<double>(places) * spec.nursing_share);
  // New places are paid for when they open: a change to a facility not yet open (or closed)
  // only sets the places it will open with.
  if (added > 0 && fs.open) {
    const double paid = world.care.programme.subsidies.of(spec.type)
                            .construction_per_new_bed[static_cast<std::size_t>(spec.ownership)] *
                        static_cast<double>(added);
    const auto d = static_cast<std::size_t>(spec.district);
    flows.spending[d * kPayers + kGovernment] += paid;
    flows.government[d * kGovernmentSpendingTypes + kConstruction] += paid;
  }
}

void apply(World& world, const PolicyEvent& e, PeriodFlows& flows) {
  CareState& state = world.care;
  const double scale = world.scenario->population.scale;
  switch (e.kind) {
    case PolicyEvent::Kind::kSetPlaces:
      for (int f : e.facilities) {
        const auto i = static_cast<std::size_t>(f);
        const std::int64_t target =
            e.relative ? std::llround(static_cast<double>(state.facilities[i].places) * e.factor)
                       : std::llround(e.value * scale);
        set_places(world, i, target, flows);
      }
      break;
    case PolicyEvent::Kind::kSetPrice:
      for (int f : e.facilities)
        for (double& price : state.facilities[static_cast<std::size_t>(f)].monthly_price)
          price = e.relative ? price * e.factor : e.value;
      break;
    case PolicyEvent::Kind::kSetSubsidies:
      state.programme.subsidies = e.programme.subsidies;
      break;
    case PolicyEvent::Kind::kSetVouchers:
      state.programme.vouchers = e.programme.vouchers;
      break;
    case PolicyEvent::Kind::kSetPurchasedServices:
      state.programme.purchased_services = e.programme.purchased_services;
      break;
    case PolicyEvent::Kind::kSetHomeSupport:
      state.programme.home_support = e.programme.home_support;
      break;
    case PolicyEvent::Kind::kSetLtc:
      state.programme.ltc = e.programme.ltc;
      break;
    case PolicyEvent::Kind::kSetMedicalCare:
      state.programme.medical = e.programme.medical;
      break;
    case PolicyEvent::Kind::kConvertHospitalBeds:
      // Beds leave acute use on the date; as nursing beds they join the hospital's nursing ward
      // (a care facility), as rehabilitation beds they take patients waiting for a care place.
      for (int h : e.hospitals) hospital::convert_beds(world, e, h);
      break;
  }
}

void supply_response(World& world, const sim::Step& step, PeriodFlows& flows) {
  const Scenario& s = *world.scenario;
  const SupplyResponseSpec& sr = s.care.supply_response;
  CareState& state = world.care;
  for (std::size_t f = 0; f < state.facilities.size(); ++f) {
    FacilityState& fs = state.facilities[f];
    // Due in this step or earlier (a lag shorter than a step falls inside the deciding step).
    if (fs.pending_change != 0 && fs.pending_due < step.end_day()) {
      if (fs.open) set_places(world, f, fs.places + fs.pending_change, flows);
      fs.pending_change = 0;
      fs.pending_due = std::numeric_limits<sim::Day>::max();
    }
  }
  if (state.next_supply_review >= step.end_day()) return;
  while (state.next_supply_review < step.end_day()) state.next_supply_review += sr.review_days;
  const ProviderSubsidySpec& sub = state.programme.subsidies.institution;
  for (std::size_t f = 0; f < state.facilities.size(); ++f) {
    FacilityState& fs = state.facilities[f];
    const FacilitySpec& spec = s.care.facilities[f];
    if (!fs.open || fs.places <= 0 || fs.pending_change != 0 ||
        spec.type != FacilityType::kInstitution || spec.hospital_ward)
      continue;
    const auto own = static_cast<std::size_t>(spec.ownership);
    const double occupancy =
        static_cast<double>(state.occupied[f]) / static_cast<double>(fs.places);
    // Expected monthly revenue of one more place: fees and per-person subsidies times the
    // occupancy, plus the per-bed subsidy paid filled or not (design section 3: per-bed
    // subsidies reward building, per-person subsidies reward filling). Compared with the cost
    // of keeping a place.
    double mean_price = 0;
    for (double p : fs.monthly_price) mean_price += p / kAdlLevels;
    const double revenue = occupancy * (mean_price + sub.per_person_served_month[own]) +
                           sub.operating_per_bed_month[own];
    const auto step_places =
        std::max<std::int64_t>(1, std::llround(sr.step_share * static_cast<double>(fs.places)));
    if (occupancy >= sr.occupancy_to_expand && revenue >= sr.monthly_cost_per_place)
      fs.pending_change = step_places;
    else if (occupancy <= sr.occupancy_to_shrink && revenue < sr.monthly_cost_per_place)
      fs.pending_change = -step_places;
    if (fs.pending_change != 0) fs.pending_due = step.first_day + sr.lag_days;
  }
}

}  // namespace

void step(World& world, const sim::Step& step, PeriodFlows& flows) {
  const Scenario& s = *world.scenario;
  CareState& state = world.care;
  for (std::size_t f = 0; f < s.care.facilities.size(); ++f) {
    const FacilitySpec& spec = s.care.facilities[f];
    FacilityState& fs = state.facilities[f];
    if (!fs.open && in_step(spec.opens, step) && spec.opens > s.simulation.calendar.start) {
      fs.open = true;
      const std::int64_t places = fs.places;
      fs.places = 0;  // pay construction for every new place
      set_places(world, f, places, flows);
    }
    if (fs.open && in_step(spec.closes, step)) fs.open = false;
  }
  for (std::size_t h = 0; h < s.hospitals.hospitals.size(); ++h) {
    const HospitalSpec& spec = s.hospitals.hospitals[h];
    HospitalUnitState& unit = world.hospitals.units[h];
    if (!unit.admitting && in_step(spec.opens, step) && spec.opens > s.simulation.calendar.start)
      unit.open = unit.admitting = true;
    // Stops admitting on its date; it closes when its last patient has left (hospital.cpp).
    if (unit.admitting && in_step(spec.closes, step)) unit.admitting = false;
  }
  while (state.next_event < s.policy_events.size() &&
         s.policy_events[state.next_event].date < step.end_day()) {
    apply(world, s.policy_events[state.next_event], flows);
    ++state.next_event;
  }
  if (s.care.supply_response.enabled) supply_response(world, step, flows);
}

}  // namespace eldersim::policy
