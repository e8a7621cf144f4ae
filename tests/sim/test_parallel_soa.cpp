#include <gtest/gtest.h>
#include <tbb/enumerable_thread_specific.h>

#include <atomic>
#include <cstdint>
#include <numeric>
#include <vector>

#include "sim/parallel.hpp"
#include "sim/soa.hpp"

namespace sim {
namespace {

struct Table {
  std::vector<std::uint64_t> id;
  std::vector<double> value;
  std::vector<std::uint8_t> keep;
  template <class F>
  void for_each_column(F&& f) {
    f(id), f(value), f(keep);
  }
};

TEST(StructOfArrays, AppendAndCompactKeepOrderAndIdsAndMapRows) {
  Table t;
  const std::size_t first = append_rows(t, 10);
  EXPECT_EQ(first, 0u);
  for (std::size_t i = 0; i < 10; ++i) {
    t.id[i] = 100 + i;
    t.value[i] = static_cast<double>(i) / 2;
    t.keep[i] = i % 3 != 0;  // drop rows 0, 3, 6, 9
  }
  // The mask is one of the table's own columns: compaction must still read it correctly.
  const RowMap map = compact_rows(t, std::span<const std::uint8_t>(t.keep));
  EXPECT_EQ(row_count(t), 6u);
  EXPECT_EQ(t.id, (std::vector<std::uint64_t>{101, 102, 104, 105, 107, 108}));
  EXPECT_EQ(t.value, (std::vector<double>{0.5, 1.0, 2.0, 2.5, 3.5, 4.0}));
  // Every kept row knows where it went; removed rows say so.
  EXPECT_EQ(map.old_rows(), 10u);
  EXPECT_EQ(map(0), RowMap::kRemoved);
  EXPECT_EQ(map(1), 0u);
  EXPECT_EQ(map(5), 3u);
  EXPECT_EQ(map(8), 5u);
  EXPECT_EQ(map(9), RowMap::kRemoved);
  EXPECT_EQ(append_rows(t, 2), 6u);
  EXPECT_EQ(row_count(t), 8u);
  t.value.push_back(1);
  EXPECT_THROW(row_count(t), std::logic_error);
}

TEST(Blocks, CoverEveryRowOnceForAnySize) {
  for (std::size_t size : {1u, 7u, 1000u, 4096u, 100000u}) {
    const Blocks blocks(10'007, size);
    std::size_t next = 0;
    for (std::size_t b = 0; b < blocks.count(); ++b) {
      EXPECT_EQ(blocks[b].begin, next);
      EXPECT_EQ(blocks[b].index, b);
      EXPECT_GT(blocks[b].size(), 0u);
      next = blocks[b].end;
    }
    EXPECT_EQ(next, 10'007u) << size;
  }
  EXPECT_EQ(Blocks(0, 64).count(), 0u);
}

struct Counts {
  std::vector<std::int64_t> n = std::vector<std::int64_t>(16, 0);
  void clear() { std::fill(n.begin(), n.end(), 0); }
  void merge(const Counts& o) {
    for (std::size_t k = 0; k < n.size(); ++k) n[k] += o.n[k];
  }
};

// Integer counts merged per block give the same totals for any thread count and block size.
std::vector<std::int64_t> counts(int threads, std::size_t block_size,
                                 const std::vector<std::uint32_t>& values) {
  Executor executor(threads);
  return executor.run([&] {
    Counts total;
    std::vector<Counts> scratch;
    accumulate_blocks(
        Blocks(values.size(), block_size), scratch, total, [] { return Counts{}; },
        [&](const BlockRange& r, Counts& acc) {
          for (std::size_t i = r.begin; i < r.end; ++i) acc.n[values[i] % 16] += values[i];
        });
    return total.n;
  });
}

TEST(AccumulateBlocks, SameForAnyThreadCountAndBlockSize) {
  std::vector<std::uint32_t> values(1'000'003);
  for (std::size_t i = 0; i < values.size(); ++i)
    values[i] = static_cast<std::uint32_t>((i * 2654435761u) >> 7);
  const auto one = counts(1, 4096, values);
  EXPECT_EQ(one, counts(2, 4096, values));
  EXPECT_EQ(one, counts(3, 1000, values));
  EXPECT_EQ(one, counts(8, 17, values));
  std::int64_t sum = 0;
  for (auto v : values) sum += v;
  EXPECT_EQ(std::accumulate(one.begin(), one.end(), std::int64_t{0}), sum);
}

TEST(ForEachBlock, VisitsEveryIndexOnce) {
  std::vector<int> hits(100'000, 0);
  for_each_block(Blocks(hits.size(), 333), [&](const BlockRange& r) {
    for (std::size_t i = r.begin; i < r.end; ++i) ++hits[i];
  });
  EXPECT_EQ(std::accumulate(hits.begin(), hits.end(), 0), 100'000);
  EXPECT_EQ(*std::min_element(hits.begin(), hits.end()), 1);
}

TEST(Executor, RunsOnItsOwnNumberOfThreads) {
  // Two executors side by side, each limited to its own threads (no process-wide limit).
  Executor one(1), two(2);
  EXPECT_EQ(one.threads(), 1);
  EXPECT_EQ(two.threads(), 2);
  const auto concurrency = [](Executor& e) {
    return e.run([] { return tbb::this_task_arena::max_concurrency(); });
  };
  EXPECT_EQ(concurrency(one), 1);
  EXPECT_EQ(concurrency(two), 2);
  // Work inside one executor never runs on more threads than it has.
  std::atomic<int> running{0}, most{0};
  one.run([&] {
    for_each_block(Blocks(64, 1), [&](const BlockRange&) {
      const int now = ++running;
      int seen = most.load();
      while (now > seen && !most.compare_exchange_weak(seen, now)) {
      }
      --running;
    });
  });
  EXPECT_EQ(most.load(), 1);
}

}  // namespace
}  // namespace sim
