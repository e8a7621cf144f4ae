#include "models/person_ops.hpp"

#include "models/care_ledger.hpp"
#include "models/demography.hpp"
#include "models/health.hpp"
#include "models/hospital.hpp"

namespace eldersim {

void PersonOps::die(std::size_t i, const sim::Step& step, sim::Day day) {
  stop_waiting(i);
  leave_care(i);
  people_.care_flags[i] &= static_cast<std::uint8_t>(~kWaitsInHospital);
  if (people_.in_hospital(i)) hospitals_.end_stay_on_death(i, day, people_);
  people_.alive[i] = 0;
  ++dead_rows_;
  const int d = people_.district[i];
  const int band = scenario_.bands.band_of_age_days(step.mid_day() - people_.birth_day[i]);
  DemographyFlows& flows = demography_.flows();
  flows.deaths[demography_.cell(d, people_.sex[i], band)] += 1;
  flows.cum_deaths[static_cast<std::size_t>(d)] += 1;
}

void PersonOps::change_level(std::size_t i, int to) {
  const int from = people_.adl[i];
  if (to == from) return;
  health_.period_transitions()[health_.transition_cell(people_.district[i], from, to)] += 1;
  people_.adl[i] = static_cast<std::uint8_t>(to);
  people_.care_flags[i] |= kChoiceDue;
}

void PersonOps::move(std::size_t i, int to) {
  const int from = people_.district[i];
  const std::uint8_t mode = people_.care_mode[i];
  if (mode == kHomeCare || mode == kCommunityCare || people_.waiting(i)) {
    if (mode != kInstitution) leave_care(i);
    stop_waiting(i);
    people_.care_flags[i] |= kChoiceDue;
  }
  people_.district[i] = static_cast<std::uint16_t>(to);
  DemographyFlows& flows = demography_.flows();
  flows.migrants_out[static_cast<std::size_t>(from)] += 1;
  flows.migrants_in[static_cast<std::size_t>(to)] += 1;
}

void PersonOps::leave_care(std::size_t i) {
  switch (people_.care_mode[i]) {
    case kInstitution:
    case kCommunityCare:
      ledger_.free_bed(people_.care_facility[i], people_.care_flags[i] & kNursingBed);
      break;
    case kHomeCare:
      ledger_.free_hours(people_.district[i], people_.care_hours[i]);
      break;
    default:
      break;
  }
  people_.care_mode[i] = kNoCare;
  people_.care_facility[i] = kNoFacility;
  people_.care_hours[i] = 0;
  people_.care_flags[i] &= static_cast<std::uint8_t>(~kNursingBed);
}

void PersonOps::stop_waiting(std::size_t i) {
  if (!people_.waiting(i)) return;
  ledger_.leave(people_.wait_slot[i]);
  people_.wait_slot[i] = kNoSlot;
}

}  // namespace eldersim
