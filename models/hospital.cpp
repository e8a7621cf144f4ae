#include "models/hospital.hpp"

#include <algorithm>
#include <cmath>
#include <queue>

#include "models/care.hpp"
#include "models/finance.hpp"
#include "models/random_events.hpp"
#include "models/world.hpp"
#include "sim/allocation.hpp"
#include "sim/parallel.hpp"
#include "sim/rng.hpp"

namespace eldersim {

HospitalState initial_hospital_state(const Scenario& s) {
  HospitalState state;
  const double scale = s.population.scale;
  const sim::Day start = s.simulation.calendar.start;
  for (const HospitalSpec& h : s.hospitals.hospitals) {
    HospitalUnitState u;
    u.open = u.admitting = h.opens <= start && h.closes > start;
    u.beds = std::llround(static_cast<double>(h.beds) * scale);
    u.rehabilitation_beds = std::llround(static_cast<double>(h.rehabilitation_beds) * scale);
    state.units.push_back(u);
  }
  const int nd = s.district_count(), nh = s.hospital_count();
  for (int d = 0; d < nd; ++d) {
    std::vector<int> order(static_cast<std::size_t>(nh));
    for (int h = 0; h < nh; ++h) order[static_cast<std::size_t>(h)] = h;
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      return s.travel(d, s.hospitals.hospitals[static_cast<std::size_t>(a)].district) <
             s.travel(d, s.hospitals.hospitals[static_cast<std::size_t>(b)].district);
    });
    state.by_travel.push_back(std::move(order));
  }
  state.occupied.assign(static_cast<std::size_t>(nh), 0);
  return state;
}

namespace hospital {

namespace {
// Moves n beds of hospital h out of acute use into its nursing ward or rehabilitation beds.
void move_beds(World& world, std::size_t h, std::int64_t n, bool to_nursing) {
  HospitalUnitState& unit = world.hospitals.units[h];
  unit.beds -= n;
  if (to_nursing) {
    const auto f =
        static_cast<std::size_t>(world.scenario->hospitals.hospitals[h].nursing_facility);
    world.care.facilities[f].places += n;
    world.care.facilities[f].nursing_places += n;
  } else {
    unit.rehabilitation_beds += n;
  }
}
}  // namespace

void convert_beds(World& world, const PolicyEvent& e, int hospital) {
  const auto h = static_cast<std::size_t>(hospital);
  HospitalUnitState& unit = world.hospitals.units[h];
  const std::int64_t in_use = unit.beds - unit.converting();  // acute beds not yet converting
  const std::int64_t n = std::clamp<std::int64_t>(
      e.relative ? std::llround(static_cast<double>(in_use) * e.factor)
                 : std::llround(e.value * world.scenario->population.scale),
      0, in_use);
  // Elderly patients at the end of the last step hold beds; the rest are free now.
  const std::int64_t free_now =
      std::clamp<std::int64_t>(in_use - world.hospitals.occupied[h], 0, n);
  move_beds(world, h, free_now, e.to_nursing);
  (e.to_nursing ? unit.converting_to_nursing : unit.converting_to_rehabilitation) += n - free_now;
}

namespace {

// What happens on a day of the step, in this order on the same day.
enum class EventType : std::uint8_t {
  kDeath = 0,      // died this step (demography) while in hospital: the bed is free all step
  kRecheck = 1,    // waiting for a care place since an earlier step
  kStayEnds = 2,   // the medical stay ends
  kAdmission = 3,  // a new patient arrives
};

struct Event {
  sim::Day day = 0;
  EventType type = EventType::kAdmission;
  std::uint64_t tie = 0;
  std::uint64_t id = 0;
  std::uint32_t row = 0;
  bool reserved_to_end = false;  // kStayEnds: the bed is held to the step's end until settled
  // kAdmission draws.
  std::uint8_t tier = 1;  // needed, after referral
  bool referred = false;
  std::uint8_t outcome = 0;  // kDiesInHospital | kDeclinesInHospital
  double pick = 0;           // uniform: which hospital of the tier
  double stay_z = 0;         // standard normal: length of stay
  auto key() const { return std::tie(day, type, tie, id); }
  bool operator>(const Event& o) const { return key() > o.key(); }
};

// Acute (or rehabilitation) beds of every hospital for each day of the step.
class DailyBeds {
 public:
  DailyBeds(std::size_t hospitals, int days)
      : days_(days), used_(hospitals * static_cast<std::size_t>(days), 0) {}
  std::int64_t& used(std::size_t h, int day) {
    return used_[h * static_cast<std::size_t>(days_) + static_cast<std::size_t>(day)];
  }
  void add(std::size_t h, int from, int to, std::int64_t n) {
    for (int t = from; t < to; ++t) used(h, t) += n;
  }
  // Whether one more patient fits on every day of [from, to) under capacity(h, t).
  template <class Capacity>
  bool fits(std::size_t h, int from, int to, Capacity&& capacity) {
    for (int t = from; t < to; ++t)
      if (used(h, t) + 1 > capacity(h, t)) return false;
    return true;
  }
  int days() const { return days_; }

 private:
  int days_;
  std::vector<std::int64_t> used_;
};

// Per-block results of the scan, merged in block order.
struct Scan {
  std::vector<Event> events;
  std::vector<std::int64_t> acute_start, rehab_start;  // [hospital][day]: +1 from, -1 to
  int days = 0;
  Scan(std::size_t hospitals, int step_days)
      : acute_start(hospitals * static_cast<std::size_t>(step_days + 1)),
        rehab_start(hospitals * static_cast<std::size_t>(step_days + 1)),
        days(step_days) {}
  void clear() {
    events.clear();
    std::fill(acute_start.begin(), acute_start.end(), 0);
    std::fill(rehab_start.begin(), rehab_start.end(), 0);
  }
  void merge(const Scan& o) {
    events.insert(events.end(), o.events.begin(), o.events.end());
    for (std::size_t k = 0; k < acute_start.size(); ++k) {
      acute_start[k] += o.acute_start[k];
      rehab_start[k] += o.rehab_start[k];
    }
  }
  void hold(std::vector<std::int64_t>& v, std::size_t h, int from, int to) {
    if (from >= to) return;
    v[h * static_cast<std::size_t>(days + 1) + static_cast<std::size_t>(from)] += 1;
    v[h * static_cast<std::size_t>(days + 1) + static_cast<std::size_t>(to)] -= 1;
  }
};

// Home size class by mean beds per home at full scale (seed 004): <100, 100-500, >500.
int size_class(std::int64_t places, std::int64_t homes, double scale) {
  const double beds = static_cast<double>(places) / scale / static_cast<double>(homes);
  return beds < 100 ? 0 : beds <= 500 ? 1 : 2;
}

// A fixed uniform per person and programme (a hash, cheaper than a stream): covered while it is
// below the coverage share, so raising the share adds people and removes nobody.
bool covered(std::uint64_t seed, std::uint64_t id, RandomEvent event, double share) {
  if (share <= 0) return false;
  const std::uint64_t bits = sim::tie_break_hash(id ^ (seed * 0xD1B54A32D192ED03ull), kind(event));
  return static_cast<double>(bits >> 11) * 0x1.0p-53 < share;
}

void clear_stay(People& p, std::size_t i) {
  p.hospital[i] = kNoHospital;
  p.hospital_flags[i] = 0;
}

}  // namespace

void step(World& world, const sim::Step& step, PeriodFlows& flows) {
  const Scenario& s = *world.scenario;
  const HospitalSystemSpec& spec = s.hospitals;
  if (!spec.enabled || spec.hospitals.empty()) return;
  People& people = world.people;
  HospitalState& state = world.hospitals;
  const MedicalCareSpec& medical = world.care.programme.medical;
  const std::size_t nh = spec.hospitals.size();
  const int nd = s.district_count();
  const int days = step.days;
  const sim::Day first = step.first_day, end = step.end_day();
  const double scale = s.population.scale;
  const bool can_delay =
      std::any_of(spec.delay_for.begin(), spec.delay_for.end(), [](bool b) { return b; });
  const auto may_be_delayed = [&](int level, std::uint8_t outcome) {
    if (!can_delay || (outcome & kDiesInHospital)) return false;
    const int after = level + ((outcome & kDeclinesInHospital) ? 1 : 0);
    return after >= spec.assessment_level;
  };

  // Acute beds the elderly may use on each day: beds less the background (under-60) use.
  std::vector<std::int64_t> background(nh * static_cast<std::size_t>(days), 0);
  for (std::size_t h = 0; h < nh; ++h)
    for (int t = 0; t < days; ++t) {
      const auto month = sim::to_ymd(first + t).month - 1;
      background[h * static_cast<std::size_t>(days) + static_cast<std::size_t>(t)] =
          state.units[h].admitting ? std::llround(spec.hospitals[h].background_occupancy[month] *
                                                  static_cast<double>(state.units[h].beds))
                                   : 0;
    }
  const auto acute_capacity = [&](std::size_t h, int t) -> std::int64_t {
    if (!state.units[h].admitting) return 0;
    return state.units[h].beds - state.units[h].converting() -
           background[h * static_cast<std::size_t>(days) + static_cast<std::size_t>(t)];
  };
  const auto rehab_capacity = [&](std::size_t h, int) -> std::int64_t {
    return state.units[h].open ? state.units[h].rehabilitation_beds : 0;
  };
  const double season = spec.admission_seasonality[sim::to_ymd(first).month - 1];
  const sim::Day mid_day = step.mid_day();
  // The step's admission probability by age band and ADL level, before the medical-care levers.
  const int n_bands = s.bands.count();
  std::vector<double> base_rate(static_cast<std::size_t>(n_bands * kAdlLevels)),
      base_probability(base_rate.size());
  for (int b = 0; b < n_bands; ++b)
    for (int l = 0; l < kAdlLevels; ++l) {
      const auto k = static_cast<std::size_t>(b * kAdlLevels + l);
      base_rate[k] = spec.admission_rate_by_band[static_cast<std::size_t>(b)] *
                     spec.admission_ratio_by_adl[static_cast<std::size_t>(l)] * season;
      base_probability[k] = sim::rate_to_probability(base_rate[k], days);
    }

  // --- Scan (parallel) ---
  Scan scan(nh, days);
  std::vector<Scan> scratch;
  sim::parallel_accumulate(
      people.size(), scratch, scan, [&] { return Scan(nh, days); },
      [&](std::size_t begin, std::size_t stop, Scan& acc) {
        for (std::size_t i = begin; i < stop; ++i) {
          const std::uint16_t h = people.hospital[i];
          if (h != kNoHospital) {
            Event e;
            e.row = static_cast<std::uint32_t>(i);
            e.id = people.id[i];
            e.tie = sim::tie_break_hash(e.id, static_cast<std::uint64_t>(step.index));
            const std::uint8_t f = people.hospital_flags[i];
            if (!people.alive[i]) {
              e.day = first, e.type = EventType::kDeath;
            } else if (f & kDelayedDischarge) {
              e.day = first, e.type = EventType::kRecheck;
              acc.hold((f & kInRehabilitationBed) ? acc.rehab_start : acc.acute_start, h, 0, days);
            } else if (people.hospital_until[i] < end) {
              e.day = people.hospital_until[i], e.type = EventType::kStayEnds;
              e.reserved_to_end = may_be_delayed(people.adl[i], f);
              acc.hold(acc.acute_start, h, 0, e.reserved_to_end ? days : e.day - first);
            } else {
              acc.hold(acc.acute_start, h, 0, days);
              continue;
            }
            acc.events.push_back(e);
            continue;
          }
          if (!people.alive[i]) continue;
          // Admission.
          const int level = people.adl[i];
          const std::int32_t age_days = mid_day - people.birth_day[i];
          const int band = s.bands.band_of_age_days(age_days);
          const auto cell = static_cast<std::size_t>(band * kAdlLevels + level);
          double ratio = 1, referral_ratio = 1;
          if (people.care_mode[i] == kInstitution) {
            const std::size_t f = people.care_facility[i];
            const int cls =
                size_class(world.care.facilities[f].places, s.care.facilities[f].homes, scale);
            ratio = medical.resident_admission_ratio[static_cast<std::size_t>(cls)];
            referral_ratio = medical.resident_referral_ratio[static_cast<std::size_t>(cls)];
          } else {
            if (level >= medical.home_sickbeds.min_level &&
                covered(world.seed, people.id[i], RandomEvent::kHomeSickbed,
                        medical.home_sickbeds.coverage))
              ratio *= medical.home_sickbeds.admission_ratio;
            if (level >= medical.family_doctor.min_level &&
                covered(world.seed, people.id[i], RandomEvent::kFamilyDoctor,
                        medical.family_doctor.coverage))
              ratio *= medical.family_doctor.admission_ratio;
          }
          const double probability = ratio == 1
                                         ? base_probability[cell]
                                         : sim::rate_to_probability(base_rate[cell] * ratio, days);
          if (probability <= 0) continue;
          sim::RandomStream rng(world.seed, people.id[i], static_cast<std::uint32_t>(step.index),
                                kind(RandomEvent::kHospitalAdmission));
          if (rng.uniform() >= probability) continue;
          Event e;
          e.type = EventType::kAdmission;
          e.row = static_cast<std::uint32_t>(i);
          e.id = people.id[i];
          e.tie = sim::tie_break_hash(e.id, static_cast<std::uint64_t>(step.index));
          e.day = first + std::min(days - 1, static_cast<int>(rng.uniform() * days));
          const auto& shares = spec.tier_share_by_adl[static_cast<std::size_t>(level)];
          int tier = 1 + static_cast<int>(rng.categorical(shares));
          if (tier < kHospitalTiers &&
              rng.bernoulli(spec.referral_up[static_cast<std::size_t>(tier - 1)] *
                            referral_ratio)) {
            ++tier;
            e.referred = true;
          }
          e.tier = static_cast<std::uint8_t>(tier);
          e.pick = rng.uniform();
          e.stay_z = rng.normal();
          if (rng.bernoulli(spec.death_probability[static_cast<std::size_t>(level)]))
            e.outcome |= kDiesInHospital;
          if (rng.bernoulli(spec.adl_decline[static_cast<std::size_t>(level)]))
            e.outcome |= kDeclinesInHospital;
          acc.events.push_back(e);
        }
      });

  // Daily beds held by the patients already in (prefix sums of the scan's starts and ends).
  DailyBeds acute(nh, days), rehab(nh, days);
  for (std::size_t h = 0; h < nh; ++h) {
    std::int64_t a = 0, r = 0;
    for (int t = 0; t < days; ++t) {
      a += scan.acute_start[h * static_cast<std::size_t>(days + 1) + static_cast<std::size_t>(t)];
      r += scan.rehab_start[h * static_cast<std::size_t>(days + 1) + static_cast<std::size_t>(t)];
      acute.used(h, t) = a;
      rehab.used(h, t) = r;
    }
  }

  // First choices by district and tier, fixed for the step: the admitting hospitals of the tier
  // in the nearest district that has one (its own if it has one), weighted by beds.
  struct Choices {
    std::vector<int> hospitals;
    double beds = 0;
  };
  std::vector<Choices> choices(static_cast<std::size_t>(nd * kHospitalTiers));
  const auto admits = [&](std::size_t h, int tier) {
    return spec.hospitals[h].tier == tier && state.units[h].admitting && state.units[h].beds > 0;
  };
  for (int d = 0; d < nd; ++d)
    for (int tier = 1; tier <= kHospitalTiers; ++tier) {
      Choices& c = choices[static_cast<std::size_t>(d * kHospitalTiers + tier - 1)];
      for (int home : state.by_travel[static_cast<std::size_t>(d)]) {
        if (!admits(static_cast<std::size_t>(home), tier)) continue;
        const int hd = spec.hospitals[static_cast<std::size_t>(home)].district;
        for (std::size_t h = 0; h < nh; ++h)
          if (spec.hospitals[h].district == hd && admits(h, tier)) {
            c.hospitals.push_back(static_cast<int>(h));
            c.beds += static_cast<double>(state.units[h].beds);
          }
        break;
      }
    }
  const auto first_choice = [&](int district, int tier, double pick) -> int {
    const Choices& c = choices[static_cast<std::size_t>(district * kHospitalTiers + tier - 1)];
    if (c.hospitals.empty()) return -1;
    double target = pick * c.beds;
    for (int h : c.hospitals) {
      target -= static_cast<double>(state.units[static_cast<std::size_t>(h)].beds);
      if (target < 0) return h;
    }
    return c.hospitals.back();
  };
  const auto stay_days = [&](int h, int level, double z) {
    const double mean = spec.mean_stay_days[static_cast<std::size_t>(
                            spec.hospitals[static_cast<std::size_t>(h)].tier - 1)] *
                        spec.stay_ratio_by_adl[static_cast<std::size_t>(level)];
    const double sd = spec.stay_log_sd;
    return std::max<sim::Day>(
        1, static_cast<sim::Day>(std::llround(std::exp(std::log(mean) - sd * sd / 2 + sd * z))));
  };

  const auto offset = [&](sim::Day day) { return static_cast<int>(day - first); };
  const auto finish_stay = [&](std::size_t i, sim::Day day) {
    const std::size_t h = people.hospital[i];
    flows.hospital_discharges[h] += 1;
    flows.hospital_stay_days[h] += day - people.hospital_admitted[i];
    clear_stay(people, i);
  };
  const auto record_death = [&](std::size_t i, sim::Day day) {
    const std::size_t h = people.hospital[i];
    const int d = people.district[i];
    flows.hospital_deaths[h] += 1;
    flows.hospital_deaths_by_district[static_cast<std::size_t>(d)] += 1;
    finish_stay(i, day);
  };
  // A patient waiting for a care place stays: in a rehabilitation bed of the hospital if one is
  // free from `from` to the step's end, else in the acute bed (held already).
  const auto stay_delayed = [&](std::size_t i, int from) {
    const std::size_t h = people.hospital[i];
    people.hospital_flags[i] |= kDelayedDischarge;
    if (!(people.hospital_flags[i] & kInRehabilitationBed) &&
        rehab.fits(h, from, days, rehab_capacity)) {
      acute.add(h, from, days, -1);
      rehab.add(h, from, days, 1);
      people.hospital_flags[i] |= kInRehabilitationBed;
    }
    if (!(people.hospital_flags[i] & kInRehabilitationBed))
      flows.hospital_delayed_days[h] += days - from;
  };

  // --- Events in day order (serial) ---
  std::priority_queue<Event, std::vector<Event>, std::greater<>> queue(std::greater<>{},
                                                                       std::move(scan.events));
  while (!queue.empty()) {
    const Event e = queue.top();
    queue.pop();
    const std::size_t i = e.row;
    switch (e.type) {
      case EventType::kDeath:
        record_death(i, first);
        break;
      case EventType::kRecheck: {
        const std::size_t h = people.hospital[i];
        const bool in_rehab = people.hospital_flags[i] & kInRehabilitationBed;
        const bool waiting_for_place = people.wait_mode[i] != kNoCare &&
                                       spec.delay_for[people.wait_mode[i]] &&
                                       !care::waits_in_place(people, i);
        if (waiting_for_place) {
          stay_delayed(i, 0);
        } else {
          (in_rehab ? rehab : acute).add(h, 0, days, -1);
          finish_stay(i, first);
        }
        break;
      }
      case EventType::kStayEnds: {
        const std::size_t h = people.hospital[i];
        const int t = offset(e.day);
        const auto release = [&] {
          if (e.reserved_to_end) acute.add(h, t, days, -1);
        };
        if (people.hospital_flags[i] & kDiesInHospital) {
          release();
          care::vacate_in_census(world, i);
          people.alive[i] = 0;
          const int d = people.district[i];
          const std::int32_t age_days = mid_day - people.birth_day[i];
          flows.deaths[flows.cell(d, people.sex[i], s.bands.band_of_age_days(age_days))] += 1;
          record_death(i, e.day);
          break;
        }
        if ((people.hospital_flags[i] & kDeclinesInHospital) && people.adl[i] + 1 < kAdlLevels) {
          const int from = people.adl[i];
          people.adl[i] = static_cast<std::uint8_t>(from + 1);
          people.care_flags[i] |= kAdlChanged;
          flows.adl_transitions[(static_cast<std::size_t>(people.district[i]) * kAdlLevels +
                                 static_cast<std::size_t>(from)) *
                                    kAdlLevels +
                                static_cast<std::size_t>(from + 1)] += 1;
        }
        people.hospital_flags[i] &=
            static_cast<std::uint8_t>(~(kDiesInHospital | kDeclinesInHospital));
        bool delayed = false;
        if (people.adl[i] >= spec.assessment_level && people.adl[i] >= s.care.choice_level &&
            s.care.enabled) {
          const std::uint8_t groups = target_groups(people, i, e.day);
          const bool enrolled =
              ltc_enrolled(world.seed, people.id[i], world.care.programme.ltc.enrolment_share);
          const Chooser c = care::chooser_of(people, i, people.adl[i], groups, enrolled);
          const CareWish wish = care::draw_wish(world, i, c, static_cast<std::uint32_t>(step.index),
                                                RandomEvent::kDischargeChoice);
          const DischargeOutcome outcome = care::settle_on_discharge(world, i, wish, e.day, flows);
          // The choice is made: a decline in hospital needs no second one at the next care step.
          people.care_flags[i] &= static_cast<std::uint8_t>(~kAdlChanged);
          delayed = outcome == DischargeOutcome::kWaitingForPlace && spec.delay_for[wish.mode];
        }
        if (delayed && e.reserved_to_end) {
          stay_delayed(i, t);
        } else {
          release();
          finish_stay(i, e.day);
        }
        break;
      }
      case EventType::kAdmission: {
        const int d = people.district[i];
        const int level = people.adl[i];
        const int t = offset(e.day);
        const bool hold_to_end = may_be_delayed(level, e.outcome);
        const auto window_end = [&](int h) {
          return hold_to_end ? days : std::min(days, t + stay_days(h, level, e.stay_z));
        };
        const auto fits = [&](int h) {
          return state.units[static_cast<std::size_t>(h)].admitting &&
                 acute.fits(static_cast<std::size_t>(h), t, window_end(h), acute_capacity);
        };
        const int preferred = first_choice(d, e.tier, e.pick);
        int chosen = preferred >= 0 && fits(preferred) ? preferred : -1;
        if (chosen < 0)
          for (int h : state.by_travel[static_cast<std::size_t>(d)])
            if (h != preferred && spec.hospitals[static_cast<std::size_t>(h)].tier >= e.tier &&
                fits(h)) {
              chosen = h;
              break;
            }
        if (chosen < 0) {
          if (preferred >= 0) flows.hospital_turned_away[static_cast<std::size_t>(preferred)] += 1;
          flows.turned_away[static_cast<std::size_t>(d)] += 1;
          break;
        }
        if (chosen != preferred && preferred >= 0)
          flows.hospital_diverted[static_cast<std::size_t>(preferred)] += 1;
        const auto h = static_cast<std::size_t>(chosen);
        const sim::Day length = stay_days(chosen, level, e.stay_z);
        acute.add(h, t, window_end(chosen), 1);
        people.hospital[i] = static_cast<std::uint16_t>(chosen);
        people.hospital_flags[i] = e.outcome;
        people.hospital_admitted[i] = e.day;
        people.hospital_until[i] = e.day + length;
        flows.hospital_admissions[h] += 1;
        if (e.referred) {
          flows.hospital_referred_in[h] += 1;
          flows.referrals[static_cast<std::size_t>(d)] += 1;
        }
        const std::int32_t age_days = mid_day - people.birth_day[i];
        flows.hospital_admissions_by_cell[flows.cell(d, people.sex[i],
                                                     s.bands.band_of_age_days(age_days))] += 1;
        flows.admissions_by_origin[static_cast<std::size_t>(d * nd + spec.hospitals[h].district)] +=
            1;
        if (e.day + length < end) {
          Event ends = e;
          ends.type = EventType::kStayEnds;
          ends.day = e.day + length;
          ends.reserved_to_end = hold_to_end;
          queue.push(ends);
        }
        break;
      }
    }
  }

  // --- Bed-days and occupancy from the daily counts ---
  std::fill(state.occupied.begin(), state.occupied.end(), 0);
  for (std::size_t h = 0; h < nh; ++h) {
    // A closed hospital admits nobody and offers no beds; patients still in it count.
    const std::int64_t beds = state.units[h].open ? state.units[h].beds : 0;
    flows.hospital_capacity_bed_days[h] += beds * days;
    for (int t = 0; t < days; ++t) {
      const std::int64_t elderly = acute.used(h, t);
      const std::int64_t others = std::clamp<std::int64_t>(
          beds - elderly, 0,
          background[h * static_cast<std::size_t>(days) + static_cast<std::size_t>(t)]);
      flows.hospital_bed_days[h] += elderly;
      flows.hospital_background_bed_days[h] += others;
      flows.hospital_rehabilitation_bed_days[h] += rehab.used(h, t);
      flows.hospital_peak_occupied[h] = std::max(flows.hospital_peak_occupied[h], elderly + others);
    }
    state.occupied[h] = acute.used(h, days - 1);
    // Beds being converted leave acute use as they free up; a closing hospital closes once
    // its last patient has left.
    HospitalUnitState& unit = state.units[h];
    if (unit.converting() > 0) {
      std::int64_t free = std::max<std::int64_t>(0, unit.beds - state.occupied[h]);
      for (const bool to_nursing : {true, false}) {
        std::int64_t& pending =
            to_nursing ? unit.converting_to_nursing : unit.converting_to_rehabilitation;
        const std::int64_t k = std::min(pending, free);
        move_beds(world, h, k, to_nursing);
        pending -= k;
        free -= k;
      }
    }
    if (unit.open && !unit.admitting && state.occupied[h] == 0 && rehab.used(h, days - 1) == 0)
      unit.open = false;
  }
}

}  // namespace hospital
}  // namespace eldersim
