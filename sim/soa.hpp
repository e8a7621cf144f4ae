#pragma once
// Struct-of-arrays storage helpers. A table is any struct that lists its columns (std::vector
// members, one per attribute) in a for_each_column(f) member; these helpers resize, append to and
// compact every column together, so a column can never fall out of step with the others.

#include <tbb/parallel_for.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <vector>

namespace sim {

// Asks the memory for the cache line of an element about to be written, in a serial pass that
// visits rows in an order the hardware cannot guess (events in day order). A hint: no effect on
// results.
template <class T>
inline void prefetch_for_write(const T& element) {
  __builtin_prefetch(&element, 1);
}

template <class Table>
std::size_t row_count(Table& table) {
  std::size_t n = 0;
  bool first = true;
  table.for_each_column([&](auto& column) {
    if (first)
      n = column.size();
    else if (column.size() != n)
      throw std::logic_error("struct-of-arrays columns differ in length");
    first = false;
  });
  return n;
}

// Grows every column by `count` default rows and returns the index of the first new row.
template <class Table>
std::size_t append_rows(Table& table, std::size_t count) {
  const std::size_t first = row_count(table);
  table.for_each_column([&](auto& column) { column.resize(first + count); });
  return first;
}

// Reserves room for `capacity` rows. Reserved memory that is never written is never touched,
// so it costs address space, not resident memory.
template <class Table>
void reserve_rows(Table& table, std::size_t capacity) {
  table.for_each_column([&](auto& column) { column.reserve(capacity); });
}

// Where each old row went after a compaction: new index, or kRemoved.
class RowMap {
 public:
  static constexpr std::uint32_t kRemoved = std::numeric_limits<std::uint32_t>::max();
  explicit RowMap(std::vector<std::uint32_t> to) : to_(std::move(to)) {}
  std::uint32_t operator()(std::uint32_t old_row) const { return to_[old_row]; }
  std::size_t old_rows() const { return to_.size(); }

 private:
  std::vector<std::uint32_t> to_;
};

// Removes every row whose keep[i] is false, keeping the others in their order (so the order of
// agents, and with it every result, does not depend on when compaction runs), and returns
// where each row went so that whoever holds row numbers can update them. Columns are compacted
// in place, each as its own task (no column is copied whole).
template <class Table, class Flag>
RowMap compact_rows(Table& table, std::span<const Flag> keep) {
  const std::size_t n = row_count(table);
  if (keep.size() != n) throw std::logic_error("compact_rows: mask length differs from table");
  if (n >= RowMap::kRemoved) throw std::length_error("compact_rows: too many rows");
  // Where each row goes: rows kept per chunk, their prefix sums, then each chunk's rows.
  constexpr std::size_t kChunk = 1 << 16;
  const std::size_t chunks = (n + kChunk - 1) / kChunk;
  std::vector<std::uint32_t> first(chunks + 1, 0);
  tbb::parallel_for(std::size_t{0}, chunks, [&](std::size_t c) {
    std::uint32_t k = 0;
    for (std::size_t i = c * kChunk; i < std::min(n, (c + 1) * kChunk); ++i) k += keep[i] ? 1 : 0;
    first[c + 1] = k;
  });
  for (std::size_t c = 0; c < chunks; ++c) first[c + 1] += first[c];
  const std::uint32_t kept = first[chunks];
  std::vector<std::uint32_t> to(n);
  tbb::parallel_for(std::size_t{0}, chunks, [&](std::size_t c) {
    std::uint32_t next = first[c];
    for (std::size_t i = c * kChunk; i < std::min(n, (c + 1) * kChunk); ++i)
      to[i] = keep[i] ? next++ : RowMap::kRemoved;
  });
  // The mask may be a column: every other column first, then the mask's own.
  tbb::task_group tasks;
  const void* mask = keep.data();
  table.for_each_column([&](auto& column) {
    if (static_cast<const void*>(column.data()) == mask) return;
    tasks.run([&column, &to, n, kept] {
      for (std::size_t i = 0; i < n; ++i)
        if (to[i] != RowMap::kRemoved) column[to[i]] = column[i];
      column.resize(kept);
    });
  });
  tasks.wait();
  table.for_each_column([&](auto& column) {
    if (static_cast<const void*>(column.data()) != mask) return;
    for (std::size_t i = 0; i < n; ++i)
      if (to[i] != RowMap::kRemoved) column[to[i]] = column[i];
    column.resize(kept);
  });
  return RowMap(std::move(to));
}

}  // namespace sim
