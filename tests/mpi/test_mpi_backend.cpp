// The MPI backend served by the same workers through several execute() calls, as a plan that
// runs batch after batch does: every job reported once, a record equal to the same job run here,
// a failing job reported as failed, then stop_workers. Run under mpirun with 2 or more ranks
// (tests/mpi/run_mpi_sweep.sh); exits 0 when every check passes.
//     mpirun -np 2 eldersim_mpi_backend_test SOURCE_DIR

#include <fmt/core.h>

#include <atomic>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/elder_model.hpp"
#include "sim/mpi_backend.hpp"
#include "sim/run_record.hpp"

namespace {

int failures = 0;

void check(bool ok, const std::string& what) {
  if (!ok) ++failures;
  fmt::print("{} {}\n", ok ? "ok  " : "FAIL", what);
}

std::vector<std::byte> without_time(sim::RunRecord record) {
  record.seconds = 0;
  return sim::save_record(record);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    fmt::print(stderr, "usage: mpirun -np N {} SOURCE_DIR\n", argv[0]);
    return 2;
  }
  const std::filesystem::path config =
      std::filesystem::path(argv[1]) / "configs" / "guangzhou-small.yaml";
  const sim::ModelDefinition model = eldersim::definition();
  std::atomic<bool> stop{false};
  const sim::MpiSession mpi;
  if (mpi.rank() > 0) {
    sim::serve_mpi_jobs(model, stop);
    return 0;
  }
  const auto job = [&](int seed) {
    sim::RunJob j;
    j.config = config.string();
    j.overrides = {"simulation.end=2020-06-30", "simulation.seed=" + std::to_string(seed)};
    return j;
  };
  sim::RunJob missing;
  missing.config = "no-such-config.yaml";
  sim::MpiBackend backend(model, mpi, 1, stop);
  check(backend.ranks() == mpi.size() && backend.concurrency() == mpi.size(),
        "ranks and concurrency are the ranks");

  // Three batches through the same workers; the second has a job that cannot run.
  const std::vector<std::vector<sim::RunJob>> batches{
      {job(1), job(2), job(3)}, {job(4), missing, job(5)}, {job(1)}};
  for (std::size_t b = 0; b < batches.size(); ++b) {
    const auto& jobs = batches[b];
    std::vector<int> reported(jobs.size(), 0);
    std::vector<sim::RunOutcome> outcomes(jobs.size());
    backend.execute(jobs, [&](std::size_t j, sim::RunOutcome&& outcome) {
      ++reported.at(j);
      outcomes[j] = std::move(outcome);
    });
    bool once = true;
    for (int n : reported) once = once && n == 1;
    check(once, fmt::format("batch {}: every job reported once", b));
    for (std::size_t j = 0; j < jobs.size(); ++j) {
      if (jobs[j].config == "no-such-config.yaml") {
        check(!outcomes[j].record && !outcomes[j].error.empty(),
              fmt::format("batch {} job {}: fails with '{}'", b, j, outcomes[j].error));
        continue;
      }
      const sim::RunOutcome here = sim::execute_job(model, jobs[j], {1, 0}, stop);
      check(outcomes[j].record && here.record &&
                without_time(*outcomes[j].record) == without_time(*here.record),
            fmt::format("batch {} job {}: the record run here {}", b, j, outcomes[j].error));
    }
  }
  backend.execute({}, [](std::size_t, sim::RunOutcome&&) { ++failures; });
  backend.stop_workers();
  bool refused = false;
  try {
    backend.execute(batches[2], [](std::size_t, sim::RunOutcome&&) {});
  } catch (const std::logic_error&) {
    refused = true;
  }
  check(refused, "execute after stop_workers is refused");
  fmt::print("mpi backend: {} checks failed\n", failures);
  return failures == 0 ? 0 : 1;
}
