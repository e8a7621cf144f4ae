#pragma once
// `eldersim calibrate` (docs/calibration.md): fits configuration values to published figures.
// A calibration file names a baseline, the parameters to fit (key paths with bounds), the
// targets (a quantity read off a run, sim/record_query.hpp, with its published value, a
// tolerance, a weight and the source) and the search. Every evaluation runs the same replicate
// seeds (common random numbers), so the objective moves only with the parameters; the runs of
// an evaluation, and of a batch of evaluations, execute concurrently on a RunBackend. The result
// is a scenario file that extends the baseline with the fitted values (each target, its
// simulated value and its source in its header) and a sweep file of the start against the fit.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/model_api.hpp"
#include "sim/nelder_mead.hpp"
#include "sim/record_query.hpp"
#include "sim/run_backend.hpp"
#include "sim/study.hpp"

namespace sim {

struct CalibrationParameter {
  std::string path;  // a configuration key path, as --set takes it
  double low = 0, high = 0;
  double start = 0;  // the file's `start`, or the baseline's value
};

struct CalibrationTarget {
  std::string name;
  Quantity quantity;
  double value = 0;
  double tolerance = 0;  // the error accepted: a target is met when |simulated - value| <= this
  double weight = 1;
  std::string source;
  config::Location where;  // of its `years`, for the error when no period falls in them
};

struct CalibrationSpec : StudyHead {
  std::vector<CalibrationParameter> parameters;
  std::vector<CalibrationTarget> targets;
  MinimizeOptions search;
};

// Reads a calibration file; throws config::ConfigError listing every problem (file, line, key).
// `overrides` (--set) are laid over the baseline when reading the parameters' start values.
CalibrationSpec read_calibration(const std::filesystem::path& file,
                                 const std::vector<std::string>& overrides);

// The objective: sum over targets of weight x ((simulated - value) / tolerance)^2, where
// simulated is the mean over replicates; NaN if any target is NaN.
double calibration_objective(const CalibrationSpec& spec,
                             const std::vector<std::vector<double>>& simulated);  // [target][rep]

struct CalibrationRequest {
  std::filesystem::path calibration_file;
  std::filesystem::path out_path;     // the sweep file of start against fit
  std::filesystem::path fitted_path;  // the scenario file with the fitted values
  std::vector<std::string> overrides;
  int replicates = 0;       // > 0: instead of the file's
  int max_evaluations = 0;  // > 0: instead of the file's
  bool force = false;
  // Only evaluate the targets at the start values (the baseline's): no search, no files. The
  // test suite's drift check (docs/calibration.md).
  bool check_only = false;
  std::string command_line;
};

struct CalibrationResult {
  CalibrationSpec spec;  // as run (with the request's replicates and evaluations)
  bool check_only = false;
  std::vector<double> start, fitted;
  std::vector<std::vector<double>> at_start, at_fit;  // [target][replicate]
  double objective_at_start = 0, objective = 0;
  MinimizeResult search;
  std::size_t runs = 0;
  double seconds = 0;
};

// Whether every target is met at the fit (at the start, for a check).
bool all_targets_met(const CalibrationSpec& spec, const CalibrationResult& result);

// Every target at the start and at the fit: value, simulated mean and 95% interval, met or not.
std::string describe_calibration(const CalibrationSpec& spec, const CalibrationResult& result);

CalibrationResult run_calibration(const ModelDefinition& definition,
                                  const CalibrationRequest& request, RunBackend& backend);

}  // namespace sim
