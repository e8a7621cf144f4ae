#include "sim/run_backend.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace sim {

config::Document load_job(const RunJob& job) {
  config::Document doc = config::load_document(job.config);
  if (!job.overlay.empty()) {
    config::merge(doc.root, config::parse_yaml(job.overlay, "(planned additions)"));
    doc.sources.emplace_back("(planned additions)", job.overlay);
  }
  for (const auto& o : job.overrides) config::apply_override(doc, o);
  return doc;
}

RunOutcome execute_job(const ModelDefinition& definition, const RunJob& job,
                       const RunOptions& options, const std::atomic<bool>& stop) {
  RunOutcome outcome;
  try {
    const config::Document doc = load_job(job);
    outcome.record =
        execute_run(definition, doc, options, stop, {job.checkpoint, job.checkpoint_every});
  } catch (const config::ConfigError& e) {
    for (const auto& d : e.diagnostics())
      outcome.error += (outcome.error.empty() ? "" : "; ") + config::to_string(d);
  } catch (const std::exception& e) {
    outcome.error = e.what();
  }
  return outcome;
}

LocalBackend::LocalBackend(const ModelDefinition& definition, int jobs, int threads_per_run,
                           const std::atomic<bool>& stop)
    : definition_(definition),
      jobs_(std::max(1, jobs)),
      threads_per_run_(std::max(1, threads_per_run)),
      stop_(stop) {}

void LocalBackend::execute(std::span<const RunJob> jobs, const Finished& finished) {
  std::mutex mutex;
  std::condition_variable ready;
  std::size_t next = 0;
  std::deque<std::pair<std::size_t, RunOutcome>> done;
  const auto work = [&] {
    while (true) {
      std::size_t j = 0;
      {
        const std::lock_guard lock(mutex);
        if (next == jobs.size() || stop_.load()) return;
        j = next++;
      }
      RunOutcome outcome = execute_job(definition_, jobs[j], {threads_per_run_, 0}, stop_);
      const std::lock_guard lock(mutex);
      done.emplace_back(j, std::move(outcome));
      ready.notify_one();
    }
  };
  std::vector<std::jthread> workers;
  const int n = std::min<int>(jobs_, static_cast<int>(jobs.size()));
  workers.reserve(static_cast<std::size_t>(n));
  for (int w = 0; w < n; ++w) workers.emplace_back(work);
  std::size_t reported = 0;
  std::unique_lock lock(mutex);
  const auto drain = [&] {
    while (!done.empty()) {
      auto [j, outcome] = std::move(done.front());
      done.pop_front();
      ++reported;
      lock.unlock();
      finished(j, std::move(outcome));
      lock.lock();
    }
  };
  while (reported < jobs.size()) {
    // A signal sets stop_ without notifying: poll it.
    ready.wait_for(lock, std::chrono::milliseconds(200), [&] { return !done.empty(); });
    drain();
    if (stop_.load() && reported < jobs.size()) {
      // Workers take no new job; the running ones stop at their next step and report.
      lock.unlock();
      for (auto& w : workers) w.join();
      lock.lock();
      drain();
      break;
    }
  }
}

}  // namespace sim
