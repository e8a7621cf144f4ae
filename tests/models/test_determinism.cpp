// Results are a function of the scenario and its seed only: the same for any thread count and
// any block size, and the same after the state is saved mid-run and restored into a new model.

#include <gtest/gtest.h>

#include "models/elder_model.hpp"
#include "tests/test_support.hpp"

namespace eldersim {
namespace {

using testing::MemorySink;
using testing::run_in_memory;
using testing::run_scenario;
using testing::scenario_with;

// Busy enough to take the rare paths: moves, a closure, waiting lists (beds cut), delayed
// discharge with the priority switched on, bed conversions, supply response.
std::shared_ptr<const Scenario> busy_scenario() {
  return scenario_with(
      {"simulation.end=2023-06-30", "population.scale=0.02",
       "migration=[{from: Yuexiu, to: Baiyun, annual_rate: 0.05}, {from: Tianhe, to: Huangpu, "
       "annual_rate: 0.05}]",
       "care.facilities.Haizhu private homes.closes=2021-06-30",
       "care.supply_response={enabled: true, lag_days: 60, review_days: 91}",
       "policy_events=[{date: 2020-03-01, set_places: {districts: [Yuexiu, Liwan, Haizhu], "
       "percent: -50}}, {date: 2021-01-01, convert_hospital_beds: {tier: 2, percent: 10, to: "
       "rehabilitation}}, {date: 2021-07-01, convert_hospital_beds: {tier: 1, percent: 20}}, "
       "{date: 2022-01-01, set_medical_care: {discharge_priority: true}}]"});
}

TEST(Determinism, IdenticalForAnyThreadCountAndBlockSize) {
  const auto scenario = busy_scenario();
  const MemorySink reference = run_scenario(scenario, 1, 0);
  ASSERT_FALSE(reference.ints.empty());
  struct Variant {
    int threads;
    std::size_t block_size;
  };
  for (const Variant v : {Variant{2, 0}, Variant{4, 0}, Variant{1, 7}, Variant{2, 1000},
                          Variant{3, 333}, Variant{2, 1 << 20}}) {
    SCOPED_TRACE("threads " + std::to_string(v.threads) + ", block size " +
                 std::to_string(v.block_size));
    testing::expect_identical(reference, run_scenario(scenario, v.threads, v.block_size));
  }
}

// Rows from period `from` on.
MemorySink from_period(const MemorySink& s, std::size_t from) {
  MemorySink out;
  for (const auto& [name, rows] : s.ints)
    out.ints[name].assign(rows.begin() + static_cast<long>(from), rows.end());
  for (const auto& [name, rows] : s.doubles)
    out.doubles[name].assign(rows.begin() + static_cast<long>(from), rows.end());
  return out;
}

TEST(Determinism, SavedStateRestoredIntoANewModelContinuesIdentically) {
  const auto scenario = busy_scenario();
  ElderModel original(scenario);
  // Save in the middle of a period (flows partly filled), after the waiting lists, delayed
  // discharges and conversions are under way.
  MemorySink before;
  while (original.next_step() < 150) {
    const sim::Step& step = original.calendar().step(original.next_step());
    original.step();
    if (step.ends_period) original.end_period(before);
  }
  ASSERT_FALSE(original.calendar().step(original.next_step() - 1).ends_period);
  ASSERT_GT(original.care().ledger().waiting_count(), 0u);
  const std::vector<std::byte> state = original.save_state();
  const std::size_t periods_done = before.ints.at("n_alive").size();

  ElderModel restored(scenario);
  restored.restore_state(state);
  EXPECT_EQ(restored.next_step(), 150);
  EXPECT_EQ(restored.agent_count(), original.agent_count());
  // Saving the restored state gives the same bytes.
  EXPECT_EQ(restored.save_state(), state);

  const MemorySink a = run_in_memory(original);
  const MemorySink b = run_in_memory(restored);
  ASSERT_EQ(a.ints.at("n_alive").size(),
            static_cast<std::size_t>(original.calendar().n_periods()) - periods_done);
  testing::expect_identical(a, b);
  // And both match a run that was never interrupted.
  ElderModel straight(scenario);
  testing::expect_identical(from_period(run_in_memory(straight), periods_done), a);
}

TEST(Determinism, RestoreRefusesAnotherScenarioOrDamagedState) {
  const auto scenario = busy_scenario();
  ElderModel model(scenario);
  model.step();
  const std::vector<std::byte> state = model.save_state();
  ElderModel other_seed(
      scenario_with({"simulation.end=2023-06-30", "population.scale=0.02", "simulation.seed=77"}));
  EXPECT_THROW(other_seed.restore_state(state), sim::ArchiveError);
  ElderModel fresh(scenario);
  const std::vector<std::byte> truncated(state.begin(), state.begin() + state.size() / 2);
  EXPECT_THROW(fresh.restore_state(truncated), sim::ArchiveError);
  std::vector<std::byte> longer = state;
  longer.push_back(std::byte{0});
  EXPECT_THROW(fresh.restore_state(longer), sim::ArchiveError);
  std::vector<std::byte> foreign = state;
  foreign[0] = std::byte{0x42};
  EXPECT_THROW(fresh.restore_state(foreign), sim::ArchiveError);
  // A model whose restore failed part way is not stepped on.
  EXPECT_THROW(fresh.step(), std::logic_error);
}

}  // namespace
}  // namespace eldersim
