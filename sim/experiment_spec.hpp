#pragma once
// A sweep file parsed once into an immutable description (docs/experiments.md): a baseline
// scenario file, named scenarios (a file that extends it, or overrides, or both), an optional
// grid, a replicate count, the root seed, and the uncertain parameters. Every error names the
// sweep file, line and key; the scenario files themselves are checked when the runs are built.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/config_reader.hpp"
#include "sim/config_tree.hpp"
#include "sim/distributions.hpp"

namespace sim {

struct ScenarioSpec {
  std::string name;  // "baseline" for scenario 0
  std::string description;
  std::filesystem::path config;        // the scenario file (the baseline's for overrides only)
  std::vector<std::string> overrides;  // "key.path=value", after the file
};

struct UncertainParameter {
  std::string path;  // a configuration key path, as --set takes it
  Distribution distribution;
  std::string source;
};

enum class PopulationMode { kPerReplicate, kFixed };

struct ExperimentSpec {
  std::filesystem::path file;  // the sweep file
  std::string text;            // its text (stored in the output)
  std::string name;
  std::string description;
  int replicates = 1;
  std::optional<std::uint64_t> seed;  // root seed; default: the baseline's simulation.seed
  PopulationMode population = PopulationMode::kPerReplicate;
  bool parameter_draws = true;
  std::vector<ScenarioSpec> scenarios;  // [0] is the baseline
  std::vector<UncertainParameter> uncertain;
};

// A scenario file named in a sweep, plan or calibration file, relative to that file's directory
// `base_dir`; records an error (and returns an empty path) unless it is an existing file.
std::filesystem::path scenario_file(const config::Value& v, const std::filesystem::path& base_dir);
// A list of "key.path=value" overrides; records an error for an item of another form.
std::vector<std::string> read_overrides(const config::Value& v);

// A list of uncertain parameters (path, distribution and its parameters, source), each path once.
std::vector<UncertainParameter> read_uncertain(const config::Value& v);

// Reads a sweep file. Throws config::ConfigError listing every problem.
ExperimentSpec read_experiment(const std::filesystem::path& file);
// The same from an already loaded document (for tests and for plan files, which embed one).
ExperimentSpec read_experiment(const config::Document& doc);

// Seeds of the counter-based contract (docs/experiments.md): replicate r's process seed, and the
// population seed of replicate r. Both below 2^63, so they fit the int64 datasets.
std::uint64_t replicate_seed(std::uint64_t root, int replicate);
std::uint64_t population_seed(std::uint64_t root, int replicate, PopulationMode mode);
// The values of the uncertain parameters for replicate r (central values if draws are off).
std::vector<double> parameter_values(const ExperimentSpec& spec, std::uint64_t root, int replicate);

}  // namespace sim
