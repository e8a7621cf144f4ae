#pragma once
// The runs of an experiment spread over MPI ranks (docs/cluster.md). Rank 0 coordinates and also
// runs jobs in a worker thread of its own; every other rank serves jobs until rank 0 stops it.
// Each job goes to whichever rank is free next (runs differ in length) as a serialised RunJob;
// the rank runs it with execute_job and sends back the record's bytes (save_record) or the error.
//
// Only the main thread of a process calls MPI (MPI_THREAD_FUNNELED). Waiting is polling with
// short sleeps, never a blocking receive, so an idle rank does not spin on a core that runs need.
// The worker loop serves any number of execute() calls; rank 0 ends it with stop_workers() (or
// the backend's destructor). Built only with MPI (ELDERSIM_HAVE_MPI, CMake finds it by default).

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <optional>
#include <span>
#include <vector>

#include "sim/model_api.hpp"
#include "sim/run_backend.hpp"

namespace sim {

// How many ranks a launcher started this process among, read from the environment it sets
// without initialising MPI: OpenMPI's mpirun, PMI (MPICH, Intel MPI, srun --mpi=pmi2) or srun
// --mpi=pmix. 1 when started normally (a batch script's own shell included), so a plain run
// never touches MPI.
inline int launcher_ranks() {
  const auto count = [](const char* name) {
    const char* value = std::getenv(name);
    return value ? std::max(1, std::atoi(value)) : 0;
  };
  if (const int n = count("OMPI_COMM_WORLD_SIZE")) return n;
  if (const int n = count("PMI_SIZE")) return n;
  if (std::getenv("PMIX_RANK"))
    if (const int n = count("SLURM_STEP_NUM_TASKS")) return n;
  return 1;
}

#ifdef ELDERSIM_HAVE_MPI

// MPI_Init_thread (MPI_THREAD_FUNNELED) and MPI_Finalize; one per process.
class MpiSession {
 public:
  MpiSession();
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  int rank_ = 0;
  int size_ = 1;
};

// Rank 0's side: every other rank of `session` must be in serve_mpi_jobs.
class MpiBackend final : public RunBackend {
 public:
  // Each run (on any rank, or in rank 0's own worker) runs on `threads_per_run` threads; the
  // running ones stop at their next step once `stop` becomes true.
  MpiBackend(const ModelDefinition& definition, const MpiSession& session, int threads_per_run,
             const std::atomic<bool>& stop);
  ~MpiBackend() override;  // stop_workers()
  MpiBackend(const MpiBackend&) = delete;
  MpiBackend& operator=(const MpiBackend&) = delete;

  void execute(std::span<const RunJob> jobs, const Finished& finished) override;
  // Ranks - 1 remote runs and rank 0's own.
  int concurrency() const override { return ranks_; }
  int ranks() const override { return ranks_; }
  // Ends serve_mpi_jobs on every other rank (after the runs they still have, cancelled, are in);
  // execute() may not be called after it. Idempotent.
  void stop_workers();

 private:
  void send_job(int rank, std::size_t index, const RunJob& job);
  void cancel_and_drain();

  const ModelDefinition& definition_;
  int ranks_;
  int threads_per_run_;
  const std::atomic<bool>& stop_;
  std::vector<std::optional<std::size_t>> busy_;  // per rank > 0: the job it runs
  std::vector<bool> retired_;  // ranks interrupted by their own signal: given no more jobs
  bool stopped_ = false;
};

// A rank > 0's side: runs the jobs rank 0 sends until it sends stop. `stop` (the interrupt flag)
// stops the job running and makes this rank take no more, but it still waits for rank 0's stop.
void serve_mpi_jobs(const ModelDefinition& definition, const std::atomic<bool>& stop);

#endif

}  // namespace sim
