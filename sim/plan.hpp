#pragma once
// `eldersim plan`: the fewest added places such that a target holds from a date on
// (docs/planning.md). The engine's part is domain-free: a plan file names a baseline, a target
// on one series (optionally divided by another, a selection along other axes, at least or at
// most a value in every year of a window) and how much to add at most; the model supplies the
// lever (what adding N places to a unit means: sim::CapacityLever). The search is a bisection
// per unit and replicate, all units of a replicate bisected at once in one run per step, every
// run of replicate r with the seed of replicate r (common random numbers), so the answer of
// replicate r moves only with the places added.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sim/capacity_lever.hpp"
#include "sim/config_reader.hpp"
#include "sim/experiment_spec.hpp"
#include "sim/run_backend.hpp"

namespace sim {

struct PlanTarget {
  std::string series;
  std::string divide_by;                      // optional: series / divide_by, each summed first
  std::map<std::string, std::string> select;  // axis -> label; other axes (not the unit's) summed
  bool at_least = true;                       // else at most
  double value = 0;
  int from_year = 0;  // the target holds in every year from this one ...
  int to_year = 0;    // ... to this one (0: the last year of the run)
};

struct PlanSpec {
  std::filesystem::path file;
  std::string text;
  std::string name, description;
  std::filesystem::path baseline;
  int replicates = 1;
  std::optional<std::uint64_t> seed;
  bool citywide = false;
  std::int64_t max_amount = 0;  // per unit, real places
  std::int64_t resolution = 1;  // the search stops when the bracket is this narrow
  PlanTarget target;
  CapacityLever lever;
};

PlanSpec read_plan(const std::filesystem::path& file, const CapacityLeverReader& lever,
                   const std::vector<std::string>& overrides);

// Whether the target holds, per unit, in one finished run; NaN-valued years fail.
std::vector<bool> target_holds(const PlanSpec& plan, const RunRecord& run);
// The target's value per unit and year (for the output and messages): [unit][year - from_year].
std::vector<std::vector<double>> target_values(const PlanSpec& plan, const RunRecord& run);

struct PlanRequest {
  std::filesystem::path plan_file;
  std::filesystem::path out_path;
  std::vector<std::string> overrides;
  int replicates = 0;
  bool force = false;  // replace an existing output file
  std::string command_line;
};

struct PlanResult {
  std::string what;
  std::vector<std::string> units;
  std::vector<std::vector<std::int64_t>> answer;   // [replicate][unit]; -1 where max is not enough
  std::vector<std::vector<bool>> holds_at_answer;  // [replicate][unit]
  std::size_t runs = 0;
  double seconds = 0;
};

// The answer as a table: per unit the mean and 95% interval over replicates and how many
// replicates reached the target within the maximum.
std::string describe_plan(const PlanResult& result);

// Runs the search on `backend` and writes the result file (a sweep file of "nothing added"
// against "planned" with a /plan group). Throws ConfigError for a bad plan file.
PlanResult run_plan(const ModelDefinition& definition, const PlanRequest& request,
                    RunBackend& backend);

}  // namespace sim
