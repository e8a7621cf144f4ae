#include "models/policy.hpp"

#include <algorithm>
#include <cmath>

namespace eldersim {

namespace {
bool in_step(sim::Day day, const sim::Step& step) {
  return day >= step.first_day && day < step.end_day();
}
}  // namespace

void set_places(PolicyContext& ctx, std::size_t f, std::int64_t places) {
  const FacilitySpec& spec = ctx.scenario.care.facilities[f];
  care::Ledger& ledger = ctx.care.ledger();
  // Repeated percent increases and the supply response stop at the limit of places (scaled).
  places = std::clamp<std::int64_t>(places, 0,
                                    std::llround(limits::kPlaces * ctx.scenario.population.scale));
  const std::int64_t added = places - ledger.place(f).places;
  ledger.set_places(f, places, spec.nursing_share);
  // New places are paid for when they open: a change to a facility not yet open (or closed)
  // only sets the places it will open with.
  if (added > 0 && ledger.place(f).open) {
    const double per_place =
        ctx.programme.subsidies.of(spec.type)
            .construction_per_new_bed[static_cast<std::size_t>(spec.ownership)];
    ctx.spending.government_pays(static_cast<std::size_t>(spec.district), kConstruction,
                                 to_fen(per_place * static_cast<double>(added)));
  }
}

void programme_changed(PolicyContext& ctx) {
  ++ctx.programme_version;
  // The priority classes of waiting lists depend on the discharge-priority switch.
  ctx.care.rekey_all(ctx.people, ctx.programme);
}

Policy::Policy(const Scenario& s)
    : scenario_(s),
      programme_(s.programmes),
      next_supply_review_(s.simulation.calendar.start + s.care.supply_response.review_days) {}

void Policy::step(const sim::Step& step, care::CareSystem& care, hospital::Hospitals& hospitals,
                  Spending& spending, const People& people) {
  PolicyContext ctx{scenario_, programme_, programme_version_, care, hospitals, spending, people};
  open_and_close(step, ctx);
  apply_events(step, ctx);
  if (scenario_.care.supply_response.enabled) supply_response(step, ctx);
}

void Policy::open_and_close(const sim::Step& step, PolicyContext& ctx) {
  const Scenario& s = scenario_;
  care::Ledger& ledger = ctx.care.ledger();
  for (std::size_t f = 0; f < s.care.facilities.size(); ++f) {
    const FacilitySpec& spec = s.care.facilities[f];
    if (!ledger.place(f).open && in_step(spec.opens, step) &&
        spec.opens > s.simulation.calendar.start) {
      // Construction is paid for every place it opens with.
      const std::int64_t places = ledger.place(f).places;
      ledger.set_places(f, 0, spec.nursing_share);
      ledger.open(f);
      set_places(ctx, f, places);
    }
    if (ledger.place(f).open && in_step(spec.closes, step)) ledger.close(f);
  }
  for (std::size_t h = 0; h < s.hospitals.hospitals.size(); ++h) {
    const HospitalSpec& spec = s.hospitals.hospitals[h];
    const hospital::Unit& unit = ctx.hospitals.state().units[h];
    if (!unit.admitting && in_step(spec.opens, step) && spec.opens > s.simulation.calendar.start)
      ctx.hospitals.open(h);
    // Stops admitting on its date; it closes when its last patient has left (hospital.cpp).
    if (unit.admitting && in_step(spec.closes, step)) ctx.hospitals.stop_admitting(h);
  }
}

void Policy::apply_events(const sim::Step& step, PolicyContext& ctx) {
  const auto& events = scenario_.policy_events;
  while (next_event_ < events.size() && events[next_event_].date < step.end_day()) {
    events[next_event_].lever->apply(ctx);
    ++next_event_;
  }
}

void Policy::supply_response(const sim::Step& step, PolicyContext& ctx) {
  const Scenario& s = scenario_;
  const SupplyResponseSpec& sr = s.care.supply_response;
  care::Ledger& ledger = ctx.care.ledger();
  for (std::size_t f = 0; f < ledger.facility_count(); ++f) {
    const care::Place& p = ledger.place(f);
    // Due in this step or earlier (a lag shorter than a step falls inside the deciding step).
    if (p.pending_change != 0 && p.pending_due < step.end_day()) {
      const std::int64_t change = p.pending_change;
      ledger.set_pending(f, 0, care::kNever);
      if (ledger.place(f).open) set_places(ctx, f, ledger.place(f).places + change);
    }
  }
  if (next_supply_review_ >= step.end_day()) return;
  while (next_supply_review_ < step.end_day()) next_supply_review_ += sr.review_days;
  const ProviderSubsidySpec& sub = programme_.subsidies.institution;
  for (std::size_t f = 0; f < ledger.facility_count(); ++f) {
    const care::Place& p = ledger.place(f);
    const FacilitySpec& spec = s.care.facilities[f];
    if (!p.open || p.places <= 0 || p.pending_change != 0 ||
        spec.type != FacilityType::kInstitution || spec.hospital_ward)
      continue;
    const auto own = static_cast<std::size_t>(spec.ownership);
    const double occupancy = static_cast<double>(p.occupied) / static_cast<double>(p.places);
    // Expected monthly revenue of one more place: fees and per-person subsidies times the
    // occupancy, plus the per-bed subsidy paid filled or not (design section 3: per-bed
    // subsidies reward building, per-person subsidies reward filling). Compared with the cost
    // of keeping a place.
    double mean_price = 0;
    for (double price : p.monthly_price) mean_price += price / kAdlLevels;
    const double revenue = occupancy * (mean_price + sub.per_person_served_month[own]) +
                           sub.operating_per_bed_month[own];
    const auto step_places =
        std::max<std::int64_t>(1, std::llround(sr.step_share * static_cast<double>(p.places)));
    std::int64_t change = 0;
    if (occupancy >= sr.occupancy_to_expand && revenue >= sr.monthly_cost_per_place)
      change = step_places;
    else if (occupancy <= sr.occupancy_to_shrink && revenue < sr.monthly_cost_per_place)
      change = -step_places;
    if (change != 0) ledger.set_pending(f, change, step.first_day + sr.lag_days);
  }
}

}  // namespace eldersim
