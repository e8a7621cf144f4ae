#include "models/sweep.hpp"

#include <tbb/enumerable_thread_specific.h>

#include <array>
#include <memory>

#include "models/random_events.hpp"
#include "sim/parallel.hpp"
#include "sim/rng.hpp"

namespace eldersim {

void SweepEvents::clear() {
  deaths.clear(), moves.clear(), level_changes.clear(), care_due.clear(), admissions.clear();
}

void SweepEvents::append(const SweepEvents& b) {
  deaths.insert(deaths.end(), b.deaths.begin(), b.deaths.end());
  moves.insert(moves.end(), b.moves.begin(), b.moves.end());
  level_changes.insert(level_changes.end(), b.level_changes.begin(), b.level_changes.end());
  care_due.insert(care_due.end(), b.care_due.begin(), b.care_due.end());
  admissions.insert(admissions.end(), b.admissions.begin(), b.admissions.end());
}

namespace {

// One thread's counts and lane buffers.
struct ThreadPart {
  std::vector<std::int64_t> alive_at_start;  // [district][sex][band]
  Spending spending;
  std::vector<std::uint32_t> lanes;  // kLanes x block size
};

}  // namespace

void Sweep::run(const sim::Step& step, const People& people, SweepInputs& in, SweepEvents& out,
                Spending& spending) {
  const Scenario& s = in.scenario;
  const sim::Blocks blocks(people.size(), block_size_);
  if (block_events_.size() < blocks.count()) block_events_.resize(blocks.count());
  const std::size_t cells = static_cast<std::size_t>(s.district_count()) * kSexes *
                            static_cast<std::size_t>(s.bands.count());
  tbb::enumerable_thread_specific<ThreadPart> parts([&] {
    ThreadPart p;
    p.alive_at_start.assign(cells, 0);
    p.spending = Spending(static_cast<std::size_t>(s.district_count()));
    p.lanes.resize(sim::kLanes * block_size_);
    return p;
  });

  const DeathTable& deaths = in.demography.death_table(step.days);
  const bool migration = in.demography.has_migration();
  const std::vector<std::uint32_t>* move_t =
      migration ? &in.demography.move_thresholds(step.days) : nullptr;
  const AdlTransitions& adl = in.health.transitions();
  const bool health_on = adl.enabled();
  const bool care_on = in.care.enabled();
  const bool hospital_on = in.hospitals.enabled();
  const sim::Day mid_day = step.mid_day(), today = step.first_day;
  const auto step_index = static_cast<std::uint32_t>(step.index);
  const int n_bands = s.bands.count();
  const int days = step.days;

  sim::for_each_block(blocks, [&](const sim::BlockRange& r) {
    ThreadPart& part = parts.local();
    SweepEvents& ev = block_events_[r.index];
    ev.clear();
    std::uint32_t* lane[sim::kLanes];
    for (int k = 0; k < sim::kLanes; ++k)
      lane[k] = part.lanes.data() + static_cast<std::size_t>(k) * block_size_;
    sim::fill_lanes(in.seed, people.id.data() + r.begin, r.size(), step_index,
                    {{lane[0], lane[1], lane[2], lane[3]}});
    for (std::size_t j = 0; j < r.size(); ++j) {
      const std::size_t i = r.begin + j;
      if (!people.alive[i]) continue;
      const int d = people.district[i];
      const int sex = people.sex[i];
      const std::int32_t age_days = mid_day - people.birth_day[i];
      const int band = s.bands.band_of_age_days(age_days);
      part.alive_at_start[(static_cast<std::size_t>(d) * kSexes + static_cast<std::size_t>(sex)) *
                              static_cast<std::size_t>(n_bands) +
                          static_cast<std::size_t>(band)] += 1;
      const int level = people.adl[i];
      // Demography: death, else perhaps a move.
      if (lane[kDeathLane][j] < deaths.threshold(deaths.bucket(age_days), sex, level)) {
        ev.deaths.push_back(static_cast<std::uint32_t>(i));
        continue;
      }
      if (migration && lane[kMigrationLane][j] < (*move_t)[static_cast<std::size_t>(d)])
        ev.moves.emplace_back(static_cast<std::uint32_t>(i),
                              static_cast<std::uint16_t>(
                                  in.demography.destination(in.seed, people.id[i], step, d)));
      // Health: the level after the step.
      const int now = health_on ? adl.next_level(band, sex, level, days, lane[kAdlLane][j]) : level;
      const bool changed = now != level;
      if (changed) ev.level_changes.emplace_back(static_cast<std::uint32_t>(i),
                                                 static_cast<std::uint8_t>(now));
      // Care: the step's cost of the care held, and whether the person chooses.
      if (care_on) {
        if (people.care_mode[i] != kNoCare)
          in.care.charge_step(people, i, now, step, in.programme, in.seed, part.spending);
        if (in.care.due(people, i, now, changed, today))
          ev.care_due.push_back({static_cast<std::uint32_t>(i), true});
      }
      // Hospital: admission.
      if (hospital_on && !people.in_hospital(i) &&
          lane[kAdmissionLane][j] < in.hospitals.admission_bound(band, now) &&
          in.hospitals.admitted(people, i, band, now, lane[kAdmissionLane][j], in.care.ledger(),
                                in.programme, in.seed))
        ev.admissions.push_back(static_cast<std::uint32_t>(i));
    }
  });

  out.clear();
  for (std::size_t b = 0; b < blocks.count(); ++b) out.append(block_events_[b]);
  DemographyFlows& flows = in.demography.flows();
  parts.combine_each([&](const ThreadPart& p) {
    for (std::size_t k = 0; k < cells; ++k) flows.exposure_days[k] += p.alive_at_start[k] * days;
    spending.merge(p.spending);
  });
}

}  // namespace eldersim
