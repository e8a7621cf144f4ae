// Micro-benchmarks of the hot paths (Google Benchmark). items_per_second = person-steps (or
// draws) per second. Run: build/bench/eldersim_bench (docs/performance.md has the figures).
// Whole steps are timed by phase in the macro benchmark (bench/macro.cpp), from the model's own
// section times.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "bench/floor_kernel.hpp"
#include "models/care_choice.hpp"
#include "models/elder_model.hpp"
#include "models/synthesis.hpp"
#include "sim/parallel.hpp"
#include "sim/rng.hpp"
#include "sim/runner.hpp"

namespace {

using namespace eldersim;

// The Guangzhou scenario scaled to about `agents` people.
std::shared_ptr<const Scenario> scenario_of_size(std::int64_t agents,
                                                 std::vector<std::string> extra = {}) {
  const auto path = std::filesystem::path(ELDERSIM_SOURCE_DIR) / "configs" / "guangzhou.yaml";
  const double scale = static_cast<double>(agents) / 2'130'598.0;
  extra.insert(extra.begin(), "population.scale=" + std::to_string(scale));
  return std::make_shared<const Scenario>(parse_scenario(sim::load_configuration(path, extra)));
}

// The Philox lanes of one step for 2^20 people, by vector kernel.
void BM_FillLanes(benchmark::State& state) {
  const auto kernel = static_cast<sim::LaneKernel>(state.range(0));
  const std::size_t n = 1 << 20;
  std::vector<std::uint64_t> ids(n);
  for (std::size_t i = 0; i < n; ++i) ids[i] = i * 7 + 3;
  std::vector<std::uint32_t> lanes(4 * 2048);
  std::uint32_t step = 0;
  for (auto _ : state) {
    for (std::size_t b = 0; b < n; b += 2048)
      sim::fill_lanes_with(
          kernel, 1, ids.data() + b, 2048, step,
          {{lanes.data(), lanes.data() + 2048, lanes.data() + 4096, lanes.data() + 6144}});
    benchmark::DoNotOptimize(lanes.data());
    ++step;
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_FillLanes)->Arg(0)->Arg(1)->Arg(2)->ArgName("kernel(0 portable,1 avx2,2 avx512)");

// The floor kernel: one Philox block and one byte written per person and step.
void BM_FloorKernel(benchmark::State& state) {
  sim::Executor executor(static_cast<int>(state.range(1)));
  bench::FloorKernel floor(static_cast<std::size_t>(state.range(0)));
  std::uint32_t step = 0;
  for (auto _ : state) executor.run([&] { floor.step(step++); });
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_FloorKernel)
    ->ArgsProduct({{1'000'000}, {1, 2}})
    ->ArgNames({"agents", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// A whole step of the full model after a simulated year (places held, waiting lists, patients
// in hospital), on successive steps.
void BM_ModelStep(benchmark::State& state) {
  sim::Executor executor(static_cast<int>(state.range(1)));
  const auto scenario = scenario_of_size(state.range(0));
  executor.run([&] {
    ElderModel model(scenario);
    struct NullSink final : sim::SeriesSink {
      void put(std::string_view, std::span<const std::int64_t>) override {}
      void put(std::string_view, std::span<const double>) override {}
    } sink;
    const auto advance = [&] {
      const sim::Step& s = model.calendar().step(model.next_step());
      model.step();
      if (s.ends_period) model.end_period(sink);
    };
    while (model.calendar().step(model.next_step()).first_day < sim::make_day(2021, 1, 1))
      advance();
    std::int64_t person_steps = 0;
    for (auto _ : state) {
      person_steps += static_cast<std::int64_t>(model.agent_count());
      advance();
      if (model.next_step() >= model.calendar().n_steps()) state.SkipWithError("ran out of steps");
    }
    state.SetItemsProcessed(person_steps);
  });
}
BENCHMARK(BM_ModelStep)
    ->ArgsProduct({{200'000, 1'000'000}, {1, 2}})
    ->ArgNames({"agents", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(60);

// The period-end count of the living.
void BM_Census(benchmark::State& state) {
  sim::Executor executor(static_cast<int>(state.range(1)));
  const auto scenario = scenario_of_size(state.range(0));
  executor.run([&] {
    const ElderModel model(scenario);
    for (auto _ : state) benchmark::DoNotOptimize(model.count(scenario->simulation.calendar.start));
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(model.agent_count()));
  });
}
BENCHMARK(BM_Census)
    ->ArgsProduct({{1'000'000}, {1, 2}})
    ->ArgNames({"agents", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The synthetic population at the start.
void BM_Synthesis(benchmark::State& state) {
  sim::Executor executor(static_cast<int>(state.range(1)));
  const auto scenario = scenario_of_size(state.range(0));
  executor.run([&] {
    for (auto _ : state)
      benchmark::DoNotOptimize(
          synthesize_population(*scenario, scenario->simulation.seed, sim::kDefaultBlockSize));
  });
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Synthesis)
    ->ArgsProduct({{2'000'000}, {1, 2}})
    ->ArgNames({"agents", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// One care choice: the full choice set computed afresh, against a draw from the class cache.
void BM_CareChoice(benchmark::State& state) {
  const auto scenario = scenario_of_size(20'000);
  const care::Ledger ledger(*scenario);
  care::ChoiceModel choices(*scenario);
  care::Chooser c;
  c.district = 3;
  c.level = 2;
  c.current = kInstitution;
  c.current_facility = 4;
  choices.prepare({&c, 1}, ledger, scenario->programmes, 0);
  std::uint64_t id = 0;
  const bool cached = state.range(0) == 1;
  for (auto _ : state) {
    if (cached) {
      sim::RandomStream rng(1, id++, 0, 5);
      benchmark::DoNotOptimize(choices.draw(c, rng));
    } else {
      benchmark::DoNotOptimize(choices.choice_set(c, ledger, scenario->programmes));
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CareChoice)->Arg(0)->Arg(1)->ArgName("cached");

void BM_PhiloxStream(benchmark::State& state) {
  std::uint64_t id = 0;
  double sum = 0;
  for (auto _ : state) {
    sim::RandomStream rng(1, id++, 5, 2);
    sum += rng.uniform();
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PhiloxStream);

}  // namespace

BENCHMARK_MAIN();
