#pragma once
// A run as a value: a model built from a configuration, with its own threads (a task arena),
// stepped through its calendar. Building, stepping and writing are separate, so several runs can
// live in one process (sweeps, calibration, planning searches), each with its own threads.
// run_model is the CLI's path: configuration file in, complete output file out, renamed into
// place only when everything succeeded.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/calendar.hpp"
#include "sim/config_reader.hpp"
#include "sim/model_api.hpp"
#include "sim/parallel.hpp"
#include "sim/timing.hpp"

namespace sim {

// The engine's own section of every scenario (key `simulation`).
struct SimulationSpec {
  CalendarSpec calendar;
  std::uint64_t seed = 1;
  // The seed of the initial population (default: seed), so a sweep can hold the population
  // fixed across replicates while the processes draw anew.
  std::uint64_t population_seed = 1;
};
// Reads `simulation: {start, end, step_days, reporting_period, seed}` from a scenario's root.
SimulationSpec read_simulation(config::Map& root);

config::Document load_configuration(const std::filesystem::path& path,
                                    const std::vector<std::string>& overrides);

struct RunOptions {
  int threads = 0;             // 0: all cores
  std::size_t block_size = 0;  // 0: the engine's default
};

class Run {
 public:
  Run(const ModelDefinition& definition, const config::Document& doc, const RunOptions& options);
  Model& model() { return *model_; }
  const Model& model() const { return *model_; }
  int threads() const { return executor_.threads(); }
  bool finished() const { return model_->next_step() >= model_->calendar().n_steps(); }
  // Runs the next step, and its period's end into `sink` if it ends one.
  void advance(SeriesSink& sink);
  // Runs f on this run's threads.
  template <class F>
  decltype(auto) on_threads(F&& f) {
    return executor_.run(std::forward<F>(f));
  }

 private:
  Executor executor_;
  std::unique_ptr<Model> model_;
};

struct RunRequest {
  std::filesystem::path config_path;
  std::filesystem::path out_path;
  std::vector<std::string> overrides;  // "key.path=value", applied in order
  RunOptions options;
  bool show_progress = false;
  bool force = false;  // replace an existing output file
  // > 0: write a checkpoint every this many reporting periods, and when stopped by a signal.
  int checkpoint_every = 0;
  // >= 0: stop as if interrupted before this step (tests of checkpoints).
  int stop_after_steps = -1;
  std::string command_line;
};

struct RunSummary {
  std::filesystem::path out_path;
  std::size_t agents_at_start = 0;
  std::size_t agents_at_end = 0;
  int steps = 0;
  int threads = 0;
  std::uint64_t person_steps = 0;
  double setup_seconds = 0;     // configuration and synthetic population
  double simulate_seconds = 0;  // the step loop, output included
  double write_seconds = 0;     // of which handing rows to the file and closing it
  double peak_rss_mib = 0;
  std::size_t most_agents = 0;  // the largest population of any step
  SectionTimes sections;        // the model's time by section of the step
};

// Set by SIGINT/SIGTERM (see install_interrupt_handlers); the step loop stops at the next step
// and the partial output is deleted.
std::atomic<bool>& interrupt_requested();
void install_interrupt_handlers();

class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted") {}
};

RunSummary run_model(const ModelDefinition& definition, const RunRequest& request);
// Continues a run from its checkpoint (sim/checkpoint.hpp) on `threads` threads; the file it
// writes has the series of the run never interrupted.
RunSummary resume_run(const ModelDefinition& definition, const std::filesystem::path& checkpoint,
                      int threads, bool show_progress);
struct Checkpoint;
// run_model's body: from the start, or from a checkpoint.
RunSummary run_from(const ModelDefinition& definition, const RunRequest& request,
                    const Checkpoint* from);

// UTC now as 2026-12-01T10:00:00Z, and this machine's name (for provenance).
std::string now_iso8601();
std::string host_name();

// Peak resident memory of this process so far, in MiB.
double peak_rss_mib();

}  // namespace sim
