#include "models/care.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "models/finance.hpp"
#include "sim/rng.hpp"

namespace eldersim::care {

namespace {
bool is_targeted(const People& p, std::size_t i) {
  return (p.traits[i] & (kNoFamilySupport | kLowIncomeHousehold)) != 0;
}
constexpr sim::Day kFirstReview = std::numeric_limits<sim::Day>::min();
}  // namespace

void CareFlows::clear() {
  for (auto* v : {&admissions, &admitted_from_wait, &wait_days, &reneges, &second_choices,
                  &facility_admissions, &facility_admitted_from_wait, &facility_wait_days})
    std::fill(v->begin(), v->end(), 0);
}

CareSystem::CareSystem(const Scenario& s) : scenario_(s), spec_(s.care), ledger_(s), choices_(s) {
  const auto nd = static_cast<std::size_t>(s.district_count());
  const auto nf = static_cast<std::size_t>(s.facility_count());
  for (auto* v : {&flows_.admissions, &flows_.admitted_from_wait, &flows_.wait_days,
                  &flows_.reneges, &flows_.second_choices})
    v->assign(nd * kCareModes, 0);
  for (auto* v : {&flows_.facility_admissions, &flows_.facility_admitted_from_wait,
                  &flows_.facility_wait_days})
    v->assign(nf, 0);
}

std::uint8_t CareSystem::hours_needed(int level) const {
  return static_cast<std::uint8_t>(std::clamp(
      std::lround(spec_.home.hours_per_week_by_level[static_cast<std::size_t>(level)]), 1L, 168L));
}

// ---- the sweep's part ---------------------------------------------------------------------------

namespace {
// A charge class packed: district (16 bits) | mode (2) | facility, or hours for home care (16) |
// level (3) | target groups (4) | enrolled (1).
struct ChargeClass {
  std::uint64_t district, mode, place, level, groups, enrolled;
  std::uint64_t pack() const {
    return district << 26 | mode << 24 | place << 8 | level << 5 | groups << 1 | enrolled;
  }
  static ChargeClass unpack(std::uint64_t k) {
    return {k >> 26, (k >> 24) & 3, (k >> 8) & 0xFFFF, (k >> 5) & 7, (k >> 1) & 15, k & 1};
  }
};
}  // namespace

std::uint64_t CareSystem::charge_class(const People& p, std::size_t i, int district, int level,
                                       sim::Day today, const ProgrammeSpec& programme,
                                       std::uint64_t seed) const {
  const auto mode = static_cast<CareMode>(p.care_mode[i]);
  // Enrolment matters only from the eligible level (monthly_cost).
  const bool enrolled =
      level >= programme.ltc.eligible_from_level && ltc_enrolled(seed, p.id[i], programme.ltc);
  return ChargeClass{
      static_cast<std::uint64_t>(district),
      mode,
      static_cast<std::uint64_t>(mode == kHomeCare ? p.care_hours[i] : p.care_facility[i]),
      static_cast<std::uint64_t>(level),
      target_groups(p, i, today),
      enrolled ? 1u : 0u}
      .pack();
}

void CareSystem::charge(std::uint64_t charge_class, std::int64_t people, const sim::Step& step,
                        const ProgrammeSpec& programme, Spending& spending) const {
  const ChargeClass c = ChargeClass::unpack(charge_class);
  const auto mode = static_cast<CareMode>(c.mode);
  const int level = static_cast<int>(c.level);
  const auto groups = static_cast<std::uint8_t>(c.groups);
  const double gross = mode == kHomeCare
                           ? static_cast<double>(c.place) * kWeeksPerMonth * spec_.home.hourly_price
                           : ledger_.place(c.place).monthly_price[static_cast<std::size_t>(level)];
  Spending one(spending.by_payer.size() / kPayers);
  const std::size_t d = c.district;
  one.person_pays(
      d, monthly_cost(programme, spec_.home, mode, gross, {level, groups, c.enrolled == 1}),
      step.days / kDaysPerMonth, step.days);
  for (std::size_t k = d * kPayers; k < (d + 1) * kPayers; ++k)
    spending.by_payer[k] += people * one.by_payer[k];
  for (std::size_t k = d * kGovernmentSpendingTypes; k < (d + 1) * kGovernmentSpendingTypes; ++k)
    spending.government[k] += people * one.government[k];
  spending.ltc_beneficiary_days[d] += people * one.ltc_beneficiary_days[d];
}

// ---- the step -----------------------------------------------------------------------------------

void CareSystem::step(const sim::Step& step, std::vector<Due>& due, CareContext& ctx) {
  if (!spec_.enabled) return;
  using Kind = sim::SectionTimes::Kind;
  std::vector<Decision> decisions;
  ctx.times.run("care: providers, closures, reneging", Kind::kSerial, [&] {
    pay_providers(step, ctx);
    settle_closures(due, ctx);
    add_reneging(step, due);
  });
  // Choices in chunks of rows, each chunk applied before the next is decided: a decision reads
  // only its own row, its own wait and the offer (which changes only by policy), so the result
  // is the same as one batch, while the memory of the choices stays bounded (the first step,
  // when everyone in need chooses, would otherwise hold a decision per person in need).
  for (std::size_t first = 0; first < due.size(); first += kChoiceChunk) {
    const auto chunk =
        std::span<const Due>(due).subspan(first, std::min(kChoiceChunk, due.size() - first));
    ctx.times.run("care: choices", Kind::kParallel, [&] { decisions = choose(step, chunk, ctx); });
    Applied applied;
    ctx.times.run("care: choices applied to the people", Kind::kParallel,
                  [&] { applied = apply_to_people(chunk, decisions, ctx); });
    Placement placement;
    ctx.times.run("care: placement prepared", Kind::kParallel,
                  [&] { placement = prepare_placement(chunk, decisions, applied, step, ctx); });
    Ledger::QueueChanges changes;
    ctx.times.run("care: choices applied to the ledger", Kind::kSerial, [&] {
      changes = apply_to_ledger(chunk, decisions, applied, placement, step, ctx);
    });
    ctx.times.run("care: waiting lists reordered", Kind::kParallel,
                  [&] { ledger_.change_queues(changes); });
  }
  ctx.times.run("care: over-full homes", Kind::kSerial, [&] { evict_overfull(overfull_, ctx); });
  allocate(step, ctx);
}

void CareSystem::add_reneging(const sim::Step& step, std::vector<Due>& due) {
  // The sweep's choosers come in row order; closures, moves and reneging add a few more.
  const auto sorted_end = std::is_sorted_until(due.begin(), due.end());
  const auto tail = sorted_end - due.begin();
  // Waits that reach their renege day: the person gives up and chooses again.
  for (std::uint32_t slot : ledger_.take_reneging(step.first_day))
    due.push_back({ledger_.entry(slot).row, false});
  std::sort(due.begin() + tail, due.end());
  std::inplace_merge(due.begin(), due.begin() + tail, due.end());
  // One entry per row, due for another reason if any of its entries is.
  std::size_t out = 0;
  for (std::size_t k = 0; k < due.size(); ++k) {
    if (out > 0 && due[out - 1].row == due[k].row)
      due[out - 1].other_reason = due[out - 1].other_reason || due[k].other_reason;
    else
      due[out++] = due[k];
  }
  due.resize(out);
}

void CareSystem::pay_providers(const sim::Step& step, CareContext& ctx) {
  const double month_share = step.days / kDaysPerMonth;
  for (std::size_t f = 0; f < ledger_.facility_count(); ++f) {
    const Place& p = ledger_.place(f);
    if (!p.open) continue;
    const FacilitySpec& fs = spec_.facilities[f];
    const ProviderSubsidySpec& sub = ctx.programme.subsidies.of(fs.type);
    const auto own = static_cast<std::size_t>(fs.ownership);
    const auto d = static_cast<std::size_t>(fs.district);
    ctx.spending.government_pays(
        d, kOperatingPerBed,
        to_fen(sub.operating_per_bed_month[own] * static_cast<double>(p.places) * month_share));
    ctx.spending.government_pays(
        d, kPerPersonServed,
        to_fen(sub.per_person_served_month[own] * static_cast<double>(p.occupied) * month_share));
  }
}

void CareSystem::settle_closures(std::vector<Due>& due, CareContext& ctx) {
  overfull_.clear();
  const std::vector<std::size_t> changed = ledger_.facilities_to_check();
  if (changed.empty()) return;
  std::vector<char> closed(ledger_.facility_count(), 0), list_ends(ledger_.facility_count(), 0);
  for (std::size_t f : changed) {
    const Place& p = ledger_.place(f);
    closed[f] = !p.open;
    list_ends[f] = !p.open || p.places <= 0;
    if (p.open) overfull_.push_back(f);
  }
  People& people = ctx.people;
  for (std::size_t i = 0; i < people.size(); ++i) {
    if (!people.alive[i]) continue;
    const std::uint8_t mode = people.care_mode[i];
    bool chooses = false;
    if ((mode == kInstitution || mode == kCommunityCare) && closed[people.care_facility[i]]) {
      ctx.ops.leave_care(i);
      chooses = true;
    }
    if (people.waiting(i)) {
      const WaitEntry& e = ledger_.entry(people.wait_slot[i]);
      if (e.facility != kNoFacility && list_ends[e.facility]) {
        ctx.ops.stop_waiting(i);
        chooses = true;
      }
    }
    if (chooses) due.push_back({static_cast<std::uint32_t>(i), true});
  }
}

Chooser CareSystem::chooser_of(const People& p, std::size_t i, int level, sim::Day today,
                               CareContext& ctx) const {
  Chooser c;
  c.district = p.district[i];
  c.level = level;
  c.income = income_of(p.traits[i]);
  c.living_alone = living_of(p.traits[i]) == kAlone;
  c.groups = target_groups(p, i, today);
  c.age_80_plus = c.groups & kGroupOldestOld;
  // Enrolment matters only from the eligible level; below it every chooser is alike.
  c.ltc_enrolled = c.level >= ctx.programme.ltc.eligible_from_level &&
                   ltc_enrolled(ctx.seed, p.id[i], ctx.programme.ltc);
  c.current = static_cast<CareMode>(p.care_mode[i]);
  c.current_facility =
      c.current == kNoCare || c.current == kHomeCare ? -1 : static_cast<int>(p.care_facility[i]);
  return c;
}

const WaitEntry* CareSystem::waiting_entry(const People& p, std::size_t i) const {
  return p.waiting(i) ? &ledger_.entry(p.wait_slot[i]) : nullptr;
}

Wish CareSystem::wish_of(const People& p, std::size_t i, int level, const Choice& choice) const {
  Wish w;
  w.choice = choice;
  const CareMode mode = choice.mode;
  w.same_as_now = mode == p.care_mode[i] &&
                  (mode == kHomeCare || mode == kNoCare || choice.facility == p.care_facility[i]);
  // Staying, but the place no longer fits the level: a resident who now needs a nursing-type bed
  // asks for one in the same home; a home-care client asks for the hours the new level needs.
  w.needs_transfer = w.same_as_now && mode == kInstitution && !(p.care_flags[i] & kNursingBed) &&
                     level >= spec_.nursing_level;
  w.needs_new_hours = w.same_as_now && mode == kHomeCare && p.care_hours[i] != hours_needed(level);
  return w;
}

sim::Priority CareSystem::priority_of(const People& p, std::size_t i, int level, sim::Day since,
                                      const ProgrammeSpec& programme) const {
  // Classes: patients waiting in hospital (when that policy is on), targeted groups, everyone
  // else. The tie-break is fixed for the request, so the order holds from step to step.
  const std::uint32_t klass =
      programme.medical.discharge_priority && (p.care_flags[i] & kWaitsInHospital) ? 0u
      : spec_.priority_to_targeted && is_targeted(p, i)                            ? 1u
                                                                                   : 2u;
  return {klass, -level, since, sim::tie_break_hash(p.id[i], static_cast<std::uint64_t>(since)),
          p.id[i]};
}

WaitEntry CareSystem::request_of(const People& p, std::size_t i, const Wish& wish, sim::Day day,
                                 const ProgrammeSpec& programme, const WaitEntry* now) const {
  const int level = p.adl[i];
  WaitEntry e;
  e.row = static_cast<std::uint32_t>(i);
  e.mode = wish.choice.mode;
  e.facility = wish.choice.facility;
  e.district = p.district[i];
  e.hours = hours_needed(level);
  e.in_place = wish.needs_transfer || wish.needs_new_hours;
  e.nursing = e.mode == kInstitution && (e.in_place || level >= spec_.nursing_level);
  e.demand = e.mode == kHomeCare
                 ? static_cast<std::int16_t>(e.hours - (e.in_place ? p.care_hours[i] : 0))
                 : std::int16_t{1};
  // A request for the service one already waits for keeps its place in the queue (even for
  // another home of it); the wait statistics count from the request for this very place.
  e.since = now && now->mode == e.mode ? now->since : day;
  e.counted_from =
      now && now->mode == e.mode && now->facility == e.facility ? now->counted_from : day;
  e.renege_on = e.in_place ? kNever : e.since + spec_.renege_days[e.mode];
  e.key = priority_of(p, i, level, e.since, programme);
  e.held = {
      static_cast<CareMode>(p.care_mode[i]), p.care_facility[i], p.district[i], p.care_hours[i],
      (p.care_flags[i] & kNursingBed) != 0,  p.care_since[i]};
  return e;
}

CareSystem::Decision CareSystem::decide(const sim::Step& step, const Due& due,
                                        const Chooser& chooser, CareContext& ctx) const {
  const People& p = ctx.people;
  const std::size_t i = due.row;
  const sim::Day today = step.first_day;
  Decision out;
  if (p.adl[i] < spec_.choice_level) {
    out.action = Action::kLeave;
    return out;
  }
  const WaitEntry* wait = waiting_entry(p, i);
  bool reneging = wait && !wait->in_place && today >= wait->renege_on;
  if (reneging) {
    out.reneged = true;
    out.reneged_mode = wait->mode;
    // Someone waiting to move to another place of the service they already have gives up the
    // move and stays where they are (their next-best option), without choosing again.
    if (wait->mode == p.care_mode[i]) {
      reneging = false;
      if (!due.other_reason) return out;
    }
  }
  Chooser c = chooser;
  if (reneging) c.excluded = wait->mode;
  sim::RandomStream rng(ctx.seed, p.id[i], static_cast<std::uint32_t>(step.index),
                        kind(RandomEvent::kCareChoice));
  const Wish wish = wish_of(p, i, p.adl[i], choices_.draw(c, rng));
  // The first review is staggered over the interval so reviews do not come in waves.
  if (p.next_review[i] == kFirstReview) {
    sim::RandomStream stagger(ctx.seed, p.id[i], 0, kind(RandomEvent::kReviewStagger));
    out.next_review = today + 1 + static_cast<sim::Day>(stagger.uniform() * spec_.review_days);
  } else {
    out.next_review = today + spec_.review_days;
  }
  if (wish.choice.mode == kNoCare) {
    out.action = Action::kStay;
    return out;
  }
  if (wish.keeps_current()) {
    out.action = Action::kKeep;
    return out;
  }
  out.action = Action::kRequest;
  // A reneging person's old request is gone before the new one is made.
  out.request = request_of(p, i, wish, today, ctx.programme, out.reneged ? nullptr : wait);
  return out;
}

namespace {
// The places free now, claimed as requests are placed: a nursing request needs a nursing-type
// bed; any other takes another bed if one is free, else a nursing-type one (as serve does).
class Room {
 public:
  // The places free now less those the requests already on the lists will take (the lists of
  // a chunk before this one included), so that what is left is what this chunk can claim.
  explicit Room(const Ledger& ledger) : other_(ledger.facility_count()), nursing_(other_) {
    for (std::size_t f = 0; f < other_.size(); ++f) {
      if (ledger.is_community(f)) {
        other_[f] = ledger.free_places(f) - ledger.queued(f, false);
        continue;
      }
      other_[f] = ledger.free_other(f) - ledger.queued(f, false);
      nursing_[f] = ledger.free_nursing(f) - ledger.queued(f, true);
      if (other_[f] < 0) nursing_[f] += other_[f], other_[f] = 0;  // they take nursing beds
    }
  }
  bool has(std::size_t f, bool nursing) const {
    return nursing ? nursing_[f] > 0 : other_[f] > 0 || nursing_[f] > 0;
  }
  void take(std::size_t f, bool nursing) {
    if (!nursing && other_[f] > 0)
      other_[f] -= 1;
    else
      nursing_[f] -= 1;
  }

 private:
  std::vector<std::int64_t> other_, nursing_;
};

// Request r is now for facility `to`; a wait for that very place the person was on (`before`,
// or nullptr) keeps counting from its start, any other starts `today`.
void redirect(WaitEntry& r, std::uint16_t to, const WaitEntry* before, sim::Day today) {
  r.counted_from =
      before && before->mode == r.mode && before->facility == to ? before->counted_from : today;
  r.facility = to;
}
}  // namespace

CareSystem::SecondChooser CareSystem::second_chooser(std::size_t i, sim::Day today,
                                                     std::uint32_t step_index,
                                                     CareContext& ctx) const {
  sim::RandomStream rng(ctx.seed, ctx.people.id[i], step_index, kind(RandomEvent::kSecondChoice));
  return {chooser_of(ctx.people, i, ctx.people.adl[i], today, ctx), rng.uniform()};
}

std::uint16_t CareSystem::second_choice(const SecondChooser& who, const WaitEntry& r,
                                        const std::function<bool(std::size_t)>& has_room) const {
  return choices_.second_choice(who.chooser, {r.mode, r.facility}, has_room,
                                spec_.choice.second_choice_max_loss, who.u);
}

// The requests in the allocation's priority order (the index breaks ties, so the order is total
// and a parallel sort gives it whatever the threads), and whoever may need a second choice,
// drawn ahead: the placement pass changes neither the keys nor anything the choosers depend on,
// so only its claims on the places are serial.
CareSystem::Placement CareSystem::prepare_placement(std::span<const Due> due,
                                                    const std::vector<Decision>& decisions,
                                                    const Applied& applied, const sim::Step& step,
                                                    CareContext& ctx) const {
  if (!spec_.choice.second_choice || ledger_.unlimited()) return {};
  Placement out;
  for (std::size_t k = 0; k < due.size(); ++k) {
    const WaitEntry& r = decisions[k].request;
    if (applied.joins[k] && (r.mode == kInstitution || r.mode == kCommunityCare))
      out.order.push_back(k);
  }
  tbb::parallel_sort(out.order.begin(), out.order.end(), [&](std::size_t a, std::size_t b) {
    return std::tie(decisions[a].request.key, a) < std::tie(decisions[b].request.key, b);
  });
  out.second.resize(due.size());
  const auto step_index = static_cast<std::uint32_t>(step.index);
  tbb::parallel_for(std::size_t{0}, out.order.size(), [&](std::size_t n) {
    const std::size_t k = out.order[n];
    if (!decisions[k].request.in_place)
      out.second[k] = second_chooser(due[k].row, step.first_day, step_index, ctx);
  });
  return out;
}

void CareSystem::place_requests(std::vector<Decision>& decisions, const Applied& applied,
                                const Placement& placement, const sim::Step& step) {
  if (placement.order.empty()) return;  // nothing to place, or second choices off
  // A resident's request for a nursing-type bed in their own home claims one, never redirected.
  Room room(ledger_);
  for (std::size_t k : placement.order) {
    WaitEntry& r = decisions[k].request;
    if (room.has(r.facility, r.nursing)) {
      room.take(r.facility, r.nursing);
      continue;
    }
    if (r.in_place) continue;  // waits for a nursing-type bed in the home held
    const std::uint16_t other = second_choice(
        placement.second[k], r, [&](std::size_t f) { return room.has(f, r.nursing); });
    if (other == kNoFacility) continue;  // waits for the first choice
    room.take(other, r.nursing);
    redirect(r, other, applied.leaving[k] != kNoSlot ? &ledger_.entry(applied.leaving[k]) : nullptr,
             step.first_day);
    decisions[k].second_choice = true;
  }
}

std::vector<CareSystem::Decision> CareSystem::choose(const sim::Step& step,
                                                     std::span<const Due> due, CareContext& ctx) {
  std::vector<Chooser> choosers(due.size());
  tbb::parallel_for(std::size_t{0}, due.size(), [&](std::size_t k) {
    choosers[k] =
        chooser_of(ctx.people, due[k].row, ctx.people.adl[due[k].row], step.first_day, ctx);
  });
  choices_.prepare(choosers, ledger_, ctx.programme, ctx.programme_version);
  std::vector<Decision> decisions(due.size());
  tbb::parallel_for(std::size_t{0}, due.size(),
                    [&](std::size_t k) { decisions[k] = decide(step, due[k], choosers[k], ctx); });
  return decisions;
}

void CareSystem::join(People& p, std::size_t i, const WaitEntry& e) {
  p.wait_slot[i] = ledger_.join(e);
}

CareSystem::Applied CareSystem::apply_to_people(std::span<const Due> due,
                                                const std::vector<Decision>& decisions,
                                                CareContext& ctx) {
  People& p = ctx.people;
  const std::size_t n = due.size();
  // What each decision does: the row's part in parallel (rows are distinct), the ledger's part
  // afterwards, in row order and as one batch.
  Applied out;
  out.leaving.assign(n, kNoSlot);
  out.freed.assign(n, {});
  out.joins.assign(n, 0);
  std::vector<std::uint32_t>& leaving = out.leaving;
  std::vector<PersonOps::HeldPlace>& freed = out.freed;
  std::vector<char>& joins = out.joins;
  tbb::enumerable_thread_specific<std::vector<std::int64_t>> reneges(
      [&] { return std::vector<std::int64_t>(flows_.reneges.size(), 0); });
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, n, 256), [&](const tbb::blocked_range<std::size_t>& r) {
        std::vector<std::int64_t>& my_reneges = reneges.local();
        for (std::size_t k = r.begin(); k != r.end(); ++k) {
          const std::size_t i = due[k].row;
          const Decision& d = decisions[k];
          p.care_flags[i] &= static_cast<std::uint8_t>(~kChoiceDue);
          if (d.reneged) {
            my_reneges[p.district[i] * kCareModes + d.reneged_mode] += 1;
            leaving[k] = ctx.ops.take_wait_slot(i);
          }
          switch (d.action) {
            case Action::kNone:
              continue;
            case Action::kLeave:
            case Action::kStay:
              freed[k] = ctx.ops.take_place(i);
              leaving[k] = leaving[k] != kNoSlot ? leaving[k] : ctx.ops.take_wait_slot(i);
              break;
            case Action::kKeep:
              leaving[k] = leaving[k] != kNoSlot ? leaving[k] : ctx.ops.take_wait_slot(i);
              break;
            case Action::kRequest: {
              const WaitEntry* now = waiting_entry(p, i);
              const WaitEntry& req = d.request;
              if (now && now->key == req.key && now->mode == req.mode &&
                  now->facility == req.facility && now->nursing == req.nursing &&
                  now->in_place == req.in_place && now->demand == req.demand)
                break;  // the same request: it keeps its place as it is
              leaving[k] = leaving[k] != kNoSlot ? leaving[k] : ctx.ops.take_wait_slot(i);
              joins[k] = 1;
              break;
            }
          }
          if (d.action != Action::kLeave) p.next_review[i] = d.next_review;
        }
      });
  reneges.combine_each([&](const std::vector<std::int64_t>& r) {
    for (std::size_t k = 0; k < r.size(); ++k) flows_.reneges[k] += r[k];
  });
  return out;
}

Ledger::QueueChanges CareSystem::apply_to_ledger(std::span<const Due> due,
                                                 std::vector<Decision>& decisions,
                                                 const Applied& applied, const Placement& placement,
                                                 const sim::Step& step, CareContext& ctx) {
  // The places freed, counted per facility and district (integers: any order).
  const std::size_t n = due.size();
  std::vector<std::int64_t> occupied(ledger_.facility_count(), 0), nursing(occupied);
  std::vector<std::int64_t> hours(static_cast<std::size_t>(scenario_.district_count()), 0);
  const auto n_joins =
      static_cast<std::size_t>(std::count(applied.joins.begin(), applied.joins.end(), char{1}));
  Ledger::Batch batch;
  batch.leave.reserve(n);
  batch.join.reserve(n_joins);
  for (std::size_t k = 0; k < n; ++k) {
    const PersonOps::HeldPlace& h = applied.freed[k];
    ledger_.count_stay_end(h, StayEnd::kLeft);
    if (h.mode == kInstitution || h.mode == kCommunityCare) {
      occupied[h.facility] -= 1;
      nursing[h.facility] -= h.nursing ? 1 : 0;
    } else if (h.mode == kHomeCare) {
      hours[h.district] -= h.hours;
    }
    if (applied.leaving[k] != kNoSlot) batch.leave.push_back(applied.leaving[k]);
  }
  for (std::size_t f = 0; f < occupied.size(); ++f)
    ledger_.add_occupancy(f, occupied[f], nursing[f]);
  for (std::size_t d = 0; d < hours.size(); ++d) ledger_.add_hours_used(d, hours[d]);
  place_requests(decisions, applied, placement, step);
  std::vector<std::uint32_t> rows;
  rows.reserve(n_joins);
  for (std::size_t k = 0; k < n; ++k) {
    if (!applied.joins[k]) continue;
    batch.join.push_back(decisions[k].request);
    rows.push_back(due[k].row);
    if (decisions[k].second_choice) count_second_choice(decisions[k].request);
  }
  std::vector<std::uint32_t> joined;
  Ledger::QueueChanges changes = ledger_.take_slots(batch, joined, &ctx.times);
  ctx.times.run("care: wait slots given to the people", sim::SectionTimes::Kind::kParallel, [&] {
    tbb::parallel_for(std::size_t{0}, rows.size(),
                      [&](std::size_t j) { ctx.people.wait_slot[rows[j]] = joined[j]; });
  });
  return changes;
}

void CareSystem::evict_overfull(const std::vector<std::size_t>& facilities, CareContext& ctx) {
  std::vector<std::size_t> over;
  for (std::size_t f : facilities) {
    const Place& pl = ledger_.place(f);
    if (pl.occupied > pl.places || pl.occupied_nursing > pl.nursing_places ||
        pl.occupied - pl.occupied_nursing > pl.places - pl.nursing_places)
      over.push_back(f);
  }
  if (over.empty()) return;
  People& p = ctx.people;
  std::vector<char> is_over(ledger_.facility_count(), 0);
  for (std::size_t f : over) is_over[f] = 1;
  std::vector<std::uint32_t> residents;
  for (std::size_t i = 0; i < p.size(); ++i)
    if (p.alive[i] && (p.care_mode[i] == kInstitution || p.care_mode[i] == kCommunityCare) &&
        is_over[p.care_facility[i]])
      residents.push_back(static_cast<std::uint32_t>(i));
  // The most recent residents leave first.
  std::sort(residents.begin(), residents.end(), [&](std::uint32_t a, std::uint32_t b) {
    return std::tie(p.care_since[a], p.id[a]) > std::tie(p.care_since[b], p.id[b]);
  });
  for (std::uint32_t i : residents) {
    const std::size_t f = p.care_facility[i];
    const Place& pl = ledger_.place(f);
    const bool nursing = p.care_flags[i] & kNursingBed;
    const bool over_nursing = nursing && pl.occupied_nursing > pl.nursing_places;
    const bool over_other =
        !nursing && pl.occupied - pl.occupied_nursing > pl.places - pl.nursing_places;
    if (!over_nursing && !over_other) continue;
    // A wait for a nursing-type bed in the home they leave ends with the stay.
    if (p.waiting(i) && ledger_.entry(p.wait_slot[i]).in_place) ctx.ops.stop_waiting(i);
    ctx.ops.leave_care(i);
    p.care_flags[i] |= kChoiceDue;
  }
}

void CareSystem::allocate(const sim::Step& step, CareContext& ctx) {
  // The pass works on the ledger alone (who is served, which places they free and take); the
  // people's rows are updated afterwards, in parallel.
  std::vector<Served> served;
  ctx.times.run("care: allocation", sim::SectionTimes::Kind::kSerial, [&] {
    ledger_.allocate([&](std::uint32_t slot) { served.push_back(serve(slot, step.first_day)); });
  });
  ctx.times.run("care: the served start their care", sim::SectionTimes::Kind::kParallel,
                [&] { start_care(served, step.first_day, ctx); });
}

CareSystem::Served CareSystem::serve(std::uint32_t slot, sim::Day today) {
  const WaitEntry e = ledger_.entry(slot);
  ledger_.leave(slot, WaitEnd::kAdmitted);
  Served out{e.row, e.mode, e.facility, e.hours, false, e.in_place};
  if (e.in_place) {
    // A change within the place held: a nursing-type bed in the same home, or other hours.
    if (e.mode == kInstitution) {
      ledger_.free_bed(e.facility, false);
      ledger_.take_bed(e.facility, true);
      out.nursing = true;
    } else {
      ledger_.free_hours(e.district, e.held.hours);
      ledger_.take_hours(e.district, e.hours);
    }
    return out;
  }
  // A new place: a non-nursing request takes another bed if one is free.
  out.nursing = e.mode == kInstitution &&
                (e.nursing || (!ledger_.unlimited() && ledger_.free_other(e.facility) <= 0));
  count_admission(e, today);
  // A resident served a place in another home moves; any other new care ends the stay.
  ledger_.free_place(e.held, e.mode == kInstitution ? StayEnd::kMoved : StayEnd::kLeft);
  if (e.mode == kHomeCare)
    ledger_.take_hours(e.district, e.hours);
  else
    ledger_.take_bed(e.facility, out.nursing);
  return out;
}

void CareSystem::count_second_choice(const WaitEntry& e) {
  flows_.second_choices[static_cast<std::size_t>(e.district) * kCareModes + e.mode] += 1;
}

void CareSystem::count_admission(const WaitEntry& e, sim::Day today) {
  const std::size_t md = static_cast<std::size_t>(e.district) * kCareModes + e.mode;
  if (e.counted_from < today) {
    const sim::Day waited = today - e.counted_from;
    flows_.wait_days[md] += waited;
    flows_.admitted_from_wait[md] += 1;
    if (e.facility != kNoFacility) {
      flows_.facility_wait_days[e.facility] += waited;
      flows_.facility_admitted_from_wait[e.facility] += 1;
    }
  }
  if (e.mode != kHomeCare) flows_.facility_admissions[e.facility] += 1;
  flows_.admissions[md] += 1;
}

void CareSystem::start_row(const Served& s, sim::Day today, CareContext& ctx,
                           std::vector<Fen>& grants) {
  People& p = ctx.people;
  const std::size_t i = s.row;
  p.wait_slot[i] = kNoSlot;
  if (s.in_place) {
    if (s.mode == kInstitution)
      p.care_flags[i] |= kNursingBed;
    else
      p.care_hours[i] = s.hours;
    return;
  }
  ctx.ops.take_place(i);  // freed in the ledger already
  p.care_mode[i] = s.mode;
  p.care_since[i] = today;
  if (s.mode == kHomeCare) {
    p.care_hours[i] = s.hours;
    const HomeSupportSpec& hs = ctx.programme.home_support;
    if (hs.modification_grant > 0 && !(p.care_flags[i] & kGotModificationGrant) &&
        p.adl[i] >= hs.modification_min_level &&
        in_groups(target_groups(p, i, today), hs.modification_groups)) {
      p.care_flags[i] |= kGotModificationGrant;
      grants[p.district[i]] += to_fen(hs.modification_grant);
    }
  } else {
    p.care_facility[i] = s.facility;
    if (s.nursing) p.care_flags[i] |= kNursingBed;
  }
}

void CareSystem::start_care(const std::vector<Served>& served, sim::Day today, CareContext& ctx) {
  const auto districts = static_cast<std::size_t>(scenario_.district_count());
  tbb::enumerable_thread_specific<std::vector<Fen>> grants(
      [&] { return std::vector<Fen>(districts, 0); });
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, served.size(), 256),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      std::vector<Fen>& mine = grants.local();
                      for (std::size_t k = r.begin(); k != r.end(); ++k)
                        start_row(served[k], today, ctx, mine);
                    });
  grants.combine_each([&](const std::vector<Fen>& g) {
    for (std::size_t d = 0; d < g.size(); ++d)
      if (g[d]) ctx.spending.government_pays(d, kHomeModification, g[d]);
  });
}

void CareSystem::start_care_now(std::size_t i, const WaitEntry& e, bool nursing, sim::Day today,
                                CareContext& ctx) {
  count_admission(e, today);
  ctx.ops.stop_waiting(i);
  ctx.ops.free_place(ctx.ops.take_place(i),
                     e.mode == kInstitution ? StayEnd::kMoved : StayEnd::kLeft);
  if (e.mode == kHomeCare)
    ledger_.take_hours(e.district, e.hours);
  else
    ledger_.take_bed(e.facility, nursing);
  std::vector<Fen> grants(static_cast<std::size_t>(scenario_.district_count()), 0);
  start_row({static_cast<std::uint32_t>(i), e.mode, e.facility, e.hours, nursing, false}, today,
            ctx, grants);
  for (std::size_t d = 0; d < grants.size(); ++d)
    if (grants[d]) ctx.spending.government_pays(d, kHomeModification, grants[d]);
}

// ---- the hospital's requests --------------------------------------------------------------------

std::vector<Wish> CareSystem::discharge_wishes(std::span<const DischargeChooser> who,
                                               const sim::Step& step, CareContext& ctx) {
  const People& p = ctx.people;
  std::vector<Chooser> choosers(who.size());
  tbb::parallel_for(std::size_t{0}, who.size(), [&](std::size_t k) {
    choosers[k] = chooser_of(p, who[k].row, who[k].level, who[k].day, ctx);
  });
  choices_.prepare(choosers, ledger_, ctx.programme, ctx.programme_version);
  std::vector<Wish> wishes(who.size());
  tbb::parallel_for(std::size_t{0}, who.size(), [&](std::size_t k) {
    sim::RandomStream rng(ctx.seed, p.id[who[k].row], static_cast<std::uint32_t>(step.index),
                          kind(RandomEvent::kDischargeChoice));
    wishes[k] = wish_of(p, who[k].row, who[k].level, choices_.draw(choosers[k], rng));
  });
  return wishes;
}

DischargeOutcome CareSystem::settle_discharge(std::size_t i, const Wish& wish, sim::Day day,
                                              std::uint32_t step_index, CareContext& ctx) {
  People& p = ctx.people;
  p.care_flags[i] &= static_cast<std::uint8_t>(~kChoiceDue);  // the choice is made
  if (wish.choice.mode == kNoCare) {
    ctx.ops.leave_care(i);
    ctx.ops.stop_waiting(i);
    return DischargeOutcome::kSettled;
  }
  if (wish.keeps_current()) {
    ctx.ops.stop_waiting(i);
    return DischargeOutcome::kSettled;
  }
  WaitEntry r = request_of(p, i, wish, day, ctx.programme, waiting_entry(p, i));
  // (request_of reads the level of the row: the caller has applied any decline already.)
  const bool unlimited = ledger_.unlimited();
  const std::size_t d = p.district[i];
  if (r.in_place) {
    // A change within the place held: a nursing-type bed in the same home, or more hours.
    const bool fits = unlimited || (r.mode == kInstitution ? ledger_.free_nursing(r.facility) > 0
                                                           : ledger_.free_hours(d) >= r.demand);
    if (!fits) {
      ctx.ops.stop_waiting(i);
      join(p, i, r);
      return DischargeOutcome::kWaitingInPlace;
    }
    ctx.ops.stop_waiting(i);
    if (r.mode == kInstitution) {
      ledger_.free_bed(r.facility, false);
      ledger_.take_bed(r.facility, true);
      p.care_flags[i] |= kNursingBed;
    } else {
      ledger_.free_hours(d, p.care_hours[i]);
      ledger_.take_hours(d, r.hours);
      p.care_hours[i] = r.hours;
    }
    return DischargeOutcome::kSettled;
  }
  if (spec_.choice.second_choice && !unlimited &&
      (r.mode == kInstitution || r.mode == kCommunityCare) &&
      !ledger_.has_room(r.facility, r.nursing)) {
    const std::uint16_t other =
        second_choice(second_chooser(i, day, step_index, ctx), r,
                      [&](std::size_t f) { return ledger_.has_room(f, r.nursing); });
    if (other != kNoFacility) {
      redirect(r, other, waiting_entry(p, i), day);
      count_second_choice(r);
    }
  }
  bool served = false, nursing = false;
  if (r.mode == kInstitution) {
    if (unlimited)
      served = true, nursing = r.nursing;
    else if (!r.nursing && ledger_.free_other(r.facility) > 0)
      served = true;
    else if (ledger_.free_nursing(r.facility) > 0)
      served = nursing = true;
  } else if (r.mode == kCommunityCare) {
    served = unlimited || ledger_.free_places(r.facility) > 0;
  } else {
    served = unlimited || ledger_.free_hours(d) >= r.hours;
  }
  if (!served) {
    ctx.ops.stop_waiting(i);
    join(p, i, r);
    return DischargeOutcome::kWaitingForPlace;
  }
  start_care_now(i, r, nursing, day, ctx);
  return DischargeOutcome::kSettled;
}

bool CareSystem::waits_for_new_place(const People& p, std::size_t i,
                                     const std::array<bool, kCareModes>& modes) const {
  if (!p.waiting(i)) return false;
  const WaitEntry& e = ledger_.entry(p.wait_slot[i]);
  return !e.in_place && modes[e.mode];
}

void CareSystem::set_waiting_in_hospital(People& p, std::size_t i, bool waiting, CareContext& ctx) {
  const bool was = p.care_flags[i] & kWaitsInHospital;
  if (was == waiting) return;
  if (waiting)
    p.care_flags[i] |= kWaitsInHospital;
  else
    p.care_flags[i] &= static_cast<std::uint8_t>(~kWaitsInHospital);
  if (p.waiting(i) && ctx.programme.medical.discharge_priority) {
    const WaitEntry& e = ledger_.entry(p.wait_slot[i]);
    ledger_.rekey(p.wait_slot[i], priority_of(p, i, -e.key.rank, e.since, ctx.programme));
  }
}

void CareSystem::rekey_all(const People& p, const ProgrammeSpec& programme) {
  std::vector<std::pair<std::uint32_t, sim::Priority>> changes;
  ledger_.for_each_entry([&](std::uint32_t slot, const WaitEntry& e) {
    const sim::Priority key = priority_of(p, e.row, -e.key.rank, e.since, programme);
    if (!(key == e.key)) changes.emplace_back(slot, key);
  });
  for (const auto& [slot, key] : changes) ledger_.rekey(slot, key);
}

}  // namespace eldersim::care

// ---- outputs ------------------------------------------------------------------------------------

namespace eldersim::care {

namespace {
using sim::ratio_or_nan;
using Int = sim::SeriesTable::IntRow;
using Real = sim::SeriesTable::RealRow;
}  // namespace

void CareSystem::declare(sim::SeriesTable& t, const Census& census) const {
  using sim::SeriesKind;
  const std::vector<std::string> d{"district"}, ds{"district", "service"};
  const std::size_t nd = static_cast<std::size_t>(scenario_.district_count());
  // People by the mode of care they hold, by their own district.
  const auto in_mode = [&census, nd](CareMode m) {
    return [&census, nd, m](Int row) {
      for (std::size_t k = 0; k < nd; ++k) row[k] = census.in_mode[k * kCareModes + m];
    };
  };
  const auto share_of = [&census, nd](CareMode m) {
    return [&census, nd, m](Real row) {
      for (std::size_t k = 0; k < nd; ++k)
        row[k] = ratio_or_nan(static_cast<double>(census.in_mode[k * kCareModes + m]),
                              static_cast<double>(census.alive_in(static_cast<int>(k))));
    };
  };
  // A [district][mode] count as [district][service] (the services are the modes but none).
  const auto by_service = [nd](const std::vector<std::int64_t>& v) {
    return [&v, nd](Int row) {
      for (std::size_t k = 0; k < nd; ++k)
        for (std::size_t m = 1; m < kCareModes; ++m) row[k * 3 + m - 1] = v[k * kCareModes + m];
    };
  };
  t.add({"n_home", d, SeriesKind::kStock, "people", "People receiving formal home care"},
        in_mode(kHomeCare));
  t.add({"n_community", d, SeriesKind::kStock, "people",
         "People in community care (day-care centres)"},
        in_mode(kCommunityCare));
  t.add({"n_institution", d, SeriesKind::kStock, "people",
         "People living in an institution (elderly home), by their own district (the home may be "
         "elsewhere)"},
        in_mode(kInstitution));
  t.add({"n_no_care", d, SeriesKind::kStock, "people",
         "People at home without formal care (family or none)"},
        in_mode(kNoCare));
  t.add({"share_home", d, SeriesKind::kStock, "share",
         "Share of people 60+ cared for at home, with or without formal services: the 90 of "
         "9064 (NaN where nobody lives)"},
        [&census, nd](Real row) {
          for (std::size_t k = 0; k < nd; ++k) {
            const double alive = static_cast<double>(census.alive_in(static_cast<int>(k)));
            row[k] = ratio_or_nan(
                alive - static_cast<double>(census.in_mode[k * kCareModes + kCommunityCare] +
                                            census.in_mode[k * kCareModes + kInstitution]),
                alive);
          }
        });
  t.add({"share_community", d, SeriesKind::kStock, "share",
         "Share of people 60+ in community care: the 6 of 9064 (NaN where nobody lives)"},
        share_of(kCommunityCare));
  t.add({"share_institution", d, SeriesKind::kStock, "share",
         "Share of people 60+ in institutions: the 4 of 9064 (NaN where nobody lives)"},
        share_of(kInstitution));
  t.add({"n_care_by_adl",
         {"district", "care_setting", "adl_level"},
         SeriesKind::kStock,
         "people",
         "People alive at the end of the period by the care they hold (none: at home without "
         "formal care) and ADL level"},
        sim::copy_of(census.mode_by_adl));
  // [district][mode][k] counts of the formal modes as [district][service][k].
  const auto by_service_cells = [nd](const std::vector<std::int64_t>& v, std::size_t k) {
    return [&v, nd, k](Int row) {
      for (std::size_t r = 0; r < nd; ++r)
        for (std::size_t m = 1; m < kCareModes; ++m)
          for (std::size_t j = 0; j < k; ++j)
            row[(r * 3 + m - 1) * k + j] = v[(r * kCareModes + m) * k + j];
    };
  };
  t.add({"n_waiting_by_duration",
         {"district", "service", "wait_band"},
         SeriesKind::kStock,
         "people",
         "People on a waiting list at the end of the period by how long they have waited for "
         "that place (days since counted_from); sums to n_waiting"},
        by_service_cells(census.waiting_by_duration, kWaitBands));
  t.add({"new_waits_started", ds, SeriesKind::kFlow, "people",
         "Waits that started in the period (requests put on a waiting list), by the district of "
         "the request"},
        by_service_cells(ledger_.started_waits(), 1));
  t.add({"new_institution_stays_ended",
         {"district", "stay_end", "stay_band"},
         SeriesKind::kFlow,
         "people",
         "Stays in an elderly home (or a hospital's nursing ward) that ended in the period, by how "
         "(died, moved to another home, left for other care or none) and how long they had "
         "lasted (days since care_since; the care warm-up's residents from their warm-up day); "
         "by the resident's district"},
        sim::copy_of(ledger_.ended_stays()));
  t.add({"new_institution_stay_days_ended", d, SeriesKind::kFlow, "days",
         "Days lasted by the stays of new_institution_stays_ended: with them, the mean completed "
         "stay"},
        sim::copy_of(ledger_.ended_stay_days()));
  t.add({"new_waits_carried_in",
         {"district", "service", "wait_band"},
         SeriesKind::kFlow,
         "people",
         "Waits on the lists when the run starts (the care warm-up's, care.warm_up_years), by how "
         "long they had lasted then; in the first period only. The change of n_waiting is "
         "new_waits_started + new_waits_carried_in - new_waits_ended"},
        by_service_cells(ledger_.carried_waits(), kWaitBands));
  t.add({"new_waits_ended",
         {"district", "service", "wait_end", "wait_band"},
         SeriesKind::kFlow,
         "people",
         "Waits that ended in the period, by how (admitted to the place, reneged at the renege "
         "day, left otherwise: death, a move, another choice) and how long they had lasted; by "
         "the district of the request. With n_waiting_by_duration, the waiting-list survival"},
        by_service_cells(ledger_.ended_waits(), kWaitEnds * kWaitBands));
  t.add({"n_need", d, SeriesKind::kStock, "people",
         "People in need of care (ADL level >= care.need_level)"},
        sim::copy_of(census.need));
  t.add({"n_unmet", d, SeriesKind::kStock, "people",
         "People in need of care without any formal care (waiting or not)"},
        sim::copy_of(census.unmet));
  t.add({"coverage", d, SeriesKind::kStock, "share",
         "Share of people in need who receive formal care: 1 - n_unmet / n_need (NaN if nobody "
         "is in need)"},
        [&census, nd](Real row) {
          for (std::size_t k = 0; k < nd; ++k)
            row[k] = ratio_or_nan(static_cast<double>(census.need[k] - census.unmet[k]),
                                  static_cast<double>(census.need[k]));
        });
  t.add({"n_waiting", ds, SeriesKind::kStock, "people",
         "People on a waiting list, by the service waited for and the person's district"},
        by_service(census.waiting));
  t.add(
      {"new_admissions", ds, SeriesKind::kFlow, "people", "Admissions to a service in the period"},
      by_service(flows_.admissions));
  t.add({"new_admissions_after_wait", ds, SeriesKind::kFlow, "people",
         "Admissions in the period of people who had been waiting for that very place since an "
         "earlier step"},
        by_service(flows_.admitted_from_wait));
  t.add({"mean_wait_days", ds, SeriesKind::kMean, "days",
         "Mean completed wait of the admissions after a wait in the period (NaN if none)"},
        [this, nd](Real row) {
          for (std::size_t k = 0; k < nd; ++k)
            for (std::size_t m = 1; m < kCareModes; ++m)
              row[k * 3 + m - 1] =
                  ratio_or_nan(static_cast<double>(flows_.wait_days[k * kCareModes + m]),
                               static_cast<double>(flows_.admitted_from_wait[k * kCareModes + m]));
        });
  t.add({"new_second_choices", ds, SeriesKind::kFlow, "people",
         "Requests for a centre or home with room made because the one drawn first had none "
         "(care.choice.second_choice), by the district of the request; part of the requests of "
         "new_waits_started and of the discharges into care"},
        by_service(flows_.second_choices));
  t.add({"new_reneges", ds, SeriesKind::kFlow, "people",
         "People who gave up waiting (after care.renege_days) and chose again"},
        by_service(flows_.reneges));

  // Capacity by district, from the facilities' state at the period end.
  struct Sums {
    double beds = 0, nursing = 0, occupied = 0, occupied_nursing = 0, places = 0,
           occupied_places = 0, respite = 0;
  };
  const auto sums = [this, nd] {
    std::vector<Sums> s(nd);
    for (std::size_t f = 0; f < ledger_.facility_count(); ++f) {
      const Place& p = ledger_.place(f);
      if (!p.open) continue;
      Sums& x = s[static_cast<std::size_t>(spec_.facilities[f].district)];
      if (!ledger_.is_community(f)) {
        x.beds += static_cast<double>(p.places);
        x.nursing += static_cast<double>(p.nursing_places);
        x.occupied += static_cast<double>(p.occupied);
        x.occupied_nursing += static_cast<double>(p.occupied_nursing);
      } else {
        x.places += static_cast<double>(p.places);
        x.respite += static_cast<double>(p.respite_beds);
        x.occupied_places += static_cast<double>(p.occupied);
      }
    }
    return s;
  };
  const auto by_district = [sums, nd](auto value) {
    return [sums, nd, value](Real row) {
      const std::vector<Sums> s = sums();
      for (std::size_t k = 0; k < nd; ++k) row[k] = value(s[k], k);
    };
  };
  const auto alive = [&census](std::size_t k) {
    return static_cast<double>(census.alive_in(static_cast<int>(k)));
  };
  t.add({"institution_occupancy", d, SeriesKind::kStock, "share",
         "Occupied beds / beds of the open institutions in the district (NaN if none)"},
        by_district([](const Sums& x, std::size_t) { return ratio_or_nan(x.occupied, x.beds); }));
  t.add({"nursing_bed_occupancy", d, SeriesKind::kStock, "share",
         "Occupied nursing-type beds / nursing-type beds (NaN if none)"},
        by_district([](const Sums& x, std::size_t) {
          return ratio_or_nan(x.occupied_nursing, x.nursing);
        }));
  t.add({"community_occupancy", d, SeriesKind::kStock, "share",
         "Occupied day-care places / places (NaN if none)"},
        by_district(
            [](const Sums& x, std::size_t) { return ratio_or_nan(x.occupied_places, x.places); }));
  t.add({"home_care_utilisation", d, SeriesKind::kStock, "share",
         "Home-care worker hours allocated / hours available (NaN if none)"},
        [this, nd](Real row) {
          for (std::size_t k = 0; k < nd; ++k)
            row[k] = ratio_or_nan(static_cast<double>(ledger_.home_hours_used(k)),
                                  ledger_.home_hours(k));
        });
  t.add({"beds_per_1000", d, SeriesKind::kStock, "beds per 1000 people 60+",
         "Institution beds in the district per 1000 people 60+ living there (NaN where nobody "
         "lives)"},
        by_district([alive](const Sums& x, std::size_t k) {
          return ratio_or_nan(1000 * x.beds, alive(k));
        }));
  t.add({"nursing_beds_per_100", d, SeriesKind::kStock, "beds per 100 people 60+",
         "Nursing-type institution beds per 100 people 60+ (NaN where nobody lives)"},
        by_district([alive](const Sums& x, std::size_t k) {
          return ratio_or_nan(100 * x.nursing, alive(k));
        }));
  t.add({"respite_beds_per_100_in_need", d, SeriesKind::kStock, "beds per 100 people in need",
         "Respite beds of the open community centres per 100 people in need (seed 004 asks for 3 "
         "per 100 disabled; NaN if nobody is in need)"},
        by_district([&census](const Sums& x, std::size_t k) {
          return ratio_or_nan(100 * x.respite, static_cast<double>(census.need[k]));
        }));

  // Per facility.
  const std::vector<std::string> f{"facility"};
  t.add({"n_places_by_facility", f, SeriesKind::kStock, "places",
         "Places (beds or day-care places) at the period end; 0 when closed", "facilities"},
        [this](Int row) {
          for (std::size_t k = 0; k < row.size(); ++k)
            row[k] = ledger_.place(k).open ? ledger_.place(k).places : 0;
        });
  t.add({"n_occupied_by_facility", f, SeriesKind::kStock, "people",
         "Places occupied at the period end", "facilities"},
        [this](Int row) {
          for (std::size_t k = 0; k < row.size(); ++k) row[k] = ledger_.place(k).occupied;
        });
  t.add({"n_waiting_by_facility", f, SeriesKind::kStock, "people",
         "People waiting for the facility at the period end", "facilities"},
        [this](Int row) {
          for (std::size_t k = 0; k < row.size(); ++k)
            row[k] = static_cast<std::int64_t>(ledger_.waiting_for(k));
        });
  t.add({"new_admissions_by_facility", f, SeriesKind::kFlow, "people", "Admissions in the period",
         "facilities"},
        sim::copy_of(flows_.facility_admissions));
  t.add(
      {"mean_wait_days_by_facility", f, SeriesKind::kMean, "days",
       "Mean completed wait of admissions after a wait in the period (NaN if none)", "facilities"},
      [this](Real row) {
        for (std::size_t k = 0; k < row.size(); ++k)
          row[k] = ratio_or_nan(static_cast<double>(flows_.facility_wait_days[k]),
                                static_cast<double>(flows_.facility_admitted_from_wait[k]));
      });
}

}  // namespace eldersim::care
