#pragma once
// Care need, choice and capacity (design section 3, steps 5 and 6).
//
// Who chooses: a living person at ADL level >= care.choice_level whose level changed this step,
// whose periodic review is due (every care.review_days, the first one staggered), who lost their
// place, or whose wait reached care.renege_days for the mode they wait for (they renege and
// choose again without that mode: their next-best option).
//
// The choice: a multinomial logit over no formal care (utility 0), home care, community care at
// a centre of their district and institutional care anywhere in the city. Utility = constant +
// price coefficient (by income band) * net monthly price / 1000 + travel coefficient * minutes / 10
// + ADL level, living alone, 80+ and income terms, + inertia for the person's current mode. The
// community and institution utilities are the log-sum over their facilities, each weighted by its
// share of places: V = constant + terms + log sum_f w_f exp(V_f), V_f = price and travel terms, so
// adding a facility changes demand through its price and distance, not through its mere number.
// The centre or home a person is in now enters with weight exp(V_f + inertia) instead (staying is
// its own alternative). Within the mode a facility is drawn with probability weight / sum.
//
// The allocation: requests (new ones and those still waiting) are served one by one in priority
// order (targeted groups first, then higher ADL level, then earlier request, then a hash of id
// and step) against pools: nursing-type and other beds per institution (levels >=
// care.nursing_level need a nursing-type bed, others take another bed first), places per community
// centre, home-care worker hours per district. A person admitted leaves their old place; one not
// admitted waits (and keeps their current care meanwhile).

#include <array>
#include <cstdint>
#include <vector>

#include "models/finance.hpp"
#include "models/metrics.hpp"
#include "models/people.hpp"
#include "models/random_events.hpp"
#include "sim/allocation.hpp"
#include "sim/calendar.hpp"

namespace eldersim {

struct World;

struct FacilityState {
  bool open = false;
  std::int64_t places = 0;          // scaled
  std::int64_t nursing_places = 0;  // the nursing-type part of places (institutions)
  std::int64_t respite_beds = 0;    // community centres, scaled
  std::array<double, kAdlLevels> monthly_price{};
  std::int64_t pending_change = 0;  // supply response: places to add (or remove) on pending_due
  sim::Day pending_due = std::numeric_limits<sim::Day>::max();
};

// The care system's state that changes over a run (capacity, prices, programmes) and the census
// of the last care step.
struct CareState {
  std::vector<FacilityState> facilities;
  std::vector<double> home_hours;  // worker hours per week per district (scaled)
  ProgrammeSpec programme;         // in force now
  std::size_t next_event = 0;      // first policy event not applied yet
  sim::Day next_supply_review = 0;
  // Census after the last care step (occupancy counts, waiting lists).
  std::vector<std::int64_t> occupied;          // per facility
  std::vector<std::int64_t> occupied_nursing;  // per facility
  std::vector<std::int64_t> waiting;           // per facility
  std::vector<double> home_hours_used;         // per district
};

CareState initial_care_state(const Scenario& s);

// What a chooser brings to the choice.
struct Chooser {
  int district = 0;
  int level = 0;
  int income = kMiddleIncome;
  bool living_alone = false;
  bool age_80_plus = false;
  std::uint8_t groups = 0;
  bool ltc_enrolled = false;
  CareMode current = kNoCare;
  int current_facility = -1;
  CareMode excluded = kNoCare;  // a mode just reneged on (kNoCare: none excluded)
};

// Mode utilities (-inf where unavailable) and, for community and institution, the facility
// weights w_f exp(V_f) to draw from.
struct ChoiceSet {
  std::array<double, kCareModes> utility{};
  std::vector<std::pair<int, double>> community;    // (facility, weight)
  std::vector<std::pair<int, double>> institution;  // (facility, weight)
};
ChoiceSet choice_set(const Scenario& s, const CareState& state, const Chooser& c);
// Logit probabilities of the four modes.
std::array<double, kCareModes> mode_probabilities(const ChoiceSet& set);

struct CareRequest {
  sim::Priority priority;
  std::uint32_t row = 0;
  CareMode mode = kNoCare;
  std::uint16_t facility = kNoFacility;
  std::uint8_t hours = 0;
  bool needs_nursing = false;
};

// What a chooser drew: a mode and, for community and institutional care, a facility; and how it
// relates to the care the person has now.
struct CareWish {
  CareMode mode = kNoCare;
  std::uint16_t facility = kNoFacility;
  bool same_as_now = false;      // the same mode (and facility) as now
  bool needs_transfer = false;   // same home, but the level now needs a nursing-type bed
  bool needs_new_hours = false;  // same home care, but the level needs other hours
  bool keeps_current() const { return same_as_now && !needs_transfer && !needs_new_hours; }
};

enum class DischargeOutcome {
  kSettled,          // has the care chosen (or none), may leave hospital
  kWaitingForPlace,  // on the waiting list for a new place
  kWaitingInPlace,   // keeps the care held and waits for a nursing-type bed or more hours there
};

namespace care {
// Whether person i waits for a change within the care they hold (a nursing-type bed in their
// own home, other home-care hours) rather than for a new place.
inline bool waits_in_place(const People& p, std::size_t i) {
  return p.wait_mode[i] != kNoCare && p.wait_mode[i] == p.care_mode[i] &&
         (p.wait_mode[i] == kHomeCare || p.wait_facility[i] == p.care_facility[i]);
}
// The chooser's attributes from the person's row.
Chooser chooser_of(const People& people, std::size_t i, int level, std::uint8_t groups,
                   bool ltc_enrolled);
// The logit choice (design section 3 step 5), drawn from stream (person, counter, event).
CareWish draw_wish(const World& world, std::size_t i, const Chooser& c, std::uint32_t counter,
                   RandomEvent event);
// A patient leaving hospital on `day` with this wish: takes the place now if the last allocation
// left one free (in the census counts of CareState, which it updates), else joins its waiting
// list.
// Frees the place person i holds in the census counts of CareState (a death between steps).
void vacate_in_census(World& world, std::size_t i);
DischargeOutcome settle_on_discharge(World& world, std::size_t i, const CareWish& wish,
                                     sim::Day day, PeriodFlows& flows);

// The step, as a flow chart:
//   census (parallel blocks): for each living person
//     lost their need (level < choice_level)      -> leave care, leave the waiting list
//     in a closed facility                       -> leave, choose again
//     in care                                    -> count the place; charge the step's cost
//                                                   to insurance, government and the person
//     choice due (level changed, review due, lost place, wait >= renege days)
//                                                -> logit choice -> stay, leave, or request
//     still waiting                              -> request again (same place, same since)
//   over-full facilities (after a cut)           -> the newest residents leave, choose again
//   allocation (serial): requests in priority order against the pools; admitted people leave
//     their old place; the others wait
//   providers' subsidies: per bed and per person served, by ownership
void step(World& world, const sim::Step& step, PeriodFlows& flows);
}  // namespace care

}  // namespace eldersim
