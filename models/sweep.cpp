#include "models/sweep.hpp"

#include <tbb/enumerable_thread_specific.h>

#include <algorithm>
#include <array>

#include "models/random_events.hpp"
#include "sim/count_table.hpp"
#include "sim/parallel.hpp"
#include "sim/rng.hpp"

namespace eldersim {

void SweepEvents::clear() {
  deaths.clear(), moves.clear(), level_changes.clear(), care_due.clear();
  admission_candidates.clear();
}

void SweepEvents::append(const SweepEvents& b) {
  deaths.insert(deaths.end(), b.deaths.begin(), b.deaths.end());
  moves.insert(moves.end(), b.moves.begin(), b.moves.end());
  level_changes.insert(level_changes.end(), b.level_changes.begin(), b.level_changes.end());
  care_due.insert(care_due.end(), b.care_due.begin(), b.care_due.end());
  admission_candidates.insert(admission_candidates.end(), b.admission_candidates.begin(),
                              b.admission_candidates.end());
}

namespace {

// The columns and the step's tables the decide pass reads, as plain pointers.
struct DecideInputs {
  const std::uint8_t* alive;
  const std::uint16_t* district;
  const std::uint8_t* sex;
  const std::uint8_t* adl;
  const std::int32_t* birth_day;
  const std::uint32_t* stay;
  const std::uint8_t* care_mode;
  const std::uint8_t* care_flags;
  const std::int32_t* next_review;
  const std::uint32_t* death;      // DeathTable rows (bucket * 2 + sex) * 5 + level
  const std::uint32_t* adl_steps;  // ADL thresholds, rows (band * 2 + sex) * 5 + level, 4 each
  const std::uint32_t* admission;  // admission bounds [band][level] (all zero: no hospitals)
  std::int32_t mid_day;
  std::int32_t death_base;  // DeathTable's first bucket, in days of age
  std::int32_t buckets;
  std::int32_t min_age;
  std::int32_t bands;
  std::int32_t choice_level;
  std::int32_t today;
  bool health;
  bool care;
  bool hospitals;
};

// What the decide pass finds for each person of a block: Outcome bits, the level after the
// step's transition, the age band and the exposure cell.
enum Outcome : std::uint8_t {
  kAlive = 1u << 0,
  kDies = 1u << 1,
  kLevelChanges = 1u << 2,
  kMayBeAdmitted = 1u << 3,  // below the admission bound: the exact test decides
  kCareBusiness = 1u << 4,   // holds care, or may be due to choose
};
struct Decided {
  std::vector<std::uint8_t> outcome;
  std::vector<std::uint8_t> level;
  std::vector<std::uint8_t> band;
  std::vector<std::uint16_t> cell;  // (district * 2 + sex) * bands + band
  explicit Decided(std::size_t n) : outcome(n), level(n), band(n), cell(n) {}
};

// The branch-free part of the sweep for persons [begin, begin + n) of a block, from the lanes:
// death, the level after the step, the admission bound and whether care has business with the
// person. The loop is vectorised; its table look-ups are loads, not vector gathers (gathers
// measured slower on this machine, docs/performance.md).
template <bool kHealth, bool kCare, bool kHospitals>
void decide_block(const DecideInputs& in, std::size_t begin, std::size_t n,
                  const std::uint32_t* const* lane, Decided& decided) {
  std::uint8_t* __restrict outcome_out = decided.outcome.data();
  std::uint8_t* __restrict level_out = decided.level.data();
  std::uint8_t* __restrict band_out = decided.band.data();
  std::uint16_t* __restrict cell_out = decided.cell.data();
  const std::uint32_t* __restrict l_death = lane[kDeathLane];
  const std::uint32_t* __restrict l_adl = lane[kAdlLane];
  const std::uint32_t* __restrict l_admit = lane[kAdmissionLane];
  const std::uint8_t* __restrict alive = in.alive + begin;
  const std::uint16_t* __restrict district = in.district + begin;
  const std::uint8_t* __restrict sex = in.sex + begin;
  const std::uint8_t* __restrict adl = in.adl + begin;
  const std::int32_t* __restrict birth = in.birth_day + begin;
  const std::uint32_t* __restrict stay = in.stay + begin;
  const std::uint8_t* __restrict care_mode = in.care_mode + begin;
  const std::uint8_t* __restrict care_flags = in.care_flags + begin;
  const std::int32_t* __restrict next_review = in.next_review + begin;
  const std::uint32_t* __restrict death = in.death;
  const std::uint32_t* __restrict adl_t = in.adl_steps;
  const std::uint32_t* __restrict admission = in.admission;
  const std::int32_t mid = in.mid_day, base = in.death_base, last_bucket = in.buckets - 1;
  const std::int32_t min_age = in.min_age, last_band = in.bands - 1, bands = in.bands;
  const std::int32_t choice_level = in.choice_level, today = in.today;
  // The outputs are the block's own arrays, never a column or a table read here.
#pragma GCC ivdep
  for (std::size_t j = 0; j < n; ++j) {
    const std::int32_t age = mid - birth[j];
    // Whole years are floor(4 * days / 1461) (AgeBands::band_of_age_days).
    const std::int32_t years =
        static_cast<std::int32_t>((4u * static_cast<std::uint32_t>(age < 0 ? 0 : age)) / 1461u);
    const std::int32_t over_min = years - min_age;
    std::int32_t band =
        static_cast<std::int32_t>(static_cast<std::uint32_t>(over_min < 0 ? 0 : over_min) / 5u);
    band = band > last_band ? last_band : band;
    std::int32_t bucket = (age - base) >> DeathTable::kBucketShift;
    bucket = bucket < 0 ? 0 : (bucket > last_bucket ? last_bucket : bucket);
    const std::int32_t s = sex[j];
    const std::int32_t level = adl[j];
    const std::uint32_t is_alive = alive[j] != 0;
    const std::uint32_t dies =
        is_alive & (l_death[j] < death[(bucket * kSexes + s) * kAdlLevels + level]);
    std::int32_t now = level;
    if constexpr (kHealth) {
      const std::int32_t row = ((band * kSexes + s) * kAdlLevels + level) * 4;
      const std::uint32_t u = l_adl[j];
      now = static_cast<std::int32_t>((u >= adl_t[row]) + (u >= adl_t[row + 1]) +
                                      (u >= adl_t[row + 2]) + (u >= adl_t[row + 3]));
    }
    std::uint32_t admit = 0;
    if constexpr (kHospitals)
      admit = (stay[j] == kNoSlot) & (l_admit[j] < admission[band * kAdlLevels + now]);
    const std::uint32_t changes = now != level;
    std::uint32_t busy = 0;
    if constexpr (kCare)
      busy = (care_mode[j] != kNoCare) | changes | ((care_flags[j] & kChoiceDue) != 0) |
             ((now >= choice_level) & (next_review[j] <= today));
    outcome_out[j] = static_cast<std::uint8_t>(is_alive | (dies << 1) | (changes << 2) |
                                               (admit << 3) | (busy << 4));
    level_out[j] = static_cast<std::uint8_t>(now);
    band_out[j] = static_cast<std::uint8_t>(band);
    cell_out[j] = static_cast<std::uint16_t>((district[j] * kSexes + s) * bands + band);
  }
}

void decide(const DecideInputs& in, std::size_t begin, std::size_t n,
            const std::uint32_t* const* lane, Decided& decided) {
  // Processes switched off cost nothing: each combination is its own loop.
  using Kernel = void (*)(const DecideInputs&, std::size_t, std::size_t,
                          const std::uint32_t* const*, Decided&);
  static constexpr Kernel kernels[8] = {
      decide_block<false, false, false>, decide_block<false, false, true>,
      decide_block<false, true, false>,  decide_block<false, true, true>,
      decide_block<true, false, false>,  decide_block<true, false, true>,
      decide_block<true, true, false>,   decide_block<true, true, true>};
  kernels[(in.health ? 4 : 0) + (in.care ? 2 : 0) + (in.hospitals ? 1 : 0)](in, begin, n, lane,
                                                                            decided);
}

// One thread's counts and buffers.
struct ThreadPart {
  // People alive at the start of the step by cell, in four interleaved copies so that
  // neighbours in the same cell do not wait on each other's increment.
  std::vector<std::int64_t> alive_at_start;  // [4][district][sex][band]
  sim::CountTable charges;                   // people by class of care held (CareSystem)
  std::vector<std::uint32_t> lanes;          // kLanes x block size
  Decided decided;
  ThreadPart(std::size_t block, std::size_t cells)
      : alive_at_start(4 * cells, 0), lanes(sim::kLanes * block), decided(block) {}
};

// What the events pass needs besides the decide pass's results.
struct EventContext {
  const People* people;
  SweepInputs* in;
  const sim::Step* step;
  const std::vector<std::uint32_t>* move_thresholds;  // nullptr without migration
  std::size_t cells;
};

// The part that is not branch-free: exposure counts, and the events of the few who die, move,
// change level, hold or choose care, or may be admitted.
void collect_events(const EventContext c, const sim::BlockRange& r,
                    const std::uint32_t* const* lane, const Decided& dec, ThreadPart& part,
                    SweepEvents& ev) {
  const std::uint8_t* __restrict outcome = dec.outcome.data();
  const std::uint16_t* __restrict cell = dec.cell.data();
  std::int64_t* __restrict exposure = part.alive_at_start.data();
  const std::size_t cells = c.cells;
  const bool migration = c.move_thresholds != nullptr;
  for (std::size_t j = 0; j < r.size(); ++j) {
    const std::uint8_t o = outcome[j];
    if (!(o & kAlive)) continue;
    exposure[(j & 3) * cells + cell[j]] += 1;
    if (o == kAlive && !migration) continue;  // nothing else happens to this person
    const auto i = static_cast<std::uint32_t>(r.begin + j);
    if (o & kDies) {
      ev.deaths.push_back(i);
      continue;
    }
    const People& people = *c.people;
    SweepInputs& in = *c.in;
    int d = people.district[i];  // after the step's move, if any
    if (migration && lane[kMigrationLane][j] < (*c.move_thresholds)[static_cast<std::size_t>(d)]) {
      d = in.demography.destination(in.seed, people.id[i], *c.step, d);
      ev.moves.emplace_back(i, static_cast<std::uint16_t>(d));
    }
    const int now = dec.level[j];
    if (o & kLevelChanges) ev.level_changes.emplace_back(i, static_cast<std::uint8_t>(now));
    if (o & kCareBusiness) {
      if (people.care_mode[i] != kNoCare)
        part.charges.add(
            in.care.charge_class(people, i, d, now, c.step->first_day, in.programme, in.seed));
      if (in.care.due(people, i, now, o & kLevelChanges, c.step->first_day))
        ev.care_due.push_back({i, true});
    }
    if (o & kMayBeAdmitted) ev.admission_candidates.emplace_back(i, lane[kAdmissionLane][j]);
  }
}

}  // namespace

void Sweep::run(const sim::Step& step, const People& people, SweepInputs& in, SweepEvents& out,
                Spending& spending) {
  const Scenario& s = in.scenario;
  const std::size_t block = block_size_;
  const sim::Blocks blocks(people.size(), block);
  if (block_events_.size() < blocks.count()) block_events_.resize(blocks.count());
  const std::size_t cells = static_cast<std::size_t>(s.district_count()) * kSexes *
                            static_cast<std::size_t>(s.bands.count());
  tbb::enumerable_thread_specific<ThreadPart> parts([&] { return ThreadPart(block, cells); });

  const DeathTable& deaths = in.demography.death_table(step.days);
  const std::vector<std::uint32_t>* move_t =
      in.demography.has_migration() ? &in.demography.move_thresholds(step.days) : nullptr;
  const std::vector<std::uint32_t> no_admissions(
      static_cast<std::size_t>(s.bands.count()) * kAdlLevels, 0);
  const DecideInputs decide_in{
      people.alive.data(),
      people.district.data(),
      people.sex.data(),
      people.adl.data(),
      people.birth_day.data(),
      people.stay.data(),
      people.care_mode.data(),
      people.care_flags.data(),
      people.next_review.data(),
      deaths.data(),
      in.health.transitions().step_thresholds(step.days),
      in.hospitals.enabled() ? in.hospitals.admission_bounds() : no_admissions.data(),
      step.mid_day(),
      deaths.base_days(),
      deaths.buckets(),
      s.bands.min_age,
      s.bands.count(),
      s.care.choice_level,
      step.first_day,
      in.health.transitions().enabled(),
      in.care.enabled(),
      in.hospitals.enabled()};
  const EventContext ctx{&people, &in, &step, move_t, cells};
  const auto step_index = static_cast<std::uint32_t>(step.index);

  sim::for_each_block(blocks, [&](const sim::BlockRange& r) {
    ThreadPart& part = parts.local();
    SweepEvents& ev = block_events_[r.index];
    ev.clear();
    std::uint32_t* lane[sim::kLanes];
    for (int k = 0; k < sim::kLanes; ++k)
      lane[k] = part.lanes.data() + static_cast<std::size_t>(k) * block;
    sim::fill_lanes(in.seed, people.id.data() + r.begin, r.size(), step_index,
                    {{lane[0], lane[1], lane[2], lane[3]}});
    decide(decide_in, r.begin, r.size(), lane, part.decided);
    collect_events(ctx, r, lane, part.decided, part, ev);
  });

  out.clear();
  for (std::size_t b = 0; b < blocks.count(); ++b) out.append(block_events_[b]);
  DemographyFlows& flows = in.demography.flows();
  sim::CountTable charges;
  parts.combine_each([&](const ThreadPart& p) {
    for (std::size_t k = 0; k < 4 * cells; ++k)
      flows.exposure_days[k % cells] += p.alive_at_start[k] * step.days;
    charges.merge(p.charges);
  });
  charges.for_each([&](std::uint64_t key, std::int64_t n) {
    in.care.charge(key, n, step, in.programme, spending);
  });
}

}  // namespace eldersim
