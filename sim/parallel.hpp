#pragma once
// The parallel step loop: agents are cut into fixed-size blocks (independent of the thread
// count), each block gets its own accumulator, and accumulators are merged in block order.
// Together with counter-based random numbers this makes every result bit-identical for any
// number of threads, including floating-point sums.

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <cstddef>
#include <memory>
#include <vector>

namespace sim {

// Agents per block. Large enough to amortise scheduling, small enough to balance two to a few
// dozen cores at 10^5..10^7 agents. Part of the determinism contract: changing it may change the
// order of floating-point merges (never the draws).
inline constexpr std::size_t kBlockSize = 8192;

inline std::size_t block_count(std::size_t n) {
  return (n + kBlockSize - 1) / kBlockSize;
}

// Runs body(begin, end) over [0, n) in blocks, in parallel.
template <class Body>
void parallel_for_blocks(std::size_t n, Body&& body) {
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, block_count(n), 1),
                    [&](const tbb::blocked_range<std::size_t>& blocks) {
                      for (std::size_t b = blocks.begin(); b != blocks.end(); ++b) {
                        const std::size_t begin = b * kBlockSize;
                        body(begin, std::min(n, begin + kBlockSize));
                      }
                    });
}

// Runs body(begin, end, acc) over [0, n) in blocks, each block into its own accumulator made by
// make(), then merges them in block order with into.merge(block_acc). `scratch` keeps the
// per-block accumulators between calls so a step allocates nothing once warmed up.
template <class Acc, class Make, class Body>
void parallel_accumulate(std::size_t n, std::vector<Acc>& scratch, Acc& into, Make&& make,
                         Body&& body) {
  const std::size_t n_blocks = block_count(n);
  scratch.reserve(n_blocks);
  while (scratch.size() < n_blocks) scratch.push_back(make());
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n_blocks, 1),
                    [&](const tbb::blocked_range<std::size_t>& blocks) {
                      for (std::size_t b = blocks.begin(); b != blocks.end(); ++b) {
                        Acc& acc = scratch[b];
                        acc.clear();
                        const std::size_t begin = b * kBlockSize;
                        body(begin, std::min(n, begin + kBlockSize), acc);
                      }
                    });
  for (std::size_t b = 0; b < n_blocks; ++b) into.merge(scratch[b]);
}

// Limits TBB to `threads` worker threads for the lifetime of the object (0 = all cores).
class ThreadLimit {
 public:
  explicit ThreadLimit(int threads);
  int threads() const { return threads_; }

 private:
  int threads_;
  std::unique_ptr<tbb::global_control> control_;
};

inline ThreadLimit::ThreadLimit(int threads)
    : threads_(threads > 0 ? threads
                           : static_cast<int>(tbb::global_control::active_value(
                                 tbb::global_control::max_allowed_parallelism))),
      control_(std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                     static_cast<std::size_t>(threads_))) {}

}  // namespace sim
