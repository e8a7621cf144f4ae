// Micro-benchmarks of the hot paths (Google Benchmark). items_per_second = person-steps per
// second for the per-agent processes. Run: build/bench/eldersim_bench (see docs/performance.md).
#include <benchmark/benchmark.h>

#include <filesystem>

#include "models/care.hpp"
#include "models/demography.hpp"
#include "models/health.hpp"
#include "models/hospital.hpp"
#include "models/metrics.hpp"
#include "models/model.hpp"
#include "models/synthesis.hpp"
#include "sim/parallel.hpp"
#include "sim/rng.hpp"
#include "sim/runner.hpp"

namespace {

using namespace eldersim;

// The Guangzhou scenario scaled to about `agents` people.
std::shared_ptr<const Scenario> scenario_of_size(std::int64_t agents) {
  const auto path = std::filesystem::path(ELDERSIM_SOURCE_DIR) / "configs" / "guangzhou.yaml";
  const double scale = static_cast<double>(agents) / 2'130'598.0;
  return std::make_shared<const Scenario>(
      parse_scenario(sim::load_configuration(path, {"population.scale=" + std::to_string(scale)})));
}

void BM_DemographyStep(benchmark::State& state) {
  const sim::ThreadLimit limit(static_cast<int>(state.range(1)));
  const auto scenario = scenario_of_size(state.range(0));
  World world(scenario);
  world.people = synthesize_population(*scenario);
  const sim::Calendar calendar(scenario->simulation.calendar);
  PeriodFlows flows(*scenario);
  std::vector<PeriodFlows> scratch;
  int k = 0;
  for (auto _ : state) {
    demography::deaths_and_moves(world, calendar.step(k++ % 4), flows, scratch);
    state.PauseTiming();
    std::fill(world.people.alive.begin(), world.people.alive.end(), 1);  // keep the size fixed
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(world.people.size()));
  state.counters["agents"] = static_cast<double>(world.people.size());
}
BENCHMARK(BM_DemographyStep)
    ->ArgsProduct({{100'000, 1'000'000}, {1, 2}})
    ->ArgNames({"agents", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_HealthStep(benchmark::State& state) {
  const sim::ThreadLimit limit(static_cast<int>(state.range(1)));
  const auto scenario = scenario_of_size(state.range(0));
  World world(scenario);
  world.people = synthesize_population(*scenario);
  const sim::Calendar calendar(scenario->simulation.calendar);
  PeriodFlows flows(*scenario);
  std::vector<PeriodFlows> scratch;
  int k = 0;
  for (auto _ : state) health::step(world, calendar.step(k++ % 4), flows, scratch);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(world.people.size()));
}
BENCHMARK(BM_HealthStep)
    ->ArgsProduct({{100'000, 1'000'000}, {1, 2}})
    ->ArgNames({"agents", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Runs the model through 2020, so that care places are held, waiting lists exist and patients
// are in hospital, as in a running simulation; returns the index of the next step.
int simulate_first_year(ElderModel& model) {
  const sim::Calendar& calendar = model.calendar();
  int k = 0;
  for (; calendar.step(k).first_day < sim::make_day(2021, 1, 1); ++k) model.step(calendar.step(k));
  return k;
}

// The care step (census, choices, allocation) after a simulated year.
void BM_CareStep(benchmark::State& state) {
  const sim::ThreadLimit limit(static_cast<int>(state.range(1)));
  const auto scenario = scenario_of_size(state.range(0));
  ElderModel model(scenario);
  const sim::Calendar& calendar = model.calendar();
  const int k = simulate_first_year(model);
  PeriodFlows flows(*scenario);
  for (auto _ : state) care::step(model.mutable_world(), calendar.step(k), flows);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(model.agent_count()));
}
BENCHMARK(BM_CareStep)
    ->ArgsProduct({{100'000, 1'000'000}, {1, 2}})
    ->ArgNames({"agents", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The hospital step (scan, admissions, stay ends, discharge into care) after a simulated year,
// on successive steps so that stays start and end as in a running simulation.
void BM_HospitalStep(benchmark::State& state) {
  const sim::ThreadLimit limit(static_cast<int>(state.range(1)));
  const auto scenario = scenario_of_size(state.range(0));
  ElderModel model(scenario);
  const sim::Calendar& calendar = model.calendar();
  int k = simulate_first_year(model);
  PeriodFlows flows(*scenario);
  for (auto _ : state) {
    hospital::step(model.mutable_world(), calendar.step(k), flows);
    k = std::min(k + 1, calendar.n_steps() - 1);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(model.agent_count()));
}
BENCHMARK(BM_HospitalStep)
    ->ArgsProduct({{100'000, 1'000'000}, {1, 2}})
    ->ArgNames({"agents", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_CountStocks(benchmark::State& state) {
  const sim::ThreadLimit limit(static_cast<int>(state.range(1)));
  const auto scenario = scenario_of_size(state.range(0));
  const People people = synthesize_population(*scenario);
  std::vector<Stocks> scratch;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        count_stocks(people, *scenario, scenario->simulation.calendar.start, scratch));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(people.size()));
}
BENCHMARK(BM_CountStocks)
    ->ArgsProduct({{1'000'000}, {1, 2}})
    ->ArgNames({"agents", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_Synthesis(benchmark::State& state) {
  const auto scenario = scenario_of_size(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(synthesize_population(*scenario));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Synthesis)
    ->Arg(1'000'000)
    ->ArgName("agents")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_PhiloxUniform(benchmark::State& state) {
  std::uint64_t id = 0;
  double sum = 0;
  for (auto _ : state) {
    sim::RandomStream rng(1, id++, 5, 2);
    sum += rng.uniform();
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PhiloxUniform);

}  // namespace

BENCHMARK_MAIN();
