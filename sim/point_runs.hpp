#pragma once
// Runs of one baseline at many points of a parameter space (a calibration's search, a
// sensitivity design): replicate r of every point has the seeds of replicate r of a sweep with
// the same root seed (common random numbers), so two points differ only by their parameters.
// Each batch of points runs at once, every replicate of each, on a RunBackend.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/run_backend.hpp"

namespace sim {

// One job per replicate: the baseline with replicate r's process and population seeds, then
// `overrides` in order.
std::vector<RunJob> replicate_jobs(const std::filesystem::path& baseline, std::uint64_t root,
                                   int replicates, const std::vector<std::string>& overrides);

// "path=value" with the shortest text that reads back as the same double.
std::string assignment(const std::string& path, double value);

class PointRuns {
 public:
  PointRuns(std::vector<RunJob> replicate_jobs, std::vector<std::string> paths, RunBackend& backend)
      : jobs_(std::move(replicate_jobs)), paths_(std::move(paths)), backend_(backend) {}

  // Replicate r's job at point x: its overrides end with the parameters' assignments.
  RunJob job(const std::vector<double>& x, std::size_t replicate) const;
  // Every replicate of every point, as records [point][replicate]. Throws Interrupted when
  // stopped, std::runtime_error naming each failed run (point and replicate) otherwise.
  std::vector<std::vector<RunRecord>> run(const std::vector<std::vector<double>>& points);
  // "a.b=0.5, c=2" (6 significant digits), for messages.
  std::string describe(const std::vector<double>& x) const;
  std::size_t replicates() const { return jobs_.size(); }
  std::size_t runs() const { return runs_; }

 private:
  std::vector<RunJob> jobs_;
  std::vector<std::string> paths_;
  RunBackend& backend_;
  std::size_t runs_ = 0;
};

}  // namespace sim
