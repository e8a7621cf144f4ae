#pragma once
// Counts by 64-bit key: an open-addressing hash table (linear probing, power-of-two size) for
// counting many items into few distinct classes without allocating per item. Counts are
// integers, so tables filled by different threads merge exactly in any order.

#include <cstdint>
#include <vector>

namespace sim {

class CountTable {
 public:
  explicit CountTable(std::size_t capacity = 1024) { reset(capacity); }

  void add(std::uint64_t key, std::int64_t n = 1) {
    if (4 * (size_ + 1) > 3 * keys_.size()) grow();
    std::size_t k = slot(key);
    while (used_[k] && keys_[k] != key) k = (k + 1) & (keys_.size() - 1);
    if (!used_[k]) {
      used_[k] = 1;
      keys_[k] = key;
      ++size_;
    }
    counts_[k] += n;
  }
  std::size_t size() const { return size_; }
  void clear() {
    if (size_ == 0) return;
    std::fill(used_.begin(), used_.end(), 0);
    std::fill(counts_.begin(), counts_.end(), 0);
    size_ = 0;
  }
  template <class F>
  void for_each(F&& f) const {
    for (std::size_t k = 0; k < keys_.size(); ++k)
      if (used_[k]) f(keys_[k], counts_[k]);
  }
  void merge(const CountTable& other) {
    other.for_each([&](std::uint64_t key, std::int64_t n) { add(key, n); });
  }

 private:
  std::size_t slot(std::uint64_t key) const {
    key ^= key >> 33;
    key *= 0xFF51AFD7ED558CCDull;
    key ^= key >> 33;
    return static_cast<std::size_t>(key) & (keys_.size() - 1);
  }
  void reset(std::size_t capacity) {
    std::size_t n = 16;
    while (n < capacity) n *= 2;
    keys_.assign(n, 0);
    counts_.assign(n, 0);
    used_.assign(n, 0);
    size_ = 0;
  }
  void grow() {
    CountTable bigger(2 * keys_.size());
    for_each([&](std::uint64_t key, std::int64_t n) { bigger.add(key, n); });
    *this = std::move(bigger);
  }

  std::vector<std::uint64_t> keys_;
  std::vector<std::int64_t> counts_;
  std::vector<std::uint8_t> used_;
  std::size_t size_ = 0;
};

}  // namespace sim
