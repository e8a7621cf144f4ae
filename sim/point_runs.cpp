#include "sim/point_runs.hpp"

#include <fmt/core.h>

#include <optional>

#include "sim/experiment_spec.hpp"
#include "sim/runner.hpp"

namespace sim {

std::vector<RunJob> replicate_jobs(const std::filesystem::path& baseline, std::uint64_t root,
                                   int replicates, const std::vector<std::string>& overrides) {
  std::vector<RunJob> jobs;
  for (int r = 0; r < replicates; ++r) {
    RunJob job{baseline.string(), "", {}, "", 0};
    job.overrides.push_back("simulation.seed=" + std::to_string(replicate_seed(root, r)));
    job.overrides.push_back(
        "simulation.population_seed=" +
        std::to_string(population_seed(root, r, PopulationMode::kPerReplicate)));
    job.overrides.insert(job.overrides.end(), overrides.begin(), overrides.end());
    jobs.push_back(std::move(job));
  }
  return jobs;
}

std::string assignment(const std::string& path, double value) {
  return fmt::format("{}={}", path, value);
}

RunJob PointRuns::job(const std::vector<double>& x, std::size_t replicate) const {
  RunJob job = jobs_.at(replicate);
  for (std::size_t j = 0; j < x.size(); ++j) job.overrides.push_back(assignment(paths_[j], x[j]));
  return job;
}

std::vector<std::vector<RunRecord>> PointRuns::run(const std::vector<std::vector<double>>& points) {
  const std::size_t R = jobs_.size();
  std::vector<RunJob> jobs;
  for (const auto& x : points)
    for (std::size_t r = 0; r < R; ++r) jobs.push_back(job(x, r));
  std::vector<std::optional<RunRecord>> records(jobs.size());
  std::string errors;
  backend_.execute(jobs, [&](std::size_t j, RunOutcome&& o) {
    if (o.record)
      records[j] = std::move(o.record);
    else
      errors += fmt::format("\n  replicate {} at {}: {}", j % R, describe(points[j / R]), o.error);
  });
  if (interrupt_requested().load()) throw Interrupted();
  if (!errors.empty()) throw std::runtime_error("runs failed:" + errors);
  runs_ += jobs.size();
  std::vector<std::vector<RunRecord>> out(points.size());
  for (std::size_t p = 0; p < points.size(); ++p)
    for (std::size_t r = 0; r < R; ++r) out[p].push_back(std::move(*records[p * R + r]));
  return out;
}

std::string PointRuns::describe(const std::vector<double>& x) const {
  std::string out;
  for (std::size_t j = 0; j < x.size(); ++j)
    out += fmt::format("{}{}={:.6g}", j ? ", " : "", paths_[j], x[j]);
  return out;
}

}  // namespace sim
