#pragma once
// Runs a model from a configuration file to a complete output file: loads and overrides the
// configuration, builds the model, steps it through its calendar, writes each period's series
// and the provenance, and renames the output into place only when everything succeeded.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/calendar.hpp"
#include "sim/config_reader.hpp"
#include "sim/model.hpp"

namespace sim {

// The engine's own section of every scenario (key `simulation`).
struct SimulationSpec {
  CalendarSpec calendar;
  std::uint64_t seed = 1;
};
// Reads `simulation: {start, end, step_days, reporting_period, seed}` from a scenario's root.
SimulationSpec read_simulation(config::Map& root);

struct RunRequest {
  std::filesystem::path config_path;
  std::filesystem::path out_path;
  std::vector<std::string> overrides;  // "key.path=value", applied in order
  int threads = 0;                     // 0: all cores
  bool show_progress = false;
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
  double peak_rss_mib = 0;
};

config::Document load_configuration(const std::filesystem::path& path,
                                    const std::vector<std::string>& overrides);

// Set by SIGINT/SIGTERM (see install_interrupt_handlers); the step loop stops at the next step
// and the partial output is deleted.
std::atomic<bool>& interrupt_requested();
void install_interrupt_handlers();

class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted") {}
};

RunSummary run_model(const ModelDefinition& definition, const RunRequest& request);

}  // namespace sim
