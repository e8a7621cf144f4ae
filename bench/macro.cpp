// The macro benchmark: one whole run of a scenario as the CLI runs it (output file included),
// with the floor kernel (bench/floor_kernel.hpp) timed in the same process, the time of every
// section of the step, the serial share and what it implies for more cores, and peak memory.
//
//   eldersim_macro CONFIG [--threads N] [--set key=value ...] [--floor-steps K]
//
// The last line is machine-readable: RESULT key=value ... (bench/macro.sh collects them).
#include <fmt/core.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <filesystem>

#include "bench/floor_kernel.hpp"
#include "models/elder_model.hpp"
#include "sim/rng.hpp"
#include "sim/runner.hpp"

namespace {

double floor_rate(std::size_t people, int steps, int threads) {
  sim::Executor executor(threads);
  eldersim::bench::FloorKernel floor(people);
  executor.run([&] { floor.step(0); });  // warm-up: touch the memory
  const auto t0 = std::chrono::steady_clock::now();
  for (int s = 1; s <= steps; ++s) executor.run([&] { floor.step(static_cast<std::uint32_t>(s)); });
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (floor.checksum() == 0x5A) fmt::print("");  // keep the writes
  return static_cast<double>(people) * steps / seconds;
}

// Amdahl: the speed-up on p cores of a step whose serial share is s.
double amdahl(double s, double p) {
  return 1.0 / (s + (1.0 - s) / p);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"eldersim macro benchmark"};
  sim::RunRequest request;
  int floor_steps = 60;
  app.add_option("config", request.config_path, "Scenario YAML file")->required();
  app.add_option("-t,--threads", request.options.threads, "Threads (default: all cores)");
  app.add_option("--set", request.overrides, "Override a config value")->take_all();
  app.add_option("--floor-steps", floor_steps, "Steps of the floor kernel (default 60)");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);
  const auto out = std::filesystem::temp_directory_path() /
                   ("eldersim-macro-" + std::to_string(::getpid()) + ".h5");
  request.out_path = out;
  request.command_line = "eldersim_macro";
  // The floor kernel is timed before and after the run, on as many agents and threads as the
  // run starts with, and the two rates are averaged (geometrically), so that a drift of the
  // machine's speed during a long run counts less.
  sim::RunSummary s;
  double floor_before = 0;
  try {
    std::size_t people = 0;
    int threads = 0;
    {
      const sim::Run probe(eldersim::definition(),
                           sim::load_configuration(request.config_path, request.overrides),
                           request.options);
      people = probe.model().agent_count();
      threads = probe.threads();
    }
    floor_before = floor_rate(people, floor_steps, threads);
    s = sim::run_model(eldersim::definition(), request);
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 1;
  }
  const auto file_bytes = std::filesystem::file_size(out);
  std::filesystem::remove(out);
  const double rate = static_cast<double>(s.person_steps) / s.simulate_seconds;
  const double floor_after = floor_rate(s.agents_at_start, floor_steps, s.threads);
  const double floor = std::sqrt(floor_before * floor_after);
  const double total = s.sections.total();
  const double serial = total > 0 ? s.sections.serial() / total : 0;
  const double wall = s.setup_seconds + s.simulate_seconds;

  fmt::print("{}: {} threads, lane kernel {}\n", request.config_path.string(), s.threads,
             sim::lane_kernel_name());
  fmt::print("agents {} -> {} (most {}), {} steps, {:.3g} person-steps\n", s.agents_at_start,
             s.agents_at_end, s.most_agents, s.steps, static_cast<double>(s.person_steps));
  fmt::print(
      "setup (configuration, population) {:.2f} s; steps and output {:.2f} s; of which "
      "HDF5 output {:.2f} s ({:.1f}% of wall time, file {:.1f} MiB)\n",
      s.setup_seconds, s.simulate_seconds, s.write_seconds, 100 * s.write_seconds / wall,
      static_cast<double>(file_bytes) / (1 << 20));
  fmt::print(
      "model {:.1f} M person-steps/s; floor kernel {:.1f} M/s on the same threads "
      "({:.1f} before the run, {:.1f} after); ratio {:.2f}\n",
      rate / 1e6, floor / 1e6, floor_before / 1e6, floor_after / 1e6, floor / rate);
  fmt::print("\n{:<44} {:>8} {:>9} {:>7}\n", "section of the step", "kind", "seconds", "share");
  for (const auto& sec : s.sections.sections())
    fmt::print("{:<44} {:>8} {:>9.3f} {:>6.2f}%\n", sec.name,
               sec.kind == sim::SectionTimes::Kind::kSerial ? "serial" : "parallel", sec.seconds,
               100 * sec.seconds / total);
  fmt::print(
      "serial share {:.2f}% of the step time on {} threads; Amdahl speed-up at 2, 16, 64 "
      "cores: {:.2f}, {:.1f}, {:.1f}\n",
      100 * serial, s.threads, amdahl(serial, 2), amdahl(serial, 16), amdahl(serial, 64));
  fmt::print("peak memory {:.0f} MiB: {:.1f} bytes per agent at the most agents\n", s.peak_rss_mib,
             s.peak_rss_mib * (1 << 20) / static_cast<double>(s.most_agents));
  fmt::print(
      "RESULT threads={} agents_start={} agents_end={} most_agents={} steps={} setup_s={:.3f} "
      "run_s={:.3f} write_s={:.3f} rate={:.4e} floor_rate={:.4e} floor_ratio={:.3f} "
      "serial_share={:.5f} peak_rss_mib={:.1f}\n",
      s.threads, s.agents_at_start, s.agents_at_end, s.most_agents, s.steps, s.setup_seconds,
      s.simulate_seconds, s.write_seconds, rate, floor, floor / rate, serial, s.peak_rss_mib);
  return 0;
}
