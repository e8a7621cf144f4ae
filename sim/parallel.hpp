#pragma once
// The parallel loop over agents and the threads of a run.
//
// Agents are cut into blocks of a fixed size; each block fills its own accumulator and its own
// lists, which are merged in block order. Accumulators hold integers only and lists are merged
// in row order, so every result is bit-identical for any thread count and any block size
// (tests/sim/test_parallel_soa.cpp, tests/models/test_determinism.cpp).
//
// A run owns an Executor: its own oneTBB task arena with its thread count, so several runs can
// live in one process, each with its own threads (no process-wide thread limit).

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace sim {

// Agents per block: large enough to amortise scheduling, small enough that a block's lanes and
// scratch stay in the first-level cache and to balance tens of cores at 10^5..10^7 agents.
inline constexpr std::size_t kDefaultBlockSize = 2048;

struct BlockRange {
  std::size_t index;  // block number
  std::size_t begin;  // first row
  std::size_t end;    // one past the last row
  std::size_t size() const { return end - begin; }
};

class Blocks {
 public:
  Blocks(std::size_t rows, std::size_t block_size)
      : rows_(rows), size_(std::max<std::size_t>(1, block_size)) {}
  std::size_t count() const { return (rows_ + size_ - 1) / size_; }
  std::size_t block_size() const { return size_; }
  BlockRange operator[](std::size_t b) const {
    return {b, b * size_, std::min(rows_, (b + 1) * size_)};
  }

 private:
  std::size_t rows_;
  std::size_t size_;
};

// Runs body(BlockRange) for every block, in parallel.
template <class Body>
void for_each_block(const Blocks& blocks, Body&& body) {
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, blocks.count(), 1),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      for (std::size_t b = r.begin(); b != r.end(); ++b) body(blocks[b]);
                    });
}

// Runs body(BlockRange, Acc&) for every block into its own accumulator (kept in `scratch`
// between calls, made by make() and emptied by clear()), then merges them into `into` in block
// order with into.merge(acc).
template <class Acc, class Make, class Body>
void accumulate_blocks(const Blocks& blocks, std::vector<Acc>& scratch, Acc& into, Make&& make,
                       Body&& body) {
  const std::size_t n = blocks.count();
  while (scratch.size() < n) scratch.push_back(make());
  for_each_block(blocks, [&](const BlockRange& r) {
    Acc& acc = scratch[r.index];
    acc.clear();
    body(r, acc);
  });
  for (std::size_t b = 0; b < n; ++b) into.merge(scratch[b]);
}

// The threads of one run: a task arena of `threads` threads (0: all cores). Every parallel loop
// called inside run() uses them.
class Executor {
 public:
  explicit Executor(int threads) : arena_(threads > 0 ? threads : tbb::task_arena::automatic) {
    arena_.initialize();
  }
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;
  int threads() const { return arena_.max_concurrency(); }
  template <class F>
  decltype(auto) run(F&& f) {
    return arena_.execute(std::forward<F>(f));
  }

 private:
  tbb::task_arena arena_;
};

}  // namespace sim
