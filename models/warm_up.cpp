// The care warm-up (care.warm_up_years): the care system as it stands at the start, not empty.
//
// Without it every place is empty on the first day and everyone in need chooses at once, with
// no history: institutions fill in the first weeks (all of it counted as admissions) and keep
// filling for years as the switching cost (care.choice.inertia) keeps residents in place. The
// warm-up runs the care step alone for warm_up_years before the start, on the population as
// synthesised for the start, with the supply and programmes of the first step:
//   turnover   each person at or above the choice level dies with the step's death probability
//              at their age and level on the first step (the step of death drawn ahead,
//              geometric), and is replaced by an identical person with no care and no history
//              (their place and wait are freed; they choose at once): the population stays the
//              census population, the care system turns over
//   due        reviews that fall due, and the replaced
//   care step  reneging, choice (with inertia), allocation: the run's own care step
// Nothing else runs (no ageing, ADL change, hospital or entrants) and nothing of it is output:
// its flows and spending are dropped. Its draws use step indices from kWarmUpStepIndex, apart
// from any run step's. What stays is the care held, the waiting lists (with their start days,
// before the start) and the review days.

#include <algorithm>
#include <cmath>
#include <limits>

#include "models/elder_model.hpp"
#include "models/random_events.hpp"
#include "sim/parallel.hpp"
#include "sim/rng.hpp"

namespace eldersim {

namespace {

constexpr sim::Day kChooseNow = std::numeric_limits<sim::Day>::min();  // care.cpp's first review

// Rows [0, n) that pass `keep`, in row order, gathered block by block in parallel.
template <class Keep>
std::vector<std::uint32_t> rows_where(std::size_t n, std::size_t block_size, Keep keep) {
  const sim::Blocks blocks(n, block_size);
  std::vector<std::vector<std::uint32_t>> per_block(blocks.count());
  sim::for_each_block(blocks, [&](const sim::BlockRange& r) {
    auto& out = per_block[r.index];
    for (std::size_t i = r.begin; i < r.end; ++i)
      if (keep(i)) out.push_back(static_cast<std::uint32_t>(i));
  });
  std::vector<std::uint32_t> rows;
  for (const auto& b : per_block) rows.insert(rows.end(), b.begin(), b.end());
  return rows;
}

}  // namespace

void ElderModel::warm_up_care(const sim::Step& first) {
  const CareSpec& spec = scenario_->care;
  if (!care_.enabled() || spec.warm_up_years <= 0) return;
  const int step_days = scenario_->simulation.calendar.step_days;
  const int steps =
      static_cast<int>(std::lround(spec.warm_up_years * sim::kDaysPerYear / step_days));
  Spending dropped(static_cast<std::size_t>(scenario_->district_count()));
  // The warm-up's care steps are timed section by section, reported as "care warm-up: ...".
  sim::SectionTimes inner;
  care::CareContext ctx{people_, ops_, policy_.programme(), policy_.programme_version(), dropped,
                        seed_,   inner};
  using Kind = sim::SectionTimes::Kind;
  std::vector<std::uint32_t> choosers;
  std::vector<std::vector<std::uint32_t>> exits;
  const DeathTable& deaths = demography_.death_table(step_days);
  times_.run("care warm-up: set-up", Kind::kParallel, [&] {
    // Only people at the choice level take part, and nobody's level or age changes: the same
    // people all along.
    choosers = rows_where(people_.size(), block_size_, [&](std::size_t i) {
      return people_.alive[i] && people_.adl[i] >= spec.choice_level;
    });
    exits = first_exits(choosers, deaths, first, steps);
  });
  for (int k = 0; k < steps; ++k) {
    const auto index = kWarmUpStepIndex + static_cast<std::uint32_t>(k);
    const sim::Step step{static_cast<int>(index), first.first_day - (steps - k) * step_days,
                         step_days, 0, false};
    times_.run("care warm-up: turnover", Kind::kSerial, [&] {
      care_.ledger().start_step(step.first_day);
      // Turnover: the replaced lose their care and choose at once; their successors' own exits.
      std::vector<std::uint32_t>& replaced = exits[static_cast<std::size_t>(k)];
      std::sort(replaced.begin(), replaced.end());
      for (std::uint32_t i : replaced) {
        ops_.stop_waiting(i);
        ops_.free_place(ops_.take_place(i), care::StayEnd::kDied);
        people_.next_review[i] = kChooseNow;
        if (const int next = next_exit(i, deaths, first, k + 1); next < steps)
          exits[static_cast<std::size_t>(next)].push_back(i);
      }
    });
    std::vector<care::Due> due;
    times_.run("care warm-up: reviews due", Kind::kParallel, [&] {
      const auto at = rows_where(choosers.size(), block_size_, [&](std::size_t c) {
        const std::uint32_t i = choosers[c];
        return (people_.care_flags[i] & kChoiceDue) || people_.next_review[i] <= step.first_day;
      });
      due.reserve(at.size());
      for (std::uint32_t c : at) due.push_back({choosers[c], true});
    });
    care_.step(step, due, ctx);
  }
  times_.merge(inner, "care warm-up: ");
  times_.run("care warm-up: finish", Kind::kSerial, [&] {
    care_.clear_period();
    care_.ledger().start_step(first.first_day);
    care_.ledger().carry_in_waits();
  });
}

// The warm-up step, from `from` on, at which person i dies (and is replaced): geometric with the
// step's death probability at their age and level on the first step, drawn from the person's
// stream of that step (so each replacement draws afresh); INT_MAX if never.
int ElderModel::next_exit(std::size_t i, const DeathTable& deaths, const sim::Step& first,
                          int from) const {
  const double p = deaths.threshold(deaths.bucket(first.mid_day() - people_.birth_day[i]),
                                    people_.sex[i], people_.adl[i]) *
                   0x1.0p-32;
  if (p <= 0) return std::numeric_limits<int>::max();
  sim::RandomStream rng(seed_, people_.id[i], kWarmUpStepIndex + static_cast<std::uint32_t>(from),
                        kind(RandomEvent::kWarmUpTurnover));
  const double u = 1 - rng.uniform();  // (0, 1]
  const double wait = p >= 1 ? 0 : std::floor(std::log(u) / std::log1p(-p));
  return wait >= static_cast<double>(std::numeric_limits<int>::max() - from)
             ? std::numeric_limits<int>::max()
             : from + static_cast<int>(wait);
}

// Every chooser's first exit, by warm-up step (rows in order within a step), drawn in parallel.
std::vector<std::vector<std::uint32_t>> ElderModel::first_exits(
    const std::vector<std::uint32_t>& choosers, const DeathTable& deaths, const sim::Step& first,
    int steps) const {
  std::vector<int> at(choosers.size());
  sim::for_each_block(sim::Blocks(choosers.size(), block_size_), [&](const sim::BlockRange& r) {
    for (std::size_t k = r.begin; k < r.end; ++k) at[k] = next_exit(choosers[k], deaths, first, 0);
  });
  std::vector<std::vector<std::uint32_t>> exits(static_cast<std::size_t>(steps));
  for (std::size_t k = 0; k < choosers.size(); ++k)
    if (at[k] < steps) exits[static_cast<std::size_t>(at[k])].push_back(choosers[k]);
  return exits;
}

}  // namespace eldersim
