#include "sim/mpi_backend.hpp"

#define OMPI_SKIP_MPICXX 1  // the C API only
#include <fmt/core.h>
#include <mpi.h>

#include <chrono>
#include <climits>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

#include "sim/archive.hpp"

namespace sim {

namespace {

// Messages: rank 0 sends kJob, kCancel and kStop; a worker sends kResult.
//   kJob     u64 job index, i32 threads per run, RunJob
//   kCancel  empty: stop the job running (one that has already finished ignores it)
//   kStop    empty: leave serve_mpi_jobs
//   kResult  u64 job index, u8 status, error text, record bytes (save_record) when kOk
constexpr int kJob = 1;
constexpr int kCancel = 2;
constexpr int kStop = 3;
constexpr int kResult = 4;

constexpr std::uint8_t kOk = 0;
constexpr std::uint8_t kFailed = 1;
constexpr std::uint8_t kInterrupted = 2;  // the worker's own interrupt: it takes no more jobs

// One message is one MPI_BYTE buffer with an int count.
constexpr std::size_t kMaxMessage = INT_MAX;
constexpr auto kPoll = std::chrono::milliseconds(5);

std::string mib(std::size_t bytes) {
  return fmt::format("{:.0f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

void check_size(std::size_t bytes, const char* what) {
  if (bytes > kMaxMessage)
    throw std::runtime_error(fmt::format(
        "{} is {}, more than the 2 GiB one MPI message carries: run this sweep without mpirun "
        "(or with fewer reporting periods)",
        what, mib(bytes)));
}

void send(const std::vector<std::byte>& bytes, int rank, int tag) {
  check_size(bytes.size(), "a message");
  MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, rank, tag, MPI_COMM_WORLD);
}

// A non-blocking send completed by polling, so a large record waiting for rank 0 to take it
// does not spin a core.
void send_polling(const std::vector<std::byte>& bytes, int rank, int tag) {
  check_size(bytes.size(), "a message");
  MPI_Request request = MPI_REQUEST_NULL;
  MPI_Isend(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, rank, tag, MPI_COMM_WORLD,
            &request);
  for (int done = 0;;) {
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (done) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void send_empty(int rank, int tag) {
  MPI_Send(nullptr, 0, MPI_BYTE, rank, tag, MPI_COMM_WORLD);
}

struct Message {
  int source = 0;
  int tag = 0;
  std::vector<std::byte> bytes;
};

// The next message from `source` with `tag` (either may be a wildcard), if one has arrived.
std::optional<Message> try_receive(int source, int tag) {
  int flag = 0;
  MPI_Status status;
  MPI_Iprobe(source, tag, MPI_COMM_WORLD, &flag, &status);
  if (!flag) return std::nullopt;
  int count = 0;
  MPI_Get_count(&status, MPI_BYTE, &count);
  if (count == MPI_UNDEFINED || count < 0)
    throw std::runtime_error(
        fmt::format("a message from rank {} is larger than the 2 GiB one MPI message carries",
                    status.MPI_SOURCE));
  Message m{status.MPI_SOURCE, status.MPI_TAG,
            std::vector<std::byte>(static_cast<std::size_t>(count))};
  MPI_Recv(m.bytes.data(), count, MPI_BYTE, m.source, m.tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return m;
}

// Rank 0's own worker: one thread running the jobs handed to it, one at a time.
class LocalWorker {
 public:
  LocalWorker(const ModelDefinition& definition, std::span<const RunJob> jobs, int threads)
      : thread_([this, &definition, jobs, threads] { loop(definition, jobs, threads); }) {}
  ~LocalWorker() {
    {
      const std::lock_guard lock(mutex_);
      quit_ = true;
    }
    cancel_ = true;
    wake_.notify_all();
    thread_.join();
  }
  void assign(std::size_t job) {
    {
      const std::lock_guard lock(mutex_);
      assigned_ = job;
    }
    wake_.notify_all();
  }
  void cancel() { cancel_ = true; }
  // The finished job, waiting up to `wait` for it.
  std::optional<std::pair<std::size_t, RunOutcome>> take_done(std::chrono::milliseconds wait) {
    std::unique_lock lock(mutex_);
    done_cv_.wait_for(lock, wait, [&] { return done_.has_value(); });
    auto out = std::move(done_);
    done_.reset();
    return out;
  }

 private:
  void loop(const ModelDefinition& definition, std::span<const RunJob> jobs, int threads) {
    while (true) {
      std::size_t j = 0;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return quit_ || assigned_.has_value(); });
        if (quit_) return;
        j = *assigned_;
        assigned_.reset();
      }
      RunOutcome outcome = execute_job(definition, jobs[j], {threads, 0}, cancel_);
      {
        const std::lock_guard lock(mutex_);
        done_.emplace(j, std::move(outcome));
      }
      done_cv_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_, done_cv_;
  std::optional<std::size_t> assigned_;
  std::optional<std::pair<std::size_t, RunOutcome>> done_;
  bool quit_ = false;
  std::atomic<bool> cancel_{false};
  std::thread thread_;  // last: started once the members it uses exist
};

struct Result {
  std::uint64_t index = 0;
  std::uint8_t status = kFailed;
  std::string error;
  std::vector<std::byte> record;
};

Result decode_result(const Message& m) {
  Result r;
  InArchive in(m.bytes);
  in(r.index, r.status, r.error, r.record);
  if (!in.at_end() || r.status > kInterrupted)
    throw ArchiveError(fmt::format("rank {} sent a result of another version", m.source));
  return r;
}

}  // namespace

MpiSession::MpiSession() {
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  if (provided < MPI_THREAD_FUNNELED) {
    MPI_Finalize();
    throw std::runtime_error("this MPI library does not support MPI_THREAD_FUNNELED");
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiSession::~MpiSession() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

MpiBackend::MpiBackend(const ModelDefinition& definition, const MpiSession& session,
                       int threads_per_run, const std::atomic<bool>& stop)
    : definition_(definition),
      ranks_(session.size()),
      threads_per_run_(std::max(1, threads_per_run)),
      stop_(stop),
      busy_(static_cast<std::size_t>(session.size())),
      retired_(static_cast<std::size_t>(session.size()), false) {
  if (session.rank() != 0) throw std::logic_error("MpiBackend is rank 0's side");
}

MpiBackend::~MpiBackend() {
  try {
    stop_workers();
  } catch (const std::exception& e) {
    fmt::print(stderr, "stopping the MPI workers: {}\n", e.what());
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
}

void MpiBackend::send_job(int rank, std::size_t index, const RunJob& job) {
  OutArchive out;
  out(static_cast<std::uint64_t>(index), static_cast<std::int32_t>(threads_per_run_), job);
  send(out.bytes(), rank, kJob);
  busy_[static_cast<std::size_t>(rank)] = index;
}

void MpiBackend::execute(std::span<const RunJob> jobs, const Finished& finished) {
  if (stopped_) throw std::logic_error("MpiBackend::execute after stop_workers");
  if (jobs.empty()) return;
  LocalWorker local(definition_, jobs, threads_per_run_);
  std::size_t next = 0;
  bool local_busy = false;
  const auto can_hand_out = [&] { return next < jobs.size() && !stop_.load(); };
  const auto hand_out = [&](int rank) {
    if (!can_hand_out()) return;
    if (rank == 0) {
      local.assign(next++);
      local_busy = true;
    } else if (!retired_[static_cast<std::size_t>(rank)]) {
      send_job(rank, next, jobs[next]);
      ++next;
    }
  };
  for (int r = 1; r < ranks_; ++r) hand_out(r);
  hand_out(0);

  bool cancelled = false;
  const auto any_busy = [&] {
    if (local_busy) return true;
    for (const auto& b : busy_)
      if (b) return true;
    return false;
  };
  while (any_busy()) {
    bool progressed = false;
    while (auto m = try_receive(MPI_ANY_SOURCE, kResult)) {
      const Result result = decode_result(*m);
      auto& busy = busy_[static_cast<std::size_t>(m->source)];
      if (!busy || *busy != result.index)
        throw std::runtime_error(
            fmt::format("rank {} sent the result of a job it was not given", m->source));
      const std::size_t j = *busy;
      busy.reset();
      RunOutcome outcome;
      if (result.status == kOk) {
        try {
          outcome.record = load_record(result.record);
        } catch (const std::exception& e) {
          outcome.error =
              fmt::format("the record rank {} sent is damaged: {}", m->source, e.what());
        }
      } else {
        outcome.error = fmt::format("{} (on rank {})", result.error, m->source);
      }
      if (result.status == kInterrupted) retired_[static_cast<std::size_t>(m->source)] = true;
      finished(j, std::move(outcome));
      hand_out(m->source);
      progressed = true;
    }
    if (auto done = local.take_done(progressed ? std::chrono::milliseconds(0) : kPoll)) {
      local_busy = false;
      finished(done->first, std::move(done->second));
      hand_out(0);
    }
    if (stop_.load() && !cancelled) {
      // The running jobs stop at their next step and report; no new ones are handed out.
      cancelled = true;
      local.cancel();
      for (int r = 1; r < ranks_; ++r)
        if (busy_[static_cast<std::size_t>(r)]) send_empty(r, kCancel);
    }
  }
}

void MpiBackend::cancel_and_drain() {
  for (int r = 1; r < ranks_; ++r)
    if (busy_[static_cast<std::size_t>(r)]) send_empty(r, kCancel);
  const auto any_busy = [&] {
    for (const auto& b : busy_)
      if (b) return true;
    return false;
  };
  while (any_busy()) {
    if (auto m = try_receive(MPI_ANY_SOURCE, kResult))
      busy_[static_cast<std::size_t>(m->source)].reset();
    else
      std::this_thread::sleep_for(kPoll);
  }
}

void MpiBackend::stop_workers() {
  if (stopped_) return;
  stopped_ = true;
  cancel_and_drain();  // only after an exception left execute() with runs out
  for (int r = 1; r < ranks_; ++r) send_empty(r, kStop);
}

void serve_mpi_jobs(const ModelDefinition& definition, const std::atomic<bool>& stop) {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  try {
    while (true) {
      auto m = try_receive(0, MPI_ANY_TAG);
      if (!m) {
        std::this_thread::sleep_for(kPoll);
        continue;
      }
      if (m->tag == kStop) return;
      if (m->tag == kCancel) continue;  // for a job that finished before it came
      if (m->tag != kJob) throw std::runtime_error(fmt::format("unknown message tag {}", m->tag));

      std::uint64_t index = 0;
      std::int32_t threads = 1;
      RunJob job;
      InArchive in(m->bytes);
      in(index, threads, job);
      if (!in.at_end()) throw ArchiveError("rank 0 sent a job of another version");

      Result result;
      result.index = index;
      if (stop.load()) {
        result.status = kInterrupted;
        result.error = "interrupted";
      } else {
        std::atomic<bool> cancel{false};
        std::mutex mutex;
        std::condition_variable ready;
        std::optional<RunOutcome> outcome;
        std::thread runner([&] {
          RunOutcome o = execute_job(definition, job, {threads, 0}, cancel);
          const std::lock_guard lock(mutex);
          outcome = std::move(o);
          ready.notify_all();
        });
        std::unique_lock lock(mutex);
        while (!outcome) {
          lock.unlock();
          if (stop.load() || try_receive(0, kCancel)) cancel = true;
          lock.lock();
          ready.wait_for(lock, kPoll, [&] { return outcome.has_value(); });
        }
        lock.unlock();
        runner.join();
        if (outcome->record) {
          result.record = save_record(*outcome->record);
          if (result.record.size() + 1024 > kMaxMessage) {
            result.status = kFailed;
            result.error = fmt::format(
                "the record of this run is {}, more than the 2 GiB one MPI message carries: run "
                "this sweep without mpirun (or with fewer reporting periods)",
                mib(result.record.size()));
            result.record.clear();
          } else {
            result.status = kOk;
          }
        } else {
          result.status = stop.load() ? kInterrupted : kFailed;
          result.error = std::move(outcome->error);
        }
      }
      OutArchive out;
      out(result.index, result.status, result.error, result.record);
      result.record.clear();
      send_polling(out.bytes(), 0, kResult);
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "eldersim, MPI rank {}: {}\n", rank, e.what());
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
}

}  // namespace sim
