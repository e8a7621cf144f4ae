#pragma once
// Struct-of-arrays storage helpers. A table is any struct that lists its columns (std::vector
// members, one per attribute) in a for_each_column(f) member; these helpers resize, append to and
// compact every column together, so a column can never fall out of step with the others.

#include <cstddef>
#include <span>
#include <stdexcept>
#include <vector>

namespace sim {

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

template <class Table>
void reserve_rows(Table& table, std::size_t capacity) {
  table.for_each_column([&](auto& column) { column.reserve(capacity); });
}

// Removes every row whose keep[i] is false, keeping the others in their order (so ids and the
// order of agents, and with them every result, do not depend on when compaction runs).
// The mask is copied first, so it may be one of the table's own columns.
template <class Table, class Flag>
std::size_t compact_rows(Table& table, std::span<const Flag> mask) {
  const std::size_t n = row_count(table);
  if (mask.size() != n) throw std::logic_error("compact_rows: mask length differs from table");
  const std::vector<bool> keep(mask.begin(), mask.end());
  std::size_t kept = 0;
  table.for_each_column([&](auto& column) {
    std::size_t out = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (keep[i]) column[out++] = column[i];
    column.resize(out);
    kept = out;
  });
  return kept;
}

}  // namespace sim
