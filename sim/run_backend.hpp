#pragma once
// Where the runs of an experiment execute: a pool of concurrent runs in this process, each with
// its own task arena (LocalBackend), or spread over MPI ranks (sim/mpi_backend.hpp). A job is a
// configuration file and its overrides, so any rank can build it; the outcome comes back to the
// caller's thread, in completion order.

#include <atomic>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sim/model_api.hpp"
#include "sim/run_job.hpp"
#include "sim/run_record.hpp"

namespace sim {

// The job's configuration: the file, the overlay merged over it, then the overrides.
config::Document load_job(const RunJob& job);

struct RunOutcome {
  std::optional<RunRecord> record;  // set when the run finished
  std::string error;                // why it did not
};

// Runs one job here: loads its configuration and runs it to its end.
RunOutcome execute_job(const ModelDefinition& definition, const RunJob& job,
                       const RunOptions& options, const std::atomic<bool>& stop);

class RunBackend {
 public:
  using Finished = std::function<void(std::size_t job, RunOutcome&& outcome)>;
  virtual ~RunBackend() = default;
  // Runs every job, calling finished(job, outcome) on this thread as each completes. Returns when
  // all have, or (after the running ones have stopped) when `stop` becomes true.
  virtual void execute(std::span<const RunJob> jobs, const Finished& finished) = 0;
  // Runs at once (for the progress line and for planning how many to hand out).
  virtual int concurrency() const = 0;
  virtual int ranks() const { return 1; }
};

class LocalBackend final : public RunBackend {
 public:
  // `jobs` runs at once, each on `threads_per_run` threads.
  LocalBackend(const ModelDefinition& definition, int jobs, int threads_per_run,
               const std::atomic<bool>& stop);
  void execute(std::span<const RunJob> jobs, const Finished& finished) override;
  int concurrency() const override { return jobs_; }

 private:
  const ModelDefinition& definition_;
  int jobs_;
  int threads_per_run_;
  const std::atomic<bool>& stop_;
};

}  // namespace sim
