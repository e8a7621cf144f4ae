#pragma once
// Hospitals (design section 3 step 4): admissions, referral, length of stay, outcomes and
// discharge into the care system, with delayed discharge when the care place needed is not free.
//
// Days, not steps: every admission and discharge falls on a day, and each hospital keeps a count
// of occupied beds for every day of the step, so bed-days and occupancy are exact whatever
// step_days is. Beds used by patients under the minimum age (not simulated) are a share of each
// hospital's beds by month (background occupancy); the elderly can use the rest.
//
// Who is admitted: each living person not in hospital, with an annual rate by age band times a
// ratio by ADL level, a seasonal factor by month, and the medical-care levers (residents of homes
// by the home's size; home sickbeds and family doctors for people at home), turned into a
// probability for the step's days; the admission day is uniform over the step.
//
// Where: the tier the condition needs (drawn by ADL level), one tier up with the referral
// probability; a hospital of that tier in the person's district (drawn by beds; the nearest
// district with one if none); if it has no free bed for the stay, the nearest hospital by travel
// time of that tier or higher with one; if none, turned away.
//
// The stay: lognormal length by the hospital's tier and the ADL level, whole days; at its end
// the patient dies (a probability by ADL level) or leaves, possibly one ADL level worse. Patients
// at or above the assessment level choose their care on discharge (the care logit); when the
// place chosen is not free and its mode is one of discharge.delay_for, the patient stays in
// hospital (delayed discharge) on the waiting list, moving to a free rehabilitation bed of the
// hospital if there is one, until the care allocation serves them or they give up waiting.

#include <cstdint>
#include <vector>

#include "models/metrics.hpp"
#include "sim/calendar.hpp"

namespace eldersim {

struct World;

struct HospitalUnitState {
  bool open = false;       // has beds (a closing hospital stays open until its last patient leaves)
  bool admitting = false;  // takes new patients
  std::int64_t beds = 0;   // acute beds, scaled
  std::int64_t rehabilitation_beds = 0;
  // Beds converted by a policy event while patients lay in them: they take no new patients and
  // leave acute use as they free up (at the end of each step).
  std::int64_t converting_to_nursing = 0;
  std::int64_t converting_to_rehabilitation = 0;
  std::int64_t converting() const { return converting_to_nursing + converting_to_rehabilitation; }
};

struct HospitalState {
  std::vector<HospitalUnitState> units;
  // Per district: every hospital, nearest first (travel time, then index).
  std::vector<std::vector<int>> by_travel;
  // Per hospital: elderly patients in acute beds on the last day of the last step.
  std::vector<std::int64_t> occupied;
};

HospitalState initial_hospital_state(const Scenario& s);

namespace hospital {

// Applies a conversion of hospital beds (a policy event) to hospital h: the beds free of elderly
// patients leave acute use now, the others as their patients leave.
void convert_beds(World& world, const PolicyEvent& e, int h);

// The step, as a flow chart (after the care step, so discharges see the places its allocation
// left):
//   scan (parallel blocks): each person
//     in hospital and died this step           -> in-hospital death (day one of the step)
//     waiting in hospital for a care place     -> re-check on day one
//     stay ends within the step                -> stay-end event on its day
//     stay goes on                             -> holds the bed all step
//     otherwise, alive                         -> admitted with the step's probability:
//                                                 day, tier, referral, stay and outcome drawn
//   events in day order (serial): re-checks, stay ends, admissions
//     re-check   -> still waiting: stays (rehabilitation bed if free); else discharged
//     stay end   -> dies | ADL decline; assessment: care choice -> settled: discharged;
//                   waiting for a place of a delay_for mode: delayed discharge
//     admission  -> first-choice hospital | nearest with a free bed | turned away;
//                   a stay ending within the step adds its stay-end event
//   bed-days, occupancy and background use from the daily counts
void step(World& world, const sim::Step& step, PeriodFlows& flows);

}  // namespace hospital
}  // namespace eldersim
