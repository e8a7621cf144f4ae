#include "models/person_ops.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include "models/care_ledger.hpp"
#include "models/demography.hpp"
#include "models/health.hpp"
#include "models/hospital.hpp"

namespace eldersim {

void PersonOps::die(std::size_t i, const sim::Step& step, sim::Day day) {
  const std::size_t setting = death_setting(people_.care_mode[i], people_.in_hospital(i));
  stop_waiting(i);
  free_place(take_place(i), care::StayEnd::kDied);
  people_.care_flags[i] &= static_cast<std::uint8_t>(~kWaitsInHospital);
  if (people_.in_hospital(i)) hospitals_.end_stay_on_death(i, day, people_);
  people_.alive[i] = 0;
  ++dead_rows_;
  const int d = people_.district[i];
  const int band = scenario_.bands.band_of_age_days(step.mid_day() - people_.birth_day[i]);
  DemographyFlows& flows = demography_.flows();
  flows.deaths[demography_.cell(d, people_.sex[i], band)] += 1;
  flows.deaths_by_setting[static_cast<std::size_t>(d) * kDeathSettings + setting] += 1;
  flows.cum_deaths[static_cast<std::size_t>(d)] += 1;
}

PersonOps::Deaths PersonOps::die_rows(std::span<const std::uint32_t> rows, const sim::Step& step) {
  const std::size_t n = rows.size();
  Deaths out{std::vector<std::uint32_t>(n, kNoSlot), std::vector<HeldPlace>(n),
             std::vector<char>(n, 0)};
  std::vector<std::uint32_t>& slots = out.slots;
  std::vector<HeldPlace>& held = out.held;
  std::vector<char>& inpatient = out.inpatient;
  DemographyFlows& flows = demography_.flows();
  struct Counts {
    std::vector<std::int64_t> deaths, by_setting, cum;
  };
  tbb::enumerable_thread_specific<Counts> counts([&] {
    return Counts{std::vector<std::int64_t>(flows.deaths.size(), 0),
                  std::vector<std::int64_t>(flows.deaths_by_setting.size(), 0),
                  std::vector<std::int64_t>(flows.cum_deaths.size(), 0)};
  });
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, n, 256), [&](const tbb::blocked_range<std::size_t>& r) {
        Counts& mine = counts.local();
        for (std::size_t k = r.begin(); k != r.end(); ++k) {
          const std::size_t i = rows[k];
          const std::size_t setting = death_setting(people_.care_mode[i], people_.in_hospital(i));
          slots[k] = take_wait_slot(i);
          held[k] = take_place(i);
          people_.care_flags[i] &= static_cast<std::uint8_t>(~kWaitsInHospital);
          inpatient[k] = people_.in_hospital(i);
          if (!inpatient[k]) people_.alive[i] = 0;
          const int d = people_.district[i];
          const int band = scenario_.bands.band_of_age_days(step.mid_day() - people_.birth_day[i]);
          mine.deaths[demography_.cell(d, people_.sex[i], band)] += 1;
          mine.by_setting[static_cast<std::size_t>(d) * kDeathSettings + setting] += 1;
          mine.cum[static_cast<std::size_t>(d)] += 1;
        }
      });
  counts.combine_each([&](const Counts& c) {
    for (std::size_t k = 0; k < c.deaths.size(); ++k) flows.deaths[k] += c.deaths[k];
    for (std::size_t k = 0; k < c.by_setting.size(); ++k)
      flows.deaths_by_setting[k] += c.by_setting[k];
    for (std::size_t k = 0; k < c.cum.size(); ++k) flows.cum_deaths[k] += c.cum[k];
  });
  return out;
}

void PersonOps::die_settle(std::span<const std::uint32_t> rows, const Deaths& deaths,
                           const sim::Step& step) {
  care::Ledger::Batch batch;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    free_place(deaths.held[k], care::StayEnd::kDied);
    if (deaths.slots[k] != kNoSlot) batch.leave.push_back(deaths.slots[k]);
    if (deaths.inpatient[k]) {
      hospitals_.end_stay_on_death(rows[k], step.first_day, people_);
      people_.alive[rows[k]] = 0;
    }
  }
  std::vector<std::uint32_t> none;
  ledger_.change_queues(ledger_.take_slots(batch, none));
  dead_rows_ += rows.size();
}

void PersonOps::change_level(std::size_t i, int to) {
  const int from = people_.adl[i];
  if (to == from) return;
  health_.period_transitions()[health_.transition_cell(people_.district[i], from, to)] += 1;
  people_.adl[i] = static_cast<std::uint8_t>(to);
  people_.care_flags[i] |= kChoiceDue;
}

void PersonOps::change_levels(std::span<const std::pair<std::uint32_t, std::uint8_t>> changes) {
  std::vector<std::int64_t>& transitions = health_.period_transitions();
  tbb::enumerable_thread_specific<std::vector<std::int64_t>> counts(
      [&] { return std::vector<std::int64_t>(transitions.size(), 0); });
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, changes.size(), 1024),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      std::vector<std::int64_t>& mine = counts.local();
                      for (std::size_t k = r.begin(); k != r.end(); ++k) {
                        const auto [i, to] = changes[k];
                        const int from = people_.adl[i];
                        if (to == from) continue;
                        mine[health_.transition_cell(people_.district[i], from, to)] += 1;
                        people_.adl[i] = to;
                        people_.care_flags[i] |= kChoiceDue;
                      }
                    });
  counts.combine_each([&](const std::vector<std::int64_t>& mine) {
    for (std::size_t k = 0; k < mine.size(); ++k) transitions[k] += mine[k];
  });
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

PersonOps::HeldPlace PersonOps::take_place(std::size_t i) {
  HeldPlace held{static_cast<CareMode>(people_.care_mode[i]),
                 people_.care_facility[i],
                 people_.district[i],
                 people_.care_hours[i],
                 (people_.care_flags[i] & kNursingBed) != 0,
                 people_.care_since[i]};
  people_.care_mode[i] = kNoCare;
  people_.care_facility[i] = kNoFacility;
  people_.care_hours[i] = 0;
  people_.care_flags[i] &= static_cast<std::uint8_t>(~kNursingBed);
  if (people_.waiting(i)) ledger_.forget_held(people_.wait_slot[i]);
  return held;
}

void PersonOps::free_place(const HeldPlace& held, care::StayEnd end) {
  ledger_.free_place(held, end);
}

std::uint32_t PersonOps::take_wait_slot(std::size_t i) {
  const std::uint32_t slot = people_.wait_slot[i];
  people_.wait_slot[i] = kNoSlot;
  return slot;
}

void PersonOps::leave_care(std::size_t i) {
  free_place(take_place(i));
}

void PersonOps::stop_waiting(std::size_t i) {
  if (const std::uint32_t slot = take_wait_slot(i); slot != kNoSlot) ledger_.leave(slot);
}

}  // namespace eldersim
