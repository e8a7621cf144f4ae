#pragma once
// `eldersim sensitivity` (docs/sensitivity.md): global sensitivity by Morris's elementary
// effects (Morris, Technometrics 33(2), 1991; mu* of Campolongo, Cariboni and Saltelli, Environ
// Model Softw 22(10), 2007). A sensitivity file names a baseline, the uncertain parameters (a key
// path, a distribution over its plausible values and the source, as a sweep's `uncertain`
// list), the outputs (quantities read off a run, sim/record_query.hpp) and the design (number
// of trajectories, grid levels). Each trajectory moves one parameter at a time across a grid in
// quantile space; every point runs with the same replicate seeds (common random numbers), so an
// elementary effect is the parameter's effect, not noise between seeds.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/distributions.hpp"
#include "sim/experiment_spec.hpp"
#include "sim/model_api.hpp"
#include "sim/record_query.hpp"
#include "sim/run_backend.hpp"
#include "sim/study.hpp"

namespace sim {

struct SensitivityOutput {
  std::string name;
  Quantity quantity;
  config::Location where;  // of its `years`
};

struct SensitivitySpec : StudyHead {
  std::vector<UncertainParameter> parameters;
  std::vector<SensitivityOutput> outputs;
  int trajectories = 10;
  int levels = 4;  // even: the step is levels / (2 (levels - 1)) of the grid
};

// Reads a sensitivity file; throws config::ConfigError listing every problem.
SensitivitySpec read_sensitivity(const std::filesystem::path& file);

// A Morris design in quantile space: `trajectories` blocks of k + 1 points; point 0 of a block
// is its base, and point i > 0 differs from point i - 1 in parameter moved[i] only, by +-delta.
// Grid levels are the quantiles (l + 1/2) / levels, l = 0 .. levels - 1 (so a normal's or
// lognormal's infinite tails are never used).
struct MorrisDesign {
  std::size_t parameters = 0;
  int levels = 0;
  double delta = 0;                    // in quantile units
  std::vector<std::vector<double>> u;  // [point][parameter], in (0, 1)
  std::vector<int> moved;              // [point]: the parameter moved to reach it; -1 at a base
};

// The design drawn from the counter-based stream of `root` (the same root gives the same design).
MorrisDesign morris_design(std::size_t parameters, int trajectories, int levels,
                           std::uint64_t root);

// Elementary effects of each parameter on each output: EE = (y(after) - y(before)) / step,
// step = +-delta in quantile units, one per trajectory; mu* = mean |EE|, mu = mean EE,
// sigma = standard deviation of EE (n - 1). NaN outputs leave their effects out.
struct MorrisIndices {
  std::vector<std::vector<std::vector<double>>> effects;  // [output][parameter][trajectory]
  std::vector<std::vector<double>> mu_star, mu, sigma;    // [output][parameter]
};
MorrisIndices morris_indices(const MorrisDesign& design,
                             const std::vector<std::vector<double>>& y);  // [point][output]

struct SensitivityRequest {
  std::filesystem::path sensitivity_file;
  std::filesystem::path out_path;
  std::vector<std::string> overrides;
  int replicates = 0;    // > 0: instead of the file's
  int trajectories = 0;  // > 0: instead of the file's
  bool force = false;
  std::string command_line;
};

struct SensitivityResult {
  SensitivitySpec spec;
  MorrisDesign design;
  std::vector<std::vector<double>> values;  // [point][parameter], in the parameters' units
  std::vector<std::vector<double>> y;       // [point][output], mean over replicates
  MorrisIndices indices;
  std::size_t runs = 0;
  double seconds = 0;
};

// Per output, the parameters ranked by mu*, with mu and sigma.
std::string describe_sensitivity(const SensitivityResult& result);

SensitivityResult run_sensitivity(const ModelDefinition& definition,
                                  const SensitivityRequest& request, RunBackend& backend);

}  // namespace sim
