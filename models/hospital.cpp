#include "models/hospital.hpp"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <queue>
#include <stdexcept>
#include <tuple>

#include "models/random_events.hpp"
#include "sim/allocation.hpp"
#include "sim/rng.hpp"
#include "sim/soa.hpp"

namespace eldersim::hospital {

// ---- state --------------------------------------------------------------------------------------

State::State(const Scenario& s) {
  const double scale = s.population.scale;
  const sim::Day start = s.simulation.calendar.start;
  const auto start_month = static_cast<std::size_t>(sim::to_ymd(start).month - 1);
  for (const HospitalSpec& h : s.hospitals.hospitals) {
    Unit u;
    u.open = u.admitting = h.opens <= start && h.closes > start;
    u.beds = std::llround(static_cast<double>(h.beds) * scale);
    u.rehabilitation_beds = std::llround(static_cast<double>(h.rehabilitation_beds) * scale);
    units.push_back(u);
    // The run starts with the background in its steady state (no elderly patients yet); a
    // hospital that opens later starts empty and fills.
    background.push_back(u.open ? h.background_occupancy[start_month] * static_cast<double>(u.beds)
                                : 0.0);
  }
  const int nd = s.district_count(), nh = s.hospital_count();
  for (int d = 0; d < nd; ++d) {
    std::vector<int> order(static_cast<std::size_t>(nh));
    for (int h = 0; h < nh; ++h) order[static_cast<std::size_t>(h)] = h;
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      return s.travel(d, s.hospitals.hospitals[static_cast<std::size_t>(a)].district) <
             s.travel(d, s.hospitals.hospitals[static_cast<std::size_t>(b)].district);
    });
    by_travel.push_back(std::move(order));
  }
  occupied.assign(static_cast<std::size_t>(nh), 0);
}

std::uint32_t State::add(const Stay& stay) {
  std::uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(stays_.size());
    stays_.emplace_back();
  }
  stays_[slot] = stay;
  stays_[slot].used = true;
  return slot;
}

void State::remove(std::uint32_t slot) {
  if (!stays_.at(slot).used) throw std::logic_error("hospital: ending an unused stay");
  stays_[slot].used = false;
  free_.push_back(slot);
}

void State::remap_rows(const sim::RowMap& map) {
  for (Stay& s : stays_)
    if (s.used) {
      s.row = map(s.row);
      if (s.row == sim::RowMap::kRemoved)
        throw std::logic_error("hospital: a removed row is still in hospital");
    }
}

void HospitalFlows::clear() {
  for_each([](auto& v) { std::fill(v.begin(), v.end(), 0); });
}

// ---- the step's helpers -------------------------------------------------------------------------

// What happens on a day of the step, in this order on the same day.
enum class EventType : std::uint8_t {
  kWaitCap = 0,    // waited discharge.max_wait_days in an acute bed: goes home (bed already freed)
  kRecheck = 1,    // waiting for a care place since an earlier step
  kStayEnds = 2,   // the medical stay ends
  kAdmission = 3,  // a new patient arrives
};

// Everything the serial pass needs of the person is read beforehand, in parallel, so that the
// pass does not wait on the population's memory.
struct Hospitals::Event {
  sim::Day day = 0;
  EventType type = EventType::kAdmission;
  std::uint64_t tie = 0;
  std::uint64_t id = 0;
  std::uint32_t row = 0;
  std::uint32_t slot = kNoSlot;  // kRecheck, kStayEnds: the stay
  // kStayEnds: the stay's hospital and first day (outcome holds its flags).
  std::uint16_t hospital = 0;
  sim::Day admitted = 0;
  bool reserved_to_end = false;  // kStayEnds: the bed is held to the step's end until settled
  // kAdmission draws.
  std::uint8_t tier = 1;  // needed, after referral
  bool referred = false;
  std::uint8_t outcome = 0;  // kDiesInHospital | kDeclinesInHospital
  double pick = 0;           // uniform: which hospital of the tier
  double stay_z = 0;         // standard normal: length of stay
  // kAdmission: the first choice (pick among the tier's hospitals; -1: none in the district)
  // and the stay's length there, drawn with the admission (the choice reads only the beds the
  // hospitals have, which change by policy, between steps).
  std::int16_t preferred = -1;
  sim::Day preferred_length = 0;
  // The person.
  std::uint16_t district = 0;
  std::uint8_t sex = 0;
  std::uint8_t band = 0;
  std::uint8_t level = 0;      // ADL level now (before a decline at the stay's end)
  bool still_waiting = false;  // kRecheck: waits for a new place of a delay_for mode
  bool assessed = false;       // kStayEnds: chooses care on leaving
  bool wish_ready = false;     // ... and that choice is in `wish`
  care::Wish wish;
  auto key() const { return std::tie(day, type, tie, id); }
  bool operator<(const Event& o) const { return key() < o.key(); }
  bool operator>(const Event& o) const { return key() > o.key(); }
};

// Acute (or rehabilitation) beds of every hospital for each day of the step.
class Hospitals::DailyBeds {
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

 private:
  int days_;
  std::vector<std::int64_t> used_;
};

struct Hospitals::StepBeds {
  DailyBeds acute, rehab;
  std::vector<std::int64_t> background;  // [hospital][day]: beds held by patients under 60
  int days;
  std::int64_t& background_on(std::size_t h, int day) {
    return background[h * static_cast<std::size_t>(days) + static_cast<std::size_t>(day)];
  }
};

namespace {
// The ADL level on leaving hospital: one worse if the stay's outcome is a decline (and a worse
// level exists).
int level_after_stay(int level, std::uint8_t flags) {
  return level + ((flags & kDeclinesInHospital) && level + 1 < kAdlLevels ? 1 : 0);
}

// Home size class by mean beds per home at full scale (seed 004): <100, 100-500, >500.
int size_class(std::int64_t places, std::int64_t homes, double scale) {
  const double beds = static_cast<double>(places) / scale / static_cast<double>(homes);
  return beds < 100 ? 0 : beds <= 500 ? 1 : 2;
}

// Covered by a programme of this coverage: the person's fixed uniform is below it, so raising
// the coverage adds people and removes nobody.
bool covered(std::uint64_t seed, std::uint64_t id, RandomEvent event, double coverage) {
  return coverage > 0 && sim::fixed_uniform(seed, id, kind(event)) < coverage;
}
}  // namespace

Hospitals::Hospitals(const Scenario& s) : scenario_(s), spec_(s.hospitals), state_(s) {
  const auto nh = static_cast<std::size_t>(s.hospital_count());
  const auto nd = static_cast<std::size_t>(s.district_count());
  for (auto* v :
       {&flows_.admissions, &flows_.referred_in, &flows_.diverted, &flows_.turned_away,
        &flows_.deaths, &flows_.discharges, &flows_.stay_days, &flows_.bed_days,
        &flows_.background_bed_days, &flows_.capacity_bed_days, &flows_.delayed_days,
        &flows_.rehabilitation_bed_days, &flows_.wait_cap_discharges, &flows_.peak_occupied})
    v->assign(nh, 0);
  flows_.admissions_by_cell.assign(nd * kSexes * static_cast<std::size_t>(s.bands.count()), 0);
  for (auto* v : {&flows_.referrals, &flows_.turned_away_by_district, &flows_.deaths_by_district,
                  &flows_.wait_cap_by_district})
    v->assign(nd, 0);
  flows_.admissions_by_origin.assign(nd * nd, 0);
  flows_.background_admissions.assign(nh, 0);
  flows_.background_turned_away.assign(nh, 0);
  for (const HospitalSpec& h : spec_.hospitals)
    background_beds_.push_back(
        static_cast<double>(std::llround(static_cast<double>(h.beds) * s.population.scale)));
  for (std::size_t k = 0; k < kHospitalTiers; ++k)
    price_by_tier_[k] = to_fen(spec_.cost.per_bed_day_by_tier[k]);
  rehabilitation_price_ = to_fen(spec_.cost.rehabilitation_per_bed_day);
}

bool Hospitals::may_be_delayed(int level, std::uint8_t outcome) const {
  const bool can_delay =
      std::any_of(spec_.delay_for.begin(), spec_.delay_for.end(), [](bool b) { return b; });
  if (!can_delay || (outcome & kDiesInHospital)) return false;
  const int after = level + ((outcome & kDeclinesInHospital) ? 1 : 0);
  return after >= spec_.assessment_level;
}

void Hospitals::prepare_step(const sim::Step& step, const ProgrammeSpec& programme) {
  if (!enabled()) return;
  days_ = step.days;
  const double season = spec_.admission_seasonality[sim::to_ymd(step.first_day).month - 1];
  const int n_bands = scenario_.bands.count();
  base_rate_.resize(static_cast<std::size_t>(n_bands) * kAdlLevels);
  base_threshold_.resize(base_rate_.size());
  bound_.resize(base_rate_.size());
  // The largest factor the medical-care levers can give anyone: the bound of the sweep's test.
  const MedicalCareSpec& m = programme.medical;
  const auto lever = [](const MedicalCareSpec::HomeService& h) {
    return h.coverage > 0 ? std::max(1.0, h.admission_ratio) : 1.0;
  };
  max_ratio_ =
      std::max({1.0, m.resident_admission_ratio[0], m.resident_admission_ratio[1],
                m.resident_admission_ratio[2], lever(m.home_sickbeds) * lever(m.family_doctor)});
  for (int b = 0; b < n_bands; ++b)
    for (int l = 0; l < kAdlLevels; ++l) {
      const auto k = static_cast<std::size_t>(b) * kAdlLevels + static_cast<std::size_t>(l);
      base_rate_[k] = spec_.admission_rate_by_band[static_cast<std::size_t>(b)] *
                      spec_.admission_ratio_by_adl[static_cast<std::size_t>(l)] * season;
      base_threshold_[k] = sim::threshold(sim::rate_to_probability(base_rate_[k], days_));
      bound_[k] = max_ratio_ == 1
                      ? base_threshold_[k]
                      : sim::threshold(sim::rate_to_probability(base_rate_[k] * max_ratio_, days_));
    }
  // First choices by district and tier, fixed for the step: the admitting hospitals of the tier
  // in the nearest district that has one (its own if it has one), weighted by beds.
  const auto nh = spec_.hospitals.size();
  const int nd = scenario_.district_count();
  choices_.assign(static_cast<std::size_t>(nd) * kHospitalTiers, {});
  const auto admits = [&](std::size_t h, int tier) {
    return spec_.hospitals[h].tier == tier && state_.units[h].admitting && state_.units[h].beds > 0;
  };
  for (int d = 0; d < nd; ++d)
    for (int tier = 1; tier <= kHospitalTiers; ++tier) {
      Choices& c = choices_[static_cast<std::size_t>(d * kHospitalTiers + tier - 1)];
      for (int home : state_.by_travel[static_cast<std::size_t>(d)]) {
        if (!admits(static_cast<std::size_t>(home), tier)) continue;
        const int hd = spec_.hospitals[static_cast<std::size_t>(home)].district;
        for (std::size_t h = 0; h < nh; ++h)
          if (spec_.hospitals[h].district == hd && admits(h, tier)) {
            c.hospitals.push_back(static_cast<int>(h));
            c.beds += static_cast<double>(state_.units[h].beds);
          }
        break;
      }
    }
}

bool Hospitals::admitted(const People& p, std::size_t i, int band, int level, std::uint32_t lane,
                         const care::Ledger& ledger, const ProgrammeSpec& programme,
                         std::uint64_t seed) const {
  const MedicalCareSpec& medical = programme.medical;
  double ratio = 1;
  if (p.care_mode[i] == kInstitution) {
    const std::size_t f = p.care_facility[i];
    const int cls = size_class(ledger.place(f).places, scenario_.care.facilities[f].homes,
                               scenario_.population.scale);
    ratio = medical.resident_admission_ratio[static_cast<std::size_t>(cls)];
  } else {
    if (level >= medical.home_sickbeds.min_level &&
        covered(seed, p.id[i], RandomEvent::kHomeSickbed, medical.home_sickbeds.coverage))
      ratio *= medical.home_sickbeds.admission_ratio;
    if (level >= medical.family_doctor.min_level &&
        covered(seed, p.id[i], RandomEvent::kFamilyDoctor, medical.family_doctor.coverage))
      ratio *= medical.family_doctor.admission_ratio;
  }
  const auto k = static_cast<std::size_t>(band) * kAdlLevels + static_cast<std::size_t>(level);
  const std::uint32_t t =
      ratio == 1 ? base_threshold_[k]
                 : sim::threshold(sim::rate_to_probability(base_rate_[k] * ratio, days_));
  return lane < t;
}

int Hospitals::first_choice(int district, int tier, double pick) const {
  const Choices& c = choices_[static_cast<std::size_t>(district * kHospitalTiers + tier - 1)];
  if (c.hospitals.empty()) return -1;
  double target = pick * c.beds;
  for (int h : c.hospitals) {
    target -= static_cast<double>(state_.units[static_cast<std::size_t>(h)].beds);
    if (target < 0) return h;
  }
  return c.hospitals.back();
}

sim::Day Hospitals::stay_days(int h, int level, double z) const {
  const double mean = spec_.mean_stay_days[static_cast<std::size_t>(
                          spec_.hospitals[static_cast<std::size_t>(h)].tier - 1)] *
                      spec_.stay_ratio_by_adl[static_cast<std::size_t>(level)];
  const double sd = spec_.stay_log_sd;
  return std::max<sim::Day>(
      1, static_cast<sim::Day>(std::llround(std::exp(std::log(mean) - sd * sd / 2 + sd * z))));
}

// ---- the step -----------------------------------------------------------------------------------

void Hospitals::step(const sim::Step& step,
                     const std::vector<std::pair<std::uint32_t, std::uint32_t>>& candidates,
                     HospitalContext& ctx) {
  if (!enabled()) return;
  using Kind = sim::SectionTimes::Kind;
  std::vector<Event> events;
  ctx.times.run("hospital: admission draws", Kind::kParallel, [&] {
    events =
        draw_admissions(step, candidates, ctx.people, ctx.seed, ctx.care.ledger(), ctx.programme);
  });
  std::optional<StepBeds> beds;
  ctx.times.run("hospital: beds held, discharge choices", Kind::kParallel, [&] {
    beds.emplace(hold_beds(step, ctx.people, ctx.care, events));
    choose_on_discharge(step, events, ctx);
  });
  ctx.times.run("hospital: background", Kind::kSerial, [&] { admit_background(step, *beds); });
  ctx.times.run("hospital: event order", Kind::kParallel,
                [&] { tbb::parallel_sort(events.begin(), events.end()); });
  ctx.times.run("hospital: events", Kind::kSerial, [&] { run_events(step, events, *beds, ctx); });
  ctx.times.run("hospital: bed-days", Kind::kSerial,
                [&] { count_bed_days(step, *beds, ctx.care.ledger(), ctx.care_context.spending); });
}

std::vector<Hospitals::Event> Hospitals::draw_admissions(
    const sim::Step& step, const std::vector<std::pair<std::uint32_t, std::uint32_t>>& candidates,
    const People& people, std::uint64_t seed, const care::Ledger& ledger,
    const ProgrammeSpec& programme) const {
  std::vector<Event> events(candidates.size());
  std::vector<char> admit(candidates.size(), 0);
  const MedicalCareSpec& medical = programme.medical;
  tbb::parallel_for(std::size_t{0}, candidates.size(), [&](std::size_t k) {
    const std::size_t i = candidates[k].first;
    const int level = people.adl[i];
    const int band = scenario_.bands.band_of_age_days(step.mid_day() - people.birth_day[i]);
    if (!admitted(people, i, band, level, candidates[k].second, ledger, programme, seed)) return;
    admit[k] = 1;
    Event& e = events[k];
    e.type = EventType::kAdmission;
    e.row = static_cast<std::uint32_t>(i);
    e.id = people.id[i];
    e.district = people.district[i];
    e.sex = people.sex[i];
    e.band = static_cast<std::uint8_t>(band);
    e.level = static_cast<std::uint8_t>(level);
    e.tie = sim::tie_break_hash(e.id, static_cast<std::uint64_t>(step.index));
    sim::RandomStream rng(seed, e.id, static_cast<std::uint32_t>(step.index),
                          kind(RandomEvent::kHospitalAdmission));
    e.day = step.first_day + std::min(step.days - 1, static_cast<int>(rng.uniform() * step.days));
    double referral_ratio = 1;
    if (people.care_mode[i] == kInstitution) {
      const std::size_t f = people.care_facility[i];
      const int cls = size_class(ledger.place(f).places, scenario_.care.facilities[f].homes,
                                 scenario_.population.scale);
      referral_ratio = medical.resident_referral_ratio[static_cast<std::size_t>(cls)];
    }
    const auto& shares = spec_.tier_share_by_adl[static_cast<std::size_t>(level)];
    int tier = 1 + static_cast<int>(rng.categorical(shares));
    if (tier < kHospitalTiers &&
        rng.bernoulli(spec_.referral_up[static_cast<std::size_t>(tier - 1)] * referral_ratio)) {
      ++tier;
      e.referred = true;
    }
    e.tier = static_cast<std::uint8_t>(tier);
    e.pick = rng.uniform();
    e.stay_z = rng.normal();
    e.preferred = static_cast<std::int16_t>(first_choice(e.district, tier, e.pick));
    if (e.preferred >= 0) e.preferred_length = stay_days(e.preferred, level, e.stay_z);
    if (rng.bernoulli(spec_.death_probability[static_cast<std::size_t>(level)]))
      e.outcome |= kDiesInHospital;
    if (rng.bernoulli(spec_.adl_decline[static_cast<std::size_t>(level)]))
      e.outcome |= kDeclinesInHospital;
  });
  std::size_t kept = 0;
  for (std::size_t k = 0; k < events.size(); ++k)
    if (admit[k]) events[kept++] = events[k];
  events.resize(kept);
  return events;
}

Hospitals::StepBeds Hospitals::hold_beds(const sim::Step& step, const People& people,
                                         const care::CareSystem& care, std::vector<Event>& events) {
  const std::size_t nh = spec_.hospitals.size();
  const int days = step.days;
  const sim::Day first = step.first_day, end = step.end_day();
  StepBeds beds{DailyBeds(nh, days), DailyBeds(nh, days),
                std::vector<std::int64_t>(nh * static_cast<std::size_t>(days), 0), days};
  // Difference arrays of the beds held by the patients already in (+1 from, -1 to) and the
  // events of their stays, per thread: both are exact in any order (the events are sorted).
  const std::size_t width = nh * static_cast<std::size_t>(days + 1);
  struct Part {
    std::vector<std::int64_t> acute, rehab;
    std::vector<Event> events;
  };
  tbb::enumerable_thread_specific<Part> parts([&] {
    return Part{std::vector<std::int64_t>(width, 0), std::vector<std::int64_t>(width, 0), {}};
  });
  tbb::parallel_for(
      tbb::blocked_range<std::uint32_t>(0, static_cast<std::uint32_t>(state_.stay_slots()), 1024),
      [&](const tbb::blocked_range<std::uint32_t>& r) {
        Part& part = parts.local();
        const auto hold = [&](std::vector<std::int64_t>& v, std::size_t h, int from, int to) {
          if (from >= to) return;
          v[h * static_cast<std::size_t>(days + 1) + static_cast<std::size_t>(from)] += 1;
          v[h * static_cast<std::size_t>(days + 1) + static_cast<std::size_t>(to)] -= 1;
        };
        for (std::uint32_t slot = r.begin(); slot != r.end(); ++slot) {
          const Stay& s = state_.stay(slot);
          if (!s.used) continue;
          const std::size_t i = s.row;
          Event e;
          e.row = s.row;
          e.slot = slot;
          e.id = people.id[i];
          e.tie = sim::tie_break_hash(e.id, static_cast<std::uint64_t>(step.index));
          e.level = people.adl[i];
          e.hospital = s.hospital;
          e.admitted = s.admitted;
          e.outcome = s.flags;
          if (s.flags & kDelayedDischarge) {
            e.day = first, e.type = EventType::kRecheck;
            e.still_waiting = care.waits_for_new_place(people, i, spec_.delay_for);
            hold((s.flags & kInRehabilitationBed) ? part.rehab : part.acute, s.hospital, 0, days);
          } else if (s.until < end) {
            e.day = s.until, e.type = EventType::kStayEnds;
            e.reserved_to_end = may_be_delayed(e.level, s.flags);
            e.assessed = assessed(e.level, s.flags, care.enabled());
            hold(part.acute, s.hospital, 0, e.reserved_to_end ? days : e.day - first);
          } else {
            hold(part.acute, s.hospital, 0, days);
            continue;
          }
          part.events.push_back(e);
        }
      });
  std::vector<std::int64_t> acute(width, 0), rehab(width, 0);
  parts.combine_each([&](const Part& p) {
    for (std::size_t k = 0; k < width; ++k) acute[k] += p.acute[k], rehab[k] += p.rehab[k];
    events.insert(events.end(), p.events.begin(), p.events.end());
  });
  for (std::size_t h = 0; h < nh; ++h) {
    std::int64_t a = 0, r = 0;
    for (int t = 0; t < days; ++t) {
      a += acute[h * static_cast<std::size_t>(days + 1) + static_cast<std::size_t>(t)];
      r += rehab[h * static_cast<std::size_t>(days + 1) + static_cast<std::size_t>(t)];
      beds.acute.used(h, t) = a;
      beds.rehab.used(h, t) = r;
    }
  }
  return beds;
}

// The under-60 patients of the step, hospital by hospital and day by day (serial arithmetic on a
// few numbers, the same whatever the threads). Each day: that day's discharges (a share 1 / mean
// stay of those in: a fluid with exponential stays), then that day's arrivals, admitted up to the
// beds the elderly patients already in hospital leave free. The background is admitted first (an
// assumption; docs/config.md section 7.11): the elderly admitted later in the step use what it
// leaves, day by day. Arrivals that find no bed are turned away and counted.
void Hospitals::admit_background(const sim::Step& step, StepBeds& beds) {
  const double leaving = 1 / spec_.background.mean_stay_days;
  for (std::size_t h = 0; h < spec_.hospitals.size(); ++h) {
    const Unit& unit = state_.units[h];
    double& in = state_.background[h];
    for (int t = 0; t < beds.days; ++t) {
      const std::int64_t room =
          unit.admitting
              ? std::max<std::int64_t>(0, unit.beds - unit.converting() - beds.acute.used(h, t))
              : 0;
      // Beds lost to a conversion or a closure: the excess leaves at once.
      in = std::min(in * (1 - leaving), static_cast<double>(room));
      const double arrivals = unit.admitting ? background_arrivals(h, step.first_day + t) : 0;
      const double admitted = std::min(arrivals, static_cast<double>(room) - in);
      in += admitted;
      flows_.background_admissions[h] += admitted;
      flows_.background_turned_away[h] += arrivals - admitted;
      beds.background_on(h, t) = std::llround(in);  // at most room: in <= room, a whole number
    }
  }
}

// Arrivals per day: share x beds / mean stay is the steady state of `share` of the beds, times
// the growth of the under-60 population since the start.
double Hospitals::background_arrivals(std::size_t h, sim::Day day) const {
  const BackgroundSpec& b = spec_.background;
  const auto month = static_cast<std::size_t>(sim::to_ymd(day).month - 1);
  const double years = static_cast<double>(day - scenario_.simulation.calendar.start) / 365.25;
  const double growth = b.annual_growth == 0 ? 1.0 : std::pow(1 + b.annual_growth, years);
  return spec_.hospitals[h].background_occupancy[month] * background_beds_[h] / b.mean_stay_days *
         growth;
}

void Hospitals::run_events(const sim::Step& step, std::vector<Event>& events, StepBeds& beds,
                           HospitalContext& ctx) {
  // Events that follow from others in the step: the end of a stay that starts and ends within
  // it, a discharge home at the wait cap. They are kept in `followers`, and the heap orders
  // only their keys (an event is some hundred bytes; its key and index, a quarter of that).
  struct Later {
    sim::Day day;
    EventType type;
    std::uint64_t tie, id;
    std::uint32_t index;  // in followers
    auto key() const { return std::tie(day, type, tie, id); }
    bool operator>(const Later& o) const { return key() > o.key(); }
  };
  std::vector<Event> followers;
  std::priority_queue<Later, std::vector<Later>, std::greater<>> later;
  std::vector<Event> added;
  // Stay ends that reach neither the care ledger nor another person, finished in parallel
  // before the next admission (the first event to read the acute beds they free).
  std::vector<Event> plain;
  std::size_t next = 0;
  while (next < events.size() || !later.empty()) {
    prefetch_rows(events, next, ctx.people);
    Event e;
    if (later.empty() || (next < events.size() && events[next].key() < later.top().key())) {
      e = events[next++];
    } else {
      e = followers[later.top().index];
      later.pop();
    }
    added.clear();
    switch (e.type) {
      case EventType::kWaitCap:
        wait_cap_reached(e, ctx);
        break;
      case EventType::kRecheck:
        recheck(step, e, beds, ctx, added);
        break;
      case EventType::kStayEnds:
        if (ends_plainly(e)) {
          state_.remove(e.slot);  // here, so that slots are reused in the order of the events
          plain.push_back(e);
        } else {
          stay_ends(step, e, beds, ctx, added);
        }
        break;
      case EventType::kAdmission:
        finish_plain_stays(step, plain, beds, ctx);
        admit(step, e, beds, ctx, added);
        break;
    }
    for (const Event& a : added) {
      later.push({a.day, a.type, a.tie, a.id, static_cast<std::uint32_t>(followers.size())});
      followers.push_back(a);
    }
  }
  finish_plain_stays(step, plain, beds, ctx);
}

// The rows the event 12 ahead will write (its person's stay and ADL level, its stay), asked of
// the memory now: the events come in day order, so their rows are scattered over the population,
// and the pass is serial. Measured: the pass 30% faster (docs/performance.md); the care columns of
// the assessed as well gained nothing more.
void Hospitals::prefetch_rows(const std::vector<Event>& events, std::size_t next,
                              const People& people) const {
  constexpr std::size_t kAhead = 12;
  if (next + kAhead >= events.size()) return;
  const Event& e = events[next + kAhead];
  sim::prefetch_for_write(people.stay[e.row]);
  sim::prefetch_for_write(people.adl[e.row]);
  if (e.type != EventType::kAdmission) sim::prefetch_for_write(state_.stay(e.slot));
}

// A stay that ends without a death or a care assessment: the patient goes home as they are (an
// ADL decline in hospital applied), and nothing they change is read by another event.
bool Hospitals::ends_plainly(const Event& e) const {
  return e.type == EventType::kStayEnds && !(e.outcome & kDiesInHospital) && !e.assessed;
}

// The plain stay ends held back (their slots already free): the beds they free and the
// hospitals' counts in order (a few numbers each), the rows in parallel.
void Hospitals::finish_plain_stays(const sim::Step& step, std::vector<Event>& plain, StepBeds& beds,
                                   HospitalContext& ctx) {
  if (plain.empty()) return;
  std::vector<std::pair<std::uint32_t, std::uint8_t>> declines;
  for (const Event& e : plain) {
    if (e.reserved_to_end)
      beds.acute.add(e.hospital, static_cast<int>(e.day - step.first_day), beds.days, -1);
    count_discharge(e.hospital, e.day - e.admitted);
    if (const int after = level_after_stay(e.level, e.outcome); after != e.level)
      declines.emplace_back(e.row, static_cast<std::uint8_t>(after));
  }
  // Within the serial event pass: timed as a section of its own (sim/timing.hpp nests).
  ctx.times.run("hospital: plain stay ends, rows", sim::SectionTimes::Kind::kParallel, [&] {
    People& people = ctx.people;
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, plain.size(), 256),
                      [&](const tbb::blocked_range<std::size_t>& r) {
                        for (std::size_t k = r.begin(); k != r.end(); ++k)
                          people.stay[plain[k].row] = kNoSlot;
                      });
    ctx.ops.change_levels(declines);
  });
  plain.clear();
}

// From day `from` of the step the patient waits in hospital for a care place: in a
// rehabilitation bed if one is free to the step's end, else in the acute bed, there only until
// discharge.max_wait_days after the medical stay ended (then home, a kWaitCap event).
void Hospitals::stay_delayed(const sim::Step& step, const Event& e, int from, StepBeds& beds,
                             HospitalContext& ctx, std::vector<Event>& later) {
  const std::size_t i = e.row;
  Stay& s = state_.stay(e.slot);
  const std::size_t h = s.hospital;
  s.flags |= kDelayedDischarge;
  ctx.care.set_waiting_in_hospital(ctx.people, i, true, ctx.care_context);
  const auto rehab_capacity = [&](std::size_t hh, int) -> std::int64_t {
    return state_.units[hh].open ? state_.units[hh].rehabilitation_beds : 0;
  };
  if (!(s.flags & kInRehabilitationBed) && beds.rehab.fits(h, from, beds.days, rehab_capacity)) {
    beds.acute.add(h, from, beds.days, -1);
    beds.rehab.add(h, from, beds.days, 1);
    s.flags |= kInRehabilitationBed;
  }
  if (s.flags & kInRehabilitationBed) return;
  const std::int64_t cap = std::int64_t{s.until} + spec_.max_wait_days - step.first_day;
  const int leaves = static_cast<int>(std::clamp<std::int64_t>(cap, from, beds.days));
  flows_.delayed_days[h] += leaves - from;
  if (leaves < beds.days) {
    beds.acute.add(h, leaves, beds.days, -1);
    Event home = e;
    home.type = EventType::kWaitCap;
    home.day = step.first_day + leaves;
    later.push_back(home);
  }
}

// The patient waited discharge.max_wait_days in an acute bed, freed from today when the cap was
// set: they go home and wait there, still on the waiting list (issue "Evidence": waits of up to
// 180 days in an acute bed).
void Hospitals::wait_cap_reached(const Event& e, HospitalContext& ctx) {
  const std::size_t i = e.row;
  flows_.wait_cap_discharges[state_.stay(e.slot).hospital] += 1;
  flows_.wait_cap_by_district[ctx.people.district[i]] += 1;
  ctx.care.set_waiting_in_hospital(ctx.people, i, false, ctx.care_context);
  finish_stay(i, e.slot, e.day, ctx.people);
}

void Hospitals::finish_stay(std::size_t i, std::uint32_t slot, sim::Day day, People& people) {
  const Stay& s = state_.stay(slot);
  count_discharge(s.hospital, day - s.admitted);
  state_.remove(slot);
  people.stay[i] = kNoSlot;
}

void Hospitals::count_discharge(std::size_t h, sim::Day stay_days) {
  flows_.discharges[h] += 1;
  flows_.stay_days[h] += stay_days;
}

void Hospitals::end_stay_on_death(std::size_t i, sim::Day day, People& people) {
  const Stay& s = state_.stay(people.stay[i]);
  flows_.deaths[s.hospital] += 1;
  flows_.deaths_by_district[people.district[i]] += 1;
  finish_stay(i, people.stay[i], day, people);
}

void Hospitals::choose_on_discharge(const sim::Step& step, std::vector<Event>& events,
                                    HospitalContext& ctx) {
  std::vector<care::CareSystem::DischargeChooser> who;
  std::vector<std::size_t> at;
  for (std::size_t k = 0; k < events.size(); ++k)
    if (events[k].type == EventType::kStayEnds && events[k].assessed) {
      const Event& e = events[k];
      who.push_back({e.row, level_after_stay(e.level, state_.stay(e.slot).flags), e.day});
      at.push_back(k);
    }
  const std::vector<care::Wish> wishes = ctx.care.discharge_wishes(who, step, ctx.care_context);
  for (std::size_t k = 0; k < at.size(); ++k) {
    events[at[k]].wish = wishes[k];
    events[at[k]].wish_ready = true;
  }
}

bool Hospitals::assessed(int level, std::uint8_t outcome, bool care_enabled) const {
  if (!care_enabled || (outcome & kDiesInHospital)) return false;
  const int after = level_after_stay(level, outcome);
  return after >= spec_.assessment_level && after >= scenario_.care.choice_level;
}

void Hospitals::recheck(const sim::Step& step, const Event& e, StepBeds& beds, HospitalContext& ctx,
                        std::vector<Event>& later) {
  const std::size_t i = e.row;
  const Stay& s = state_.stay(e.slot);
  if (e.still_waiting) {
    stay_delayed(step, e, 0, beds, ctx, later);
    return;
  }
  ((s.flags & kInRehabilitationBed) ? beds.rehab : beds.acute).add(s.hospital, 0, beds.days, -1);
  ctx.care.set_waiting_in_hospital(ctx.people, i, false, ctx.care_context);
  finish_stay(i, e.slot, e.day, ctx.people);
}

void Hospitals::stay_ends(const sim::Step& step, const Event& e, StepBeds& beds,
                          HospitalContext& ctx, std::vector<Event>& later) {
  const std::size_t i = e.row;
  Stay& s = state_.stay(e.slot);
  const std::size_t h = s.hospital;
  const int t = static_cast<int>(e.day - step.first_day);
  const auto release = [&] {
    if (e.reserved_to_end) beds.acute.add(h, t, beds.days, -1);
  };
  if (s.flags & kDiesInHospital) {
    release();
    ctx.ops.die(i, step, e.day);
    return;
  }
  ctx.ops.change_level(i, level_after_stay(e.level, s.flags));  // no change without a decline
  s.flags &= static_cast<std::uint8_t>(~(kDiesInHospital | kDeclinesInHospital));
  bool delayed = false;
  if (e.assessed) {
    care::Wish wish = e.wish;
    if (!e.wish_ready) {  // a stay that began in this step
      const care::CareSystem::DischargeChooser one{e.row, ctx.people.adl[i], e.day};
      wish = ctx.care.discharge_wishes({&one, 1}, step, ctx.care_context).front();
    }
    const care::DischargeOutcome outcome = ctx.care.settle_discharge(
        i, wish, e.day, static_cast<std::uint32_t>(step.index), ctx.care_context);
    delayed =
        outcome == care::DischargeOutcome::kWaitingForPlace && spec_.delay_for[wish.choice.mode];
  }
  if (delayed && e.reserved_to_end) {
    stay_delayed(step, e, t, beds, ctx, later);
  } else {
    release();
    finish_stay(i, e.slot, e.day, ctx.people);
  }
}

void Hospitals::admit(const sim::Step& step, const Event& e, StepBeds& beds, HospitalContext& ctx,
                      std::vector<Event>& later) {
  People& p = ctx.people;
  const std::size_t i = e.row;
  const int d = e.district;
  const int level = e.level;
  const int t = static_cast<int>(e.day - step.first_day);
  const int days = beds.days;
  const bool hold_to_end = may_be_delayed(level, e.outcome);
  // The stay's length depends on the hospital's tier: computed once per tier.
  std::array<sim::Day, kHospitalTiers> length_by_tier{0, 0, 0};
  const auto length_at = [&](int h) {
    sim::Day& length = length_by_tier[static_cast<std::size_t>(
        spec_.hospitals[static_cast<std::size_t>(h)].tier - 1)];
    if (length == 0) length = stay_days(h, level, e.stay_z);
    return length;
  };
  const auto window_end = [&](int h) {
    return hold_to_end ? days : std::min(days, t + length_at(h));
  };
  const auto acute_capacity = [&](std::size_t h, int day) -> std::int64_t {
    if (!state_.units[h].admitting) return 0;
    return state_.units[h].beds - state_.units[h].converting() - beds.background_on(h, day);
  };
  const auto fits = [&](int h) {
    return state_.units[static_cast<std::size_t>(h)].admitting &&
           beds.acute.fits(static_cast<std::size_t>(h), t, window_end(h), acute_capacity);
  };
  const int preferred = e.preferred;
  if (preferred >= 0)
    length_by_tier[static_cast<std::size_t>(
        spec_.hospitals[static_cast<std::size_t>(preferred)].tier - 1)] = e.preferred_length;
  int chosen = preferred >= 0 && fits(preferred) ? preferred : -1;
  // Diverted: the nearest with room of the tier or higher, within reach of home (by_travel is
  // nearest first, so the first one out of reach ends the search).
  if (chosen < 0)
    for (int h : state_.by_travel[static_cast<std::size_t>(d)]) {
      const HospitalSpec& hs = spec_.hospitals[static_cast<std::size_t>(h)];
      if (scenario_.travel(d, hs.district) > spec_.diversion_max_minutes) break;
      if (h != preferred && hs.tier >= e.tier && fits(h)) {
        chosen = h;
        break;
      }
    }
  if (chosen < 0) {
    if (preferred >= 0) flows_.turned_away[static_cast<std::size_t>(preferred)] += 1;
    flows_.turned_away_by_district[static_cast<std::size_t>(d)] += 1;
    return;
  }
  if (chosen != preferred && preferred >= 0)
    flows_.diverted[static_cast<std::size_t>(preferred)] += 1;
  const auto h = static_cast<std::size_t>(chosen);
  const sim::Day length = length_at(chosen);
  beds.acute.add(h, t, window_end(chosen), 1);
  const std::uint32_t slot = state_.add(
      {e.row, static_cast<std::uint16_t>(chosen), e.outcome, e.day, e.day + length, true});
  p.stay[i] = slot;
  flows_.admissions[h] += 1;
  if (e.referred) {
    flows_.referred_in[h] += 1;
    flows_.referrals[static_cast<std::size_t>(d)] += 1;
  }
  flows_.admissions_by_cell[(static_cast<std::size_t>(d) * kSexes + e.sex) *
                                static_cast<std::size_t>(scenario_.bands.count()) +
                            e.band] += 1;
  flows_.admissions_by_origin[static_cast<std::size_t>(d) *
                                  static_cast<std::size_t>(scenario_.district_count()) +
                              static_cast<std::size_t>(spec_.hospitals[h].district)] += 1;
  if (e.day + length < step.end_day()) {
    Event ends = e;
    ends.type = EventType::kStayEnds;
    ends.day = e.day + length;
    ends.slot = slot;
    ends.hospital = static_cast<std::uint16_t>(chosen);
    ends.admitted = e.day;
    ends.reserved_to_end = hold_to_end;
    ends.assessed = assessed(level, e.outcome, ctx.care.enabled());
    ends.wish_ready = false;
    later.push_back(ends);
  }
}

// The elderly's bed-days of the step at the price of the hospital's tier (rehabilitation beds at
// theirs), in whole fen, to the hospital's district; medical insurance pays its share.
void Hospitals::book_bed_day_costs(std::size_t h, std::int64_t acute_days, std::int64_t rehab_days,
                                   Spending& spending) const {
  const HospitalSpec& hs = spec_.hospitals[h];
  const Fen cost = acute_days * price_by_tier_[static_cast<std::size_t>(hs.tier - 1)] +
                   rehab_days * rehabilitation_price_;
  if (cost != 0)
    spending.hospital_care(static_cast<std::size_t>(hs.district), cost, spec_.cost.insurance_share);
}

void Hospitals::move_beds(std::size_t h, std::int64_t n, bool to_nursing, care::Ledger& ledger) {
  Unit& unit = state_.units[h];
  unit.beds -= n;
  if (to_nursing)
    ledger.add_nursing_places(static_cast<std::size_t>(spec_.hospitals[h].nursing_facility), n);
  else
    unit.rehabilitation_beds += n;
}

void Hospitals::convert_beds(int hospital, bool relative, double amount, bool to_nursing,
                             care::Ledger& ledger) {
  const auto h = static_cast<std::size_t>(hospital);
  Unit& unit = state_.units[h];
  const std::int64_t in_use = unit.beds - unit.converting();  // acute beds not yet converting
  const std::int64_t n =
      std::clamp<std::int64_t>(relative ? std::llround(static_cast<double>(in_use) * amount)
                                        : std::llround(amount * scenario_.population.scale),
                               0, in_use);
  // Elderly patients at the end of the last step hold beds; the rest are free now.
  const std::int64_t free_now = std::clamp<std::int64_t>(in_use - state_.occupied[h], 0, n);
  move_beds(h, free_now, to_nursing, ledger);
  (to_nursing ? unit.converting_to_nursing : unit.converting_to_rehabilitation) += n - free_now;
}

void Hospitals::add_beds(int hospital, bool relative, double amount) {
  Unit& unit = state_.units[static_cast<std::size_t>(hospital)];
  unit.beds += relative ? std::llround(static_cast<double>(unit.beds) * amount)
                        : std::llround(amount * scenario_.population.scale);
}

void Hospitals::count_bed_days(const sim::Step& step, StepBeds& beds, care::Ledger& ledger,
                               Spending& spending) {
  const std::size_t nh = spec_.hospitals.size();
  const int days = step.days;
  for (std::size_t h = 0; h < nh; ++h) {
    // A closed hospital admits nobody and offers no beds; patients still in it count.
    const std::int64_t capacity = state_.units[h].open ? state_.units[h].beds : 0;
    flows_.capacity_bed_days[h] += capacity * days;
    std::int64_t acute_days = 0, rehab_days = 0;
    for (int t = 0; t < days; ++t) {
      const std::int64_t elderly = beds.acute.used(h, t);
      const std::int64_t others =
          std::clamp<std::int64_t>(capacity - elderly, 0, beds.background_on(h, t));
      acute_days += elderly;
      rehab_days += beds.rehab.used(h, t);
      flows_.background_bed_days[h] += others;
      flows_.peak_occupied[h] = std::max(flows_.peak_occupied[h], elderly + others);
    }
    flows_.bed_days[h] += acute_days;
    flows_.rehabilitation_bed_days[h] += rehab_days;
    book_bed_day_costs(h, acute_days, rehab_days, spending);
    state_.occupied[h] = beds.acute.used(h, days - 1);
    // Beds being converted leave acute use as they free up; a closing hospital closes once
    // its last patient has left.
    Unit& unit = state_.units[h];
    if (unit.converting() > 0) {
      std::int64_t free = std::max<std::int64_t>(0, unit.beds - state_.occupied[h]);
      for (const bool to_nursing : {true, false}) {
        std::int64_t& pending =
            to_nursing ? unit.converting_to_nursing : unit.converting_to_rehabilitation;
        const std::int64_t k = std::min(pending, free);
        move_beds(h, k, to_nursing, ledger);
        pending -= k;
        free -= k;
      }
    }
    if (unit.open && !unit.admitting && state_.occupied[h] == 0 &&
        beds.rehab.used(h, days - 1) == 0)
      unit.open = false;
  }
}

}  // namespace eldersim::hospital

// ---- outputs ------------------------------------------------------------------------------------

namespace eldersim::hospital {

namespace {
using sim::ratio_or_nan;
using Int = sim::SeriesTable::IntRow;
using Real = sim::SeriesTable::RealRow;
}  // namespace

void Hospitals::declare(sim::SeriesTable& t, const Census& census) const {
  using sim::SeriesKind;
  const std::vector<std::string> d{"district"}, dsa{"district", "sex", "age_band"};
  const auto nd = static_cast<std::size_t>(scenario_.district_count());
  // A per-hospital sum by the hospital's district.
  const auto by_hospital_district = [this](const auto& v) {
    return [this, &v](Real row) {
      for (std::size_t h = 0; h < v.size(); ++h)
        row[static_cast<std::size_t>(spec_.hospitals[h].district)] += static_cast<double>(v[h]);
    };
  };
  // A ratio of two per-hospital sums, by the hospital's district.
  const auto district_ratio = [this, nd](auto num, auto den) {
    return [this, nd, num, den](Real row) {
      std::vector<double> a(nd, 0), b(nd, 0);
      for (std::size_t h = 0; h < spec_.hospitals.size(); ++h) {
        const auto k = static_cast<std::size_t>(spec_.hospitals[h].district);
        a[k] += num(h), b[k] += den(h);
      }
      for (std::size_t k = 0; k < nd; ++k) row[k] = ratio_or_nan(a[k], b[k]);
    };
  };
  const auto f = [this](const std::vector<std::int64_t> HospitalFlows::*member) {
    return [this, member](std::size_t h) { return static_cast<double>((flows_.*member)[h]); };
  };
  t.add({"new_hospital_admissions", d, SeriesKind::kFlow, "people",
         "Hospital admissions in the period, by the patient's district"},
        [this, nd](Int row) {
          for (std::size_t k = 0; k < nd; ++k)
            for (std::size_t j = 0; j < nd; ++j) row[k] += flows_.admissions_by_origin[k * nd + j];
        });
  t.add({"new_hospital_admissions_by_sex_age", dsa, SeriesKind::kFlow, "people",
         "Hospital admissions by the patient's district, sex and age band (rates: divide by "
         "new_person_years)"},
        sim::copy_of(flows_.admissions_by_cell));
  t.add({"new_hospital_admissions_by_origin",
         {"district", "destination_district"},
         SeriesKind::kFlow,
         "people",
         "Hospital admissions by the patient's district (rows) and the hospital's district "
         "(columns); rows sum to new_hospital_admissions; sum over a year's periods for the "
         "yearly referral matrix"},
        sim::copy_of(flows_.admissions_by_origin));
  t.add({"new_referrals", d, SeriesKind::kFlow, "people",
         "Admissions referred one tier up, by the patient's district"},
        sim::copy_of(flows_.referrals));
  t.add({"new_turned_away", d, SeriesKind::kFlow, "people",
         "Patients who found no hospital with a free bed within reach (their first choice, or "
         "another within hospital_system.diversion.max_minutes of home), by their district"},
        sim::copy_of(flows_.turned_away_by_district));
  t.add({"new_wait_cap_discharges", d, SeriesKind::kFlow, "people",
         "Patients sent home after waiting hospital_system.discharge.max_wait_days in an acute "
         "bed for a care place (they stay on its waiting list), by their district"},
        sim::copy_of(flows_.wait_cap_by_district));
  t.add({"new_background_turned_away", d, SeriesKind::kFlow, "people",
         "Patients under the minimum age (the background, an aggregate: not whole people) who "
         "found the hospital full, by the hospital's district"},
        by_hospital_district(flows_.background_turned_away));
  t.add({"new_hospital_deaths", d, SeriesKind::kFlow, "people",
         "Deaths in hospital (also counted in new_deaths), by the patient's district"},
        sim::copy_of(flows_.deaths_by_district));
  t.add({"n_inpatients", d, SeriesKind::kStock, "people",
         "People in hospital at the end of the period, by their district"},
        sim::copy_of(census.inpatients));
  t.add({"n_delayed_discharge", d, SeriesKind::kStock, "people",
         "People in hospital waiting for a care place at the end of the period, by their district"},
        sim::copy_of(census.delayed));
  t.add({"n_hospital_beds", d, SeriesKind::kStock, "beds",
         "Acute beds of the open hospitals in the district at the period end (all ages)"},
        [this](Int row) {
          for (std::size_t h = 0; h < spec_.hospitals.size(); ++h)
            if (state_.units[h].open)
              row[static_cast<std::size_t>(spec_.hospitals[h].district)] += state_.units[h].beds;
        });
  t.add({"new_hospital_bed_days", d, SeriesKind::kFlow, "bed-days",
         "Acute bed-days used by elderly patients in the district's hospitals (delayed discharge "
         "included)"},
        by_hospital_district(flows_.bed_days));
  t.add({"hospital_occupancy", d, SeriesKind::kMean, "share",
         "Elderly acute bed-days / acute bed-days available in the district's hospitals (NaN if "
         "none)"},
        district_ratio(f(&HospitalFlows::bed_days), f(&HospitalFlows::capacity_bed_days)));
  t.add({"hospital_occupancy_total", d, SeriesKind::kMean, "share",
         "Acute bed-days used by all ages (elderly plus background under-60 use) / bed-days "
         "available (NaN if none)"},
        district_ratio(
            [this](std::size_t h) {
              return static_cast<double>(flows_.bed_days[h] + flows_.background_bed_days[h]);
            },
            f(&HospitalFlows::capacity_bed_days)));
  t.add({"new_delayed_discharge_days", d, SeriesKind::kFlow, "bed-days",
         "Acute bed-days used by patients medically ready to leave who wait for a care place "
         "(bed-blocking), in the district's hospitals"},
        by_hospital_district(flows_.delayed_days));
  t.add({"new_rehabilitation_bed_days", d, SeriesKind::kFlow, "bed-days",
         "Rehabilitation bed-days used by patients waiting for a care place"},
        by_hospital_district(flows_.rehabilitation_bed_days));
  t.add({"mean_length_of_stay", d, SeriesKind::kMean, "days",
         "Mean length (admission to discharge or death, delays included) of the stays ending in "
         "the period in the district's hospitals (NaN if none)"},
        district_ratio(f(&HospitalFlows::stay_days), f(&HospitalFlows::discharges)));

  // Per hospital.
  const std::vector<std::string> h{"hospital"};
  const auto per_hospital_ratio = [](auto num, auto den) {
    return [num, den](Real row) {
      for (std::size_t k = 0; k < row.size(); ++k) row[k] = ratio_or_nan(num(k), den(k));
    };
  };
  t.add({"n_beds_by_hospital", h, SeriesKind::kStock, "beds",
         "Acute beds at the period end; 0 when closed", "hospitals"},
        [this](Int row) {
          for (std::size_t k = 0; k < row.size(); ++k)
            row[k] = state_.units[k].open ? state_.units[k].beds : 0;
        });
  t.add({"n_rehabilitation_beds_by_hospital", h, SeriesKind::kStock, "beds",
         "Rehabilitation beds at the period end; 0 when closed", "hospitals"},
        [this](Int row) {
          for (std::size_t k = 0; k < row.size(); ++k)
            row[k] = state_.units[k].open ? state_.units[k].rehabilitation_beds : 0;
        });
  t.add({"new_admissions_by_hospital", h, SeriesKind::kFlow, "people",
         "Elderly admissions in the period", "hospitals"},
        sim::copy_of(flows_.admissions));
  t.add({"new_referred_in_by_hospital", h, SeriesKind::kFlow, "people",
         "Admissions referred one tier up", "hospitals"},
        sim::copy_of(flows_.referred_in));
  t.add({"new_diverted_by_hospital", h, SeriesKind::kFlow, "people",
         "Patients for whom this was the first choice, admitted elsewhere because it was full",
         "hospitals"},
        sim::copy_of(flows_.diverted));
  t.add({"new_turned_away_by_hospital", h, SeriesKind::kFlow, "people",
         "Patients for whom this was the first choice and no hospital within reach had a free bed",
         "hospitals"},
        sim::copy_of(flows_.turned_away));
  t.add({"new_deaths_by_hospital", h, SeriesKind::kFlow, "people", "Elderly deaths in the hospital",
         "hospitals"},
        sim::copy_of(flows_.deaths));
  t.add({"new_wait_cap_discharges_by_hospital", h, SeriesKind::kFlow, "people",
         "Patients sent home after waiting hospital_system.discharge.max_wait_days in an acute "
         "bed for a care place",
         "hospitals"},
        sim::copy_of(flows_.wait_cap_discharges));
  t.add({"new_background_admissions_by_hospital", h, SeriesKind::kFlow, "people",
         "Patients under the minimum age admitted (the background, an aggregate: not whole "
         "people)",
         "hospitals"},
        sim::copy_of(flows_.background_admissions));
  t.add({"new_background_turned_away_by_hospital", h, SeriesKind::kFlow, "people",
         "Patients under the minimum age who found the hospital full (the background, an "
         "aggregate: not whole people)",
         "hospitals"},
        sim::copy_of(flows_.background_turned_away));
  t.add({"new_elderly_bed_days_by_hospital", h, SeriesKind::kFlow, "bed-days",
         "Acute bed-days used by elderly patients", "hospitals"},
        sim::copy_of(flows_.bed_days));
  t.add({"elderly_occupancy_by_hospital", h, SeriesKind::kMean, "share",
         "Elderly acute bed-days / acute bed-days available (NaN if none)", "hospitals"},
        per_hospital_ratio(f(&HospitalFlows::bed_days), f(&HospitalFlows::capacity_bed_days)));
  t.add({"total_occupancy_by_hospital", h, SeriesKind::kMean, "share",
         "Acute bed-days used by all ages / bed-days available (NaN if none)", "hospitals"},
        per_hospital_ratio(
            [this](std::size_t k) {
              return static_cast<double>(flows_.bed_days[k] + flows_.background_bed_days[k]);
            },
            f(&HospitalFlows::capacity_bed_days)));
  t.add({"peak_occupied_beds_by_hospital", h, SeriesKind::kMax, "beds",
         "Most acute beds occupied (all ages) on any day of the period", "hospitals"},
        sim::copy_of(flows_.peak_occupied));
  t.add({"new_delayed_discharge_days_by_hospital", h, SeriesKind::kFlow, "bed-days",
         "Acute bed-days used by patients waiting for a care place", "hospitals"},
        sim::copy_of(flows_.delayed_days));
  t.add({"new_rehabilitation_bed_days_by_hospital", h, SeriesKind::kFlow, "bed-days",
         "Rehabilitation bed-days used by patients waiting for a care place", "hospitals"},
        sim::copy_of(flows_.rehabilitation_bed_days));
  t.add({"new_stays_ended_by_hospital", h, SeriesKind::kFlow, "people",
         "Stays ending in the period (discharge or death): the weights of "
         "mean_length_of_stay_by_hospital",
         "hospitals"},
        sim::copy_of(flows_.discharges));
  t.add(
      {"mean_length_of_stay_by_hospital", h, SeriesKind::kMean, "days",
       "Mean length of the stays ending in the period, delays included (NaN if none)", "hospitals"},
      per_hospital_ratio(f(&HospitalFlows::stay_days), f(&HospitalFlows::discharges)));
}

}  // namespace eldersim::hospital
