#pragma once
// `eldersim sweep`: every (scenario, replicate) of a sweep file run on a backend (concurrent runs
// here, or MPI ranks), each finished run kept at once in OUT.runs/ so an interrupted or failed
// sweep resumes, then one sweep file assembled from them (docs/experiments.md).

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/experiment_spec.hpp"
#include "sim/model_api.hpp"
#include "sim/run_backend.hpp"

namespace sim {

struct ExperimentRequest {
  std::filesystem::path sweep_file;
  std::filesystem::path out_path;
  std::vector<std::string> overrides;  // --set, applied to every run after everything else
  int threads = 0;                     // in all (0: every core)
  int jobs = 0;                        // runs at once (0: threads, one thread each)
  bool resume = false;
  bool force = false;  // replace an existing output file
  bool no_parameter_draws = false;
  int replicates = 0;  // > 0: instead of the sweep file's (to try a sweep small)
  // > 0: each run keeps a checkpoint in OUT.runs/ every this many reporting periods and when
  // stopped, and --resume continues it from there (docs/reliability.md).
  int checkpoint_every = 0;
  std::string command_line;
};

// One run of a sweep, fully determined.
struct PlannedRun {
  std::size_t scenario = 0;
  int replicate = 0;
  std::uint64_t seed = 0;
  std::uint64_t population_seed = 0;
  RunJob job;
};

// The root seed: the sweep's, or the baseline's simulation.seed.
std::uint64_t root_seed(const ExperimentSpec& spec, const std::vector<std::string>& overrides);
// The runs of a sweep, scenario-major.
std::vector<PlannedRun> plan_runs(const ExperimentSpec& spec, std::uint64_t root,
                                  const std::vector<std::string>& overrides);
// Checks every scenario's configuration (replicate 0) before anything runs; throws ConfigError.
void validate_runs(const ModelDefinition& definition, const ExperimentSpec& spec,
                   const std::vector<PlannedRun>& runs);

struct ExperimentSummary {
  std::size_t runs = 0;
  std::size_t resumed = 0;  // completed before and skipped
  std::size_t failed = 0;
  double seconds = 0;
};

// Runs a sweep on `backend` and writes its file. Throws ConfigError for a bad sweep, Interrupted
// when stopped, and std::runtime_error when runs failed (the others are kept for --resume).
ExperimentSummary run_experiment(const ModelDefinition& definition,
                                 const ExperimentRequest& request, RunBackend& backend);

// The directory where the finished runs of a sweep writing `out` are kept.
std::filesystem::path runs_directory(const std::filesystem::path& out);

}  // namespace sim
