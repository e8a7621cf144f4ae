#include "models/care.hpp"

#include <cmath>
#include <limits>

#include "models/random_events.hpp"
#include "models/world.hpp"
#include "sim/parallel.hpp"
#include "sim/rng.hpp"

namespace eldersim {

namespace {
constexpr double kUnavailable = -std::numeric_limits<double>::infinity();

std::int64_t scaled(std::int64_t count, double scale) {
  return std::llround(static_cast<double>(count) * scale);
}
}  // namespace

CareState initial_care_state(const Scenario& s) {
  CareState state;
  const double scale = s.population.scale;
  for (const FacilitySpec& f : s.care.facilities) {
    FacilityState fs;
    fs.open = f.opens <= s.simulation.calendar.start && f.closes > s.simulation.calendar.start;
    fs.places = scaled(f.places, scale);
    fs.nursing_places = std::llround(static_cast<double>(fs.places) * f.nursing_share);
    fs.monthly_price = f.monthly_price;
    fs.respite_beds = scaled(f.respite_beds, scale);
    state.facilities.push_back(fs);
  }
  for (const District& d : s.districts)
    state.home_hours.push_back(d.home_care_hours_per_week * scale);
  state.programme = s.programmes;
  state.next_supply_review = s.simulation.calendar.start + s.care.supply_response.review_days;
  const auto nf = s.care.facilities.size();
  state.occupied.assign(nf, 0);
  state.occupied_nursing.assign(nf, 0);
  state.waiting.assign(nf, 0);
  state.home_hours_used.assign(s.districts.size(), 0);
  return state;
}

ChoiceSet choice_set(const Scenario& s, const CareState& state, const Chooser& c) {
  const ChoiceSpec& k = s.care.choice;
  const double price_coefficient = k.price_per_1000_by_income[static_cast<std::size_t>(c.income)];
  const PersonView person{c.level, c.groups, c.ltc_enrolled};
  ChoiceSet out;
  out.utility[kNoCare] = 0;
  const auto person_terms = [&](int mode) {
    const auto m = static_cast<std::size_t>(mode);
    double v = k.constant[m] + k.per_adl_level[m] * c.level;
    if (c.living_alone) v += k.living_alone[m];
    if (c.age_80_plus) v += k.age_80_plus[m];
    if (c.income == kLowIncome) v += k.low_income[m];
    if (c.income == kHighIncome) v += k.high_income[m];
    // Inertia goes to the alternative held: home care here, the very centre or home below.
    if (c.current == mode && mode == kHomeCare) v += k.inertia;
    return v;
  };
  const auto net_price = [&](CareMode mode, double gross) {
    return monthly_cost(state.programme, s.care.home, mode, gross, person).out_of_pocket;
  };
  // Home care: the hours the level needs at the hourly price, plus home-support effects.
  {
    const double hours = s.care.home.hours_per_week_by_level[static_cast<std::size_t>(c.level)];
    const HomeSupportSpec& hs = state.programme.home_support;
    double v = person_terms(kHomeCare) +
               price_coefficient *
                   net_price(kHomeCare, hours * kWeeksPerMonth * s.care.home.hourly_price) / 1000;
    if (hs.modification_utility != 0 && c.level >= hs.modification_min_level &&
        in_groups(c.groups, hs.modification_groups))
      v += hs.modification_utility;
    if (hs.meal_utility != 0 && in_groups(c.groups, hs.meal_groups)) v += hs.meal_utility;
    out.utility[kHomeCare] =
        hours > 0 && state.home_hours[static_cast<std::size_t>(c.district)] > 0 ? v : kUnavailable;
  }
  // Community and institutions: log-sum over open facilities, weighted by their share of places.
  for (CareMode mode : {kCommunityCare, kInstitution}) {
    auto& options = mode == kCommunityCare ? out.community : out.institution;
    const FacilityType type =
        mode == kCommunityCare ? FacilityType::kCommunity : FacilityType::kInstitution;
    // Open facilities of the mode with places; community centres only in the own district.
    const auto offers = [&](std::size_t f) {
      const FacilitySpec& spec = s.care.facilities[f];
      const FacilityState& fs = state.facilities[f];
      return spec.type == type && fs.open && fs.places > 0 &&
             (mode != kCommunityCare || spec.district == c.district);
    };
    double total_places = 0;
    for (std::size_t f = 0; f < s.care.facilities.size(); ++f)
      if (offers(f)) total_places += static_cast<double>(state.facilities[f].places);
    double sum = 0;
    for (std::size_t f = 0; f < s.care.facilities.size(); ++f) {
      if (!offers(f)) continue;
      const FacilitySpec& spec = s.care.facilities[f];
      const FacilityState& fs = state.facilities[f];
      const double v = price_coefficient *
                           net_price(mode, fs.monthly_price[static_cast<std::size_t>(c.level)]) /
                           1000 +
                       k.travel_per_10_minutes * s.travel(c.district, spec.district) / 10;
      // Staying where one is, is its own alternative: not weighted by the home's share of
      // places, and with the inertia bonus (a switching cost for everyone else).
      const bool held = c.current == mode && c.current_facility == static_cast<int>(f);
      const double weight = held ? std::exp(v + k.inertia)
                                 : static_cast<double>(fs.places) / total_places * std::exp(v);
      options.emplace_back(static_cast<int>(f), weight);
      sum += weight;
    }
    out.utility[mode] = sum > 0 ? person_terms(mode) + std::log(sum) : kUnavailable;
  }
  if (c.excluded != kNoCare) out.utility[c.excluded] = kUnavailable;
  return out;
}

std::array<double, kCareModes> mode_probabilities(const ChoiceSet& set) {
  double top = kUnavailable;
  for (double u : set.utility) top = std::max(top, u);
  std::array<double, kCareModes> p{};
  double sum = 0;
  for (int m = 0; m < kCareModes; ++m) {
    p[static_cast<std::size_t>(m)] = std::isinf(set.utility[static_cast<std::size_t>(m)])
                                         ? 0.0
                                         : std::exp(set.utility[static_cast<std::size_t>(m)] - top);
    sum += p[static_cast<std::size_t>(m)];
  }
  for (double& x : p) x /= sum;
  return p;
}

namespace care {

namespace {

// Per-block results of the census pass, merged in block order.
struct Census {
  std::vector<std::int64_t> occupied, occupied_nursing, waiting;
  std::vector<std::int64_t> home_hours_used;
  std::vector<CareRequest> requests;
  std::vector<std::uint32_t> overfull_residents;  // rows in facilities above their places
  std::vector<std::int64_t> reneges;              // [district][mode]
  std::vector<double> spending;                   // [district][payer]
  std::vector<double> government;                 // [district][type]

  Census(std::size_t nf, std::size_t nd)
      : occupied(nf),
        occupied_nursing(nf),
        waiting(nf),
        home_hours_used(nd),
        reneges(nd * kCareModes),
        spending(nd * kPayers),
        government(nd * kGovernmentSpendingTypes) {}
  void clear() {
    for (auto* v : {&occupied, &occupied_nursing, &waiting, &home_hours_used, &reneges})
      std::fill(v->begin(), v->end(), 0);
    std::fill(spending.begin(), spending.end(), 0.0);
    std::fill(government.begin(), government.end(), 0.0);
    requests.clear();
    overfull_residents.clear();
  }
  void merge(const Census& o) {
    for (std::size_t i = 0; i < occupied.size(); ++i) {
      occupied[i] += o.occupied[i];
      occupied_nursing[i] += o.occupied_nursing[i];
      waiting[i] += o.waiting[i];
    }
    for (std::size_t i = 0; i < home_hours_used.size(); ++i)
      home_hours_used[i] += o.home_hours_used[i];
    for (std::size_t i = 0; i < reneges.size(); ++i) reneges[i] += o.reneges[i];
    for (std::size_t i = 0; i < spending.size(); ++i) spending[i] += o.spending[i];
    for (std::size_t i = 0; i < government.size(); ++i) government[i] += o.government[i];
    requests.insert(requests.end(), o.requests.begin(), o.requests.end());
    overfull_residents.insert(overfull_residents.end(), o.overfull_residents.begin(),
                              o.overfull_residents.end());
  }
};

void leave_care(People& p, std::size_t i) {
  p.care_mode[i] = kNoCare;
  p.care_facility[i] = kNoFacility;
  p.care_hours[i] = 0;
  p.care_flags[i] &= static_cast<std::uint8_t>(~kNursingBed);
}

// Puts (or keeps) a person on the list for what they asked for, from the request's own start
// day: today for a new request, the original day for one still waiting, so a person who moved
// to another home of the same service keeps their place in the queue.
void join_waiting_list(People& p, std::size_t i, const CareRequest& r) {
  p.wait_mode[i] = r.mode;
  p.wait_facility[i] = r.facility;
  p.wait_since[i] = r.priority.since;
}

void stop_waiting(People& p, std::size_t i) {
  p.wait_mode[i] = kNoCare;
  p.wait_facility[i] = kNoFacility;
}

std::uint8_t home_hours_needed(const Scenario& s, int level) {
  return static_cast<std::uint8_t>(std::clamp(
      std::lround(s.care.home.hours_per_week_by_level[static_cast<std::size_t>(level)]), 1L, 168L));
}

bool is_targeted(const People& p, std::size_t i) {
  return (p.flags[i] & (kNoFamilySupport | kLowIncomeHousehold)) != 0;
}

// Pools: institution f: 2f other beds, 2f+1 nursing-type beds; community f: 2f places;
// district d: 2F+d home-care hours.
std::size_t pool_other(int f) {
  return static_cast<std::size_t>(2 * f);
}
std::size_t pool_nursing(int f) {
  return static_cast<std::size_t>(2 * f + 1);
}
std::size_t pool_home(std::size_t n_facilities, int district) {
  return 2 * n_facilities + static_cast<std::size_t>(district);
}

void give_back_place(sim::CapacityPools& pools, const People& p, std::size_t i, std::size_t nf) {
  switch (p.care_mode[i]) {
    case kInstitution:
      pools.give_back((p.care_flags[i] & kNursingBed) ? pool_nursing(p.care_facility[i])
                                                      : pool_other(p.care_facility[i]),
                      1);
      break;
    case kCommunityCare:
      pools.give_back(pool_other(p.care_facility[i]), 1);
      break;
    case kHomeCare:
      pools.give_back(pool_home(nf, p.district[i]), p.care_hours[i]);
      break;
    default:
      break;
  }
}

// A request served on `today`: the person leaves their old place (the caller gives it back to
// its pool) and starts the new care; a completed wait for this very place is counted.
void start_care(World& world, std::size_t i, const CareRequest& r, bool nursing, sim::Day today,
                PeriodFlows& flows) {
  People& people = world.people;
  const int d = people.district[i];
  const auto md = static_cast<std::size_t>(d) * kCareModes + r.mode;
  if (!(people.wait_mode[i] == r.mode && people.wait_facility[i] == r.facility)) {
    people.wait_since[i] = today;  // wait_since keeps the day of the request that was served
  } else {
    const sim::Day waited = today - people.wait_since[i];
    flows.wait_days[md] += waited;
    flows.admitted_from_wait[md] += 1;
    if (r.facility != kNoFacility) {
      flows.facility_wait_days[r.facility] += waited;
      flows.facility_admitted_from_wait[r.facility] += 1;
    }
  }
  stop_waiting(people, i);
  leave_care(people, i);
  people.care_mode[i] = r.mode;
  people.care_since[i] = today;
  if (r.mode == kHomeCare) {
    people.care_hours[i] = r.hours;
    const HomeSupportSpec& hs = world.care.programme.home_support;
    if (hs.modification_grant > 0 && !(people.care_flags[i] & kGotModificationGrant) &&
        people.adl[i] >= hs.modification_min_level &&
        in_groups(target_groups(people, i, today), hs.modification_groups)) {
      people.care_flags[i] |= kGotModificationGrant;
      flows.spending[static_cast<std::size_t>(d) * kPayers + kGovernment] += hs.modification_grant;
      flows
          .government[static_cast<std::size_t>(d) * kGovernmentSpendingTypes + kHomeModification] +=
          hs.modification_grant;
    }
  } else {
    people.care_facility[i] = r.facility;
    if (nursing) people.care_flags[i] |= kNursingBed;
    flows.facility_admissions[r.facility] += 1;
  }
  flows.admissions[md] += 1;
}

// Frees the place person i holds in the census counts of the last care step.
void release_place_in_census(CareState& state, const People& people, std::size_t i) {
  const std::uint8_t held = people.care_mode[i];
  if (held == kInstitution || held == kCommunityCare) {
    state.occupied[people.care_facility[i]] -= 1;
    if (people.care_flags[i] & kNursingBed) state.occupied_nursing[people.care_facility[i]] -= 1;
  } else if (held == kHomeCare) {
    state.home_hours_used[people.district[i]] -= people.care_hours[i];
  }
}

}  // namespace

Chooser chooser_of(const People& people, std::size_t i, int level, std::uint8_t groups,
                   bool ltc_enrolled) {
  Chooser c;
  c.district = people.district[i];
  c.level = level;
  c.income = people.income[i];
  c.living_alone = people.living[i] == kAlone;
  c.age_80_plus = groups & kGroupOldestOld;
  c.groups = groups;
  c.ltc_enrolled = ltc_enrolled;
  c.current = static_cast<CareMode>(people.care_mode[i]);
  c.current_facility = people.care_mode[i] == kNoCare || people.care_mode[i] == kHomeCare
                           ? -1
                           : people.care_facility[i];
  return c;
}

CareWish draw_wish(const World& world, std::size_t i, const Chooser& c, std::uint32_t counter,
                   RandomEvent event) {
  const Scenario& s = *world.scenario;
  const People& people = world.people;
  const ChoiceSet set = choice_set(s, world.care, c);
  const auto p = mode_probabilities(set);
  sim::RandomStream rng(world.seed, people.id[i], counter, kind(event));
  CareWish w;
  w.mode = static_cast<CareMode>(rng.categorical(p));
  if (w.mode == kCommunityCare || w.mode == kInstitution) {
    const auto& options = w.mode == kCommunityCare ? set.community : set.institution;
    std::vector<double> weights;
    weights.reserve(options.size());
    for (const auto& o : options) weights.push_back(o.second);
    w.facility = static_cast<std::uint16_t>(options[rng.categorical(weights)].first);
  }
  w.same_as_now = w.mode == people.care_mode[i] && (w.mode == kHomeCare || w.mode == kNoCare ||
                                                    w.facility == people.care_facility[i]);
  // Staying, but the place no longer fits the level: a resident who now needs a nursing-type bed
  // asks for one in the same home; a home-care client asks for the hours the new level needs.
  w.needs_transfer = w.same_as_now && w.mode == kInstitution &&
                     !(people.care_flags[i] & kNursingBed) && c.level >= s.care.nursing_level;
  w.needs_new_hours =
      w.same_as_now && w.mode == kHomeCare && people.care_hours[i] != home_hours_needed(s, c.level);
  return w;
}

void step(World& world, const sim::Step& step, PeriodFlows& flows) {
  const Scenario& s = *world.scenario;
  if (!s.care.enabled) return;
  People& people = world.people;
  CareState& state = world.care;
  const CareSpec& spec = s.care;
  const std::size_t nf = s.care.facilities.size(), nd = s.districts.size();
  const sim::Day today = step.first_day;
  const double month_share = step.days / kDaysPerMonth;

  // Facilities holding more people than places (after a cut or a closure).
  std::vector<char> overfull(nf, 0);
  for (std::size_t f = 0; f < nf; ++f)
    overfull[f] = !state.facilities[f].open || state.occupied[f] > state.facilities[f].places ||
                  state.occupied_nursing[f] > state.facilities[f].nursing_places ||
                  state.occupied[f] - state.occupied_nursing[f] >
                      state.facilities[f].places - state.facilities[f].nursing_places;

  // --- Census and choices (parallel) ---
  Census total(nf, nd);
  std::vector<Census> scratch;
  sim::parallel_accumulate(
      people.size(), scratch, total, [&] { return Census(nf, nd); },
      [&](std::size_t begin, std::size_t end, Census& acc) {
        for (std::size_t i = begin; i < end; ++i) {
          if (!people.alive[i]) continue;
          const int level = people.adl[i];
          const int d = people.district[i];
          const bool changed = people.care_flags[i] & kAdlChanged;
          bool must_choose = people.care_flags[i] & kMustChoose;
          if (changed || must_choose)
            people.care_flags[i] &= static_cast<std::uint8_t>(~(kAdlChanged | kMustChoose));
          if (level < spec.choice_level) {
            if (people.care_mode[i] != kNoCare) leave_care(people, i);
            if (people.wait_mode[i] != kNoCare) stop_waiting(people, i);
            continue;
          }
          const std::uint8_t mode = people.care_mode[i];
          const int f =
              mode == kInstitution || mode == kCommunityCare ? people.care_facility[i] : -1;
          if (f >= 0 && !state.facilities[static_cast<std::size_t>(f)].open) {
            leave_care(people, i);
            must_choose = true;
          }
          // A waiting list of a closed (or emptied) facility is dissolved: choose again.
          if (const std::uint16_t w = people.wait_facility[i];
              people.wait_mode[i] != kNoCare && w != kNoFacility &&
              (!state.facilities[w].open || state.facilities[w].places <= 0)) {
            stop_waiting(people, i);
            must_choose = true;
          }
          // Counts the place held once the choice below is made (the person may leave it).
          const auto count_place = [&] {
            const std::uint8_t held = people.care_mode[i];
            if (held == kInstitution || held == kCommunityCare) {
              const std::size_t at = people.care_facility[i];
              acc.occupied[at] += 1;
              if (people.care_flags[i] & kNursingBed) acc.occupied_nursing[at] += 1;
              if (overfull[at]) acc.overfull_residents.push_back(static_cast<std::uint32_t>(i));
            } else if (held == kHomeCare) {
              acc.home_hours_used[static_cast<std::size_t>(d)] += people.care_hours[i];
            }
          };
          const bool waiting = people.wait_mode[i] != kNoCare;
          // Waiting for a better place where one already is (a nursing-type bed in one's home)
          // is a transfer: nobody gives up on it.
          const bool transfer_wait = waits_in_place(people, i);
          bool reneging = waiting && !transfer_wait &&
                          today - people.wait_since[i] >= spec.renege_days[people.wait_mode[i]];
          // Someone waiting to move to another place of the service they already have gives
          // up the move and stays where they are (their next-best option), without choosing
          // again.
          if (reneging && people.wait_mode[i] == people.care_mode[i]) {
            acc.reneges[static_cast<std::size_t>(d) * kCareModes + people.wait_mode[i]] += 1;
            stop_waiting(people, i);
            reneging = false;
          }
          const bool still_waiting = people.wait_mode[i] != kNoCare;
          const bool due = changed || must_choose || reneging || people.next_review[i] <= today;
          // Nothing to do for a person without care who is neither due to choose nor waiting.
          if (people.care_mode[i] == kNoCare && !due && !still_waiting) continue;
          const std::uint8_t groups = target_groups(people, i, today);
          const bool enrolled =
              ltc_enrolled(world.seed, people.id[i], state.programme.ltc.enrolment_share);
          // The step's cost of the care held now.
          if (people.care_mode[i] != kNoCare) {
            const auto m = static_cast<CareMode>(people.care_mode[i]);
            const double gross =
                m == kHomeCare ? people.care_hours[i] * kWeeksPerMonth * spec.home.hourly_price
                               : state.facilities[people.care_facility[i]]
                                     .monthly_price[static_cast<std::size_t>(level)];
            const MonthlyCost cost =
                monthly_cost(state.programme, spec.home, m, gross, {level, groups, enrolled});
            double* pay = &acc.spending[static_cast<std::size_t>(d) * kPayers];
            double* gov = &acc.government[static_cast<std::size_t>(d) * kGovernmentSpendingTypes];
            pay[kGovernment] += (cost.vouchers + cost.purchased_services) * month_share;
            pay[kLtcInsurance] += cost.ltc * month_share;
            pay[kOutOfPocket] += cost.out_of_pocket * month_share;
            gov[kVouchers] += cost.vouchers * month_share;
            gov[kPurchasedServices] += cost.purchased_services * month_share;
            const HomeSupportSpec& hs = state.programme.home_support;
            if (m == kHomeCare && hs.meal_subsidy_per_week > 0 &&
                in_groups(groups, hs.meal_groups)) {
              const double meals = hs.meal_subsidy_per_week * step.days / 7.0;
              pay[kGovernment] += meals;
              gov[kMeals] += meals;
            }
          }

          CareMode want = static_cast<CareMode>(people.wait_mode[i]);
          std::uint16_t want_facility = people.wait_facility[i];
          sim::Day since = people.wait_since[i];
          if (due) {
            Chooser c = chooser_of(people, i, level, groups, enrolled);
            if (reneging) {
              c.excluded = static_cast<CareMode>(people.wait_mode[i]);
              acc.reneges[static_cast<std::size_t>(d) * kCareModes + people.wait_mode[i]] += 1;
              stop_waiting(people, i);
            }
            const CareWish wish = draw_wish(world, i, c, static_cast<std::uint32_t>(step.index),
                                            RandomEvent::kCareChoice);
            want = wish.mode;
            want_facility = wish.facility;
            // The first review is staggered over the interval so reviews do not come in waves.
            if (people.next_review[i] == std::numeric_limits<sim::Day>::min()) {
              sim::RandomStream stagger(world.seed, people.id[i], 0,
                                        kind(RandomEvent::kReviewStagger));
              people.next_review[i] =
                  today + 1 + static_cast<sim::Day>(stagger.uniform() * spec.review_days);
            } else {
              people.next_review[i] = today + spec.review_days;
            }
            if (want == kNoCare || wish.keeps_current()) {
              if (want == kNoCare && people.care_mode[i] != kNoCare) leave_care(people, i);
              stop_waiting(people, i);
              count_place();
              continue;
            }
            // A new request joins the back of the queue; choosing the same service again (even
            // another home of it) keeps one's place.
            if (people.wait_mode[i] != want) since = today;
          } else if (!still_waiting) {
            count_place();
            continue;
          }
          count_place();
          CareRequest r;
          r.row = static_cast<std::uint32_t>(i);
          r.mode = want;
          r.facility = want_facility;
          r.hours = home_hours_needed(s, level);
          r.needs_nursing = want == kInstitution && level >= spec.nursing_level;
          // Classes: patients waiting in hospital (when that policy is on), targeted groups,
          // everyone else.
          const std::uint32_t klass = state.programme.medical.discharge_priority &&
                                              (people.hospital_flags[i] & kDelayedDischarge)
                                          ? 0u
                                      : spec.priority_to_targeted && is_targeted(people, i) ? 1u
                                                                                            : 2u;
          r.priority = {klass, -level, since,
                        sim::tie_break_hash(people.id[i], static_cast<std::uint64_t>(step.index)),
                        people.id[i]};
          acc.requests.push_back(r);
        }
      });

  // --- Over-full facilities: the most recent residents leave and choose again next step ---
  std::vector<std::int64_t> occupied = total.occupied, occupied_nursing = total.occupied_nursing;
  if (!total.overfull_residents.empty()) {
    auto& rows = total.overfull_residents;
    std::sort(rows.begin(), rows.end(), [&](std::uint32_t a, std::uint32_t b) {
      return std::tie(people.care_since[a], people.id[a]) >
             std::tie(people.care_since[b], people.id[b]);
    });
    for (std::uint32_t row : rows) {
      const std::size_t f = people.care_facility[row];
      const FacilityState& fs = state.facilities[f];
      const bool nursing = people.care_flags[row] & kNursingBed;
      const bool over_nursing = nursing && occupied_nursing[f] > fs.nursing_places;
      const bool over_other =
          !nursing && occupied[f] - occupied_nursing[f] > fs.places - fs.nursing_places;
      if (!over_nursing && !over_other) continue;
      occupied[f] -= 1;
      if (nursing) occupied_nursing[f] -= 1;
      leave_care(people, row);
      people.care_flags[row] |= kMustChoose;
    }
  }

  // --- Allocation (serial, in priority order) ---
  std::vector<double> available(2 * nf + nd, 0.0);
  for (std::size_t f = 0; f < nf; ++f) {
    const FacilityState& fs = state.facilities[f];
    if (!fs.open) continue;
    available[pool_other(static_cast<int>(f))] =
        static_cast<double>((fs.places - fs.nursing_places) - (occupied[f] - occupied_nursing[f]));
    available[pool_nursing(static_cast<int>(f))] =
        static_cast<double>(fs.nursing_places - occupied_nursing[f]);
    if (s.care.facilities[f].type == FacilityType::kCommunity) {
      available[pool_other(static_cast<int>(f))] = static_cast<double>(fs.places - occupied[f]);
      available[pool_nursing(static_cast<int>(f))] = 0;
    }
  }
  for (std::size_t d = 0; d < nd; ++d)
    available[pool_home(nf, static_cast<int>(d))] =
        state.home_hours[d] - static_cast<double>(total.home_hours_used[d]);
  if (spec.unlimited_capacity)
    std::fill(available.begin(), available.end(), sim::CapacityPools::kUnlimited);
  sim::CapacityPools pools(std::move(available));

  auto& requests = total.requests;
  sim::sort_by_priority(requests);
  std::fill(state.waiting.begin(), state.waiting.end(), 0);
  for (const CareRequest& r : requests) {
    const std::size_t i = r.row;
    const int d = people.district[i];
    // A change within the place held: new home-care hours, or a nursing-type bed in the same home.
    if (r.mode == people.care_mode[i] &&
        (r.mode == kHomeCare || r.facility == people.care_facility[i])) {
      if (r.mode == kHomeCare) {
        const std::size_t pool = pool_home(nf, d);
        pools.give_back(pool, people.care_hours[i]);
        if (pools.take(pool, r.hours)) {
          people.care_hours[i] = r.hours;
          stop_waiting(people, i);
        } else {
          pools.take(pool, people.care_hours[i]);  // keeps the hours held (always fits) and waits
          join_waiting_list(people, i, r);
        }
      } else if (pools.take(pool_nursing(r.facility), 1)) {
        pools.give_back(pool_other(r.facility), 1);
        people.care_flags[i] |= kNursingBed;
        occupied_nursing[r.facility] += 1;
        stop_waiting(people, i);
      } else {
        // A transfer wait starts now unless the person already waits for this very bed.
        if (!(people.wait_mode[i] == r.mode && people.wait_facility[i] == r.facility)) {
          people.wait_mode[i] = r.mode;
          people.wait_facility[i] = r.facility;
          people.wait_since[i] = today;
        }
        state.waiting[r.facility] += 1;
      }
      continue;
    }
    bool served = false, nursing = false;
    if (r.mode == kInstitution) {
      if (!r.needs_nursing && pools.take(pool_other(r.facility), 1))
        served = true;
      else if (pools.take(pool_nursing(r.facility), 1))
        served = nursing = true;
    } else if (r.mode == kCommunityCare) {
      served = pools.take(pool_other(r.facility), 1);
    } else if (r.mode == kHomeCare) {
      served = pools.take(pool_home(nf, d), r.hours);
    }
    if (!served) {
      join_waiting_list(people, i, r);
      if (r.facility != kNoFacility) state.waiting[r.facility] += 1;
      continue;
    }
    give_back_place(pools, people, i, nf);  // the place they leave
    if (people.care_mode[i] == kInstitution || people.care_mode[i] == kCommunityCare) {
      occupied[people.care_facility[i]] -= 1;
      if (people.care_flags[i] & kNursingBed) occupied_nursing[people.care_facility[i]] -= 1;
    }
    start_care(world, i, r, nursing, today, flows);
    if (r.mode != kHomeCare) {
      occupied[r.facility] += 1;
      if (nursing) occupied_nursing[r.facility] += 1;
    }
  }

  // --- Providers' subsidies, per bed and per person served ---
  for (std::size_t f = 0; f < nf; ++f) {
    const FacilityState& fs = state.facilities[f];
    if (!fs.open) continue;
    const ProviderSubsidySpec& sub = state.programme.subsidies.of(s.care.facilities[f].type);
    const auto own = static_cast<std::size_t>(s.care.facilities[f].ownership);
    const auto d = static_cast<std::size_t>(s.care.facilities[f].district);
    const double per_bed =
        sub.operating_per_bed_month[own] * static_cast<double>(fs.places) * month_share;
    const double per_person =
        sub.per_person_served_month[own] * static_cast<double>(total.occupied[f]) * month_share;
    total.spending[d * kPayers + kGovernment] += per_bed + per_person;
    total.government[d * kGovernmentSpendingTypes + kOperatingPerBed] += per_bed;
    total.government[d * kGovernmentSpendingTypes + kPerPersonServed] += per_person;
  }

  for (std::size_t k = 0; k < total.spending.size(); ++k) flows.spending[k] += total.spending[k];
  for (std::size_t k = 0; k < total.government.size(); ++k)
    flows.government[k] += total.government[k];
  for (std::size_t k = 0; k < total.reneges.size(); ++k) flows.reneges[k] += total.reneges[k];
  state.occupied = std::move(occupied);
  state.occupied_nursing = std::move(occupied_nursing);
  std::vector<double> home_used(nd);
  for (std::size_t d = 0; d < nd; ++d)
    home_used[d] = state.home_hours[d] - pools.available(pool_home(nf, static_cast<int>(d)));
  if (spec.unlimited_capacity) {
    for (std::size_t d = 0; d < nd; ++d) home_used[d] = 0;
    for (std::size_t i = 0; i < people.size(); ++i)
      if (people.alive[i] && people.care_mode[i] == kHomeCare)
        home_used[people.district[i]] += people.care_hours[i];
  }
  state.home_hours_used = std::move(home_used);
}

void vacate_in_census(World& world, std::size_t i) {
  const People& people = world.people;
  if (people.wait_mode[i] != kNoCare && people.wait_facility[i] != kNoFacility)
    world.care.waiting[people.wait_facility[i]] -= 1;
  release_place_in_census(world.care, people, i);
}

DischargeOutcome settle_on_discharge(World& world, std::size_t i, const CareWish& wish,
                                     sim::Day day, PeriodFlows& flows) {
  const Scenario& s = *world.scenario;
  People& people = world.people;
  CareState& state = world.care;
  const bool unlimited = s.care.unlimited_capacity;
  const int level = people.adl[i];
  const auto d = static_cast<std::size_t>(people.district[i]);
  // Keeps the census's waiting-list counts in step with the person's list.
  const std::uint16_t waited_for =
      people.wait_mode[i] != kNoCare ? people.wait_facility[i] : kNoFacility;
  const auto settle = [&](DischargeOutcome outcome) {
    const std::uint16_t now =
        people.wait_mode[i] != kNoCare ? people.wait_facility[i] : kNoFacility;
    if (now != waited_for) {
      if (waited_for != kNoFacility) state.waiting[waited_for] -= 1;
      if (now != kNoFacility) state.waiting[now] += 1;
    }
    return outcome;
  };
  if (wish.mode == kNoCare) {
    release_place_in_census(state, people, i);
    leave_care(people, i);
    stop_waiting(people, i);
    return settle(DischargeOutcome::kSettled);
  }
  if (wish.keeps_current()) {
    stop_waiting(people, i);
    return settle(DischargeOutcome::kSettled);
  }
  CareRequest r;
  r.row = static_cast<std::uint32_t>(i);
  r.mode = wish.mode;
  r.facility = wish.facility;
  r.hours = home_hours_needed(s, level);
  r.needs_nursing = wish.mode == kInstitution && level >= s.care.nursing_level;
  const bool already_waiting =
      people.wait_mode[i] == r.mode && people.wait_facility[i] == r.facility;
  r.priority.since = already_waiting ? people.wait_since[i] : day;
  const auto free_of = [&](std::size_t f, bool nursing) -> std::int64_t {
    const FacilityState& fs = state.facilities[f];
    if (!fs.open) return 0;
    if (s.care.facilities[f].type == FacilityType::kCommunity) return fs.places - state.occupied[f];
    return nursing
               ? fs.nursing_places - state.occupied_nursing[f]
               : (fs.places - fs.nursing_places) - (state.occupied[f] - state.occupied_nursing[f]);
  };
  // A change within the place held: a nursing-type bed in the same home, or more hours.
  if (wish.needs_transfer || wish.needs_new_hours) {
    if (wish.needs_transfer && (unlimited || free_of(r.facility, true) > 0)) {
      state.occupied_nursing[r.facility] += 1;
      people.care_flags[i] |= kNursingBed;
      stop_waiting(people, i);
      return settle(DischargeOutcome::kSettled);
    }
    if (wish.needs_new_hours &&
        (unlimited ||
         state.home_hours[d] - state.home_hours_used[d] + people.care_hours[i] >= r.hours)) {
      state.home_hours_used[d] += r.hours - people.care_hours[i];
      people.care_hours[i] = r.hours;
      stop_waiting(people, i);
      return settle(DischargeOutcome::kSettled);
    }
    join_waiting_list(people, i, r);
    return settle(DischargeOutcome::kWaitingInPlace);
  }
  bool served = false, nursing = false;
  if (r.mode == kInstitution) {
    if (unlimited)
      served = true, nursing = r.needs_nursing;
    else if (!r.needs_nursing && free_of(r.facility, false) > 0)
      served = true;
    else if (free_of(r.facility, true) > 0)
      served = nursing = true;
  } else if (r.mode == kCommunityCare) {
    served = unlimited || free_of(r.facility, false) > 0;
  } else {
    served = unlimited || state.home_hours[d] - state.home_hours_used[d] >= r.hours;
  }
  if (!served) {
    join_waiting_list(people, i, r);
    return settle(DischargeOutcome::kWaitingForPlace);
  }
  release_place_in_census(state, people, i);
  start_care(world, i, r, nursing, day, flows);
  if (r.mode == kHomeCare) {
    state.home_hours_used[d] += r.hours;
  } else {
    state.occupied[r.facility] += 1;
    if (nursing) state.occupied_nursing[r.facility] += 1;
  }
  return settle(DischargeOutcome::kSettled);
}

}  // namespace care
}  // namespace eldersim
