#include <gtest/gtest.h>

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

TEST(StructOfArrays, AppendAndCompactKeepOrderAndIds) {
  Table t;
  const std::size_t first = append_rows(t, 10);
  EXPECT_EQ(first, 0u);
  for (std::size_t i = 0; i < 10; ++i) {
    t.id[i] = 100 + i;
    t.value[i] = static_cast<double>(i) / 2;
    t.keep[i] = i % 3 != 0;  // drop rows 0, 3, 6, 9
  }
  // The mask is one of the table's own columns: compaction must still read it correctly.
  const std::size_t kept = compact_rows(t, std::span<const std::uint8_t>(t.keep));
  EXPECT_EQ(kept, 6u);
  EXPECT_EQ(row_count(t), 6u);
  EXPECT_EQ(t.id, (std::vector<std::uint64_t>{101, 102, 104, 105, 107, 108}));
  EXPECT_EQ(t.value, (std::vector<double>{0.5, 1.0, 2.0, 2.5, 3.5, 4.0}));
  EXPECT_EQ(append_rows(t, 2), 6u);
  EXPECT_EQ(row_count(t), 8u);
  t.value.push_back(1);
  EXPECT_THROW(row_count(t), std::logic_error);
}

struct Sum {
  double total = 0;
  std::int64_t count = 0;
  void clear() { total = 0, count = 0; }
  void merge(const Sum& o) { total += o.total, count += o.count; }
};

// Floating-point sums differ with the order of addition; block-ordered merging makes the
// result independent of the thread count.
double ordered_sum(int threads, const std::vector<double>& values) {
  ThreadLimit limit(threads);
  Sum total;
  std::vector<Sum> scratch;
  parallel_accumulate(
      values.size(), scratch, total, [] { return Sum{}; },
      [&](std::size_t begin, std::size_t end, Sum& acc) {
        for (std::size_t i = begin; i < end; ++i) acc.total += values[i], ++acc.count;
      });
  EXPECT_EQ(total.count, static_cast<std::int64_t>(values.size()));
  return total.total;
}

TEST(ParallelAccumulate, BitIdenticalForAnyThreadCount) {
  std::vector<double> values(1'000'003);
  for (std::size_t i = 0; i < values.size(); ++i)
    values[i] = 1.0 / static_cast<double>(i + 1) * (i % 2 ? 1e8 : 1e-8);
  const double one = ordered_sum(1, values);
  EXPECT_EQ(one, ordered_sum(2, values));
  EXPECT_EQ(one, ordered_sum(3, values));
  EXPECT_EQ(one, ordered_sum(8, values));
}

TEST(ParallelForBlocks, VisitsEveryIndexOnce) {
  std::vector<int> hits(100'000, 0);
  parallel_for_blocks(hits.size(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) ++hits[i];
  });
  EXPECT_EQ(std::accumulate(hits.begin(), hits.end(), 0), 100'000);
  EXPECT_EQ(*std::min_element(hits.begin(), hits.end()), 1);
}

}  // namespace
}  // namespace sim
