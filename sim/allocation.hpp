#pragma once
// Deterministic capacity allocation (design section 3, step 6): requests are collected in
// parallel, then served one by one in a strict priority order against pools of capacity. The
// order is a total order on (class, level, since, tie-break hash, id), so the outcome is the
// same whatever the thread count or the order requests were collected in.

#include <algorithm>
#include <compare>
#include <cstdint>
#include <limits>
#include <vector>

namespace sim {

// Lower sorts first.
struct Priority {
  std::uint32_t klass = 0;  // 0 = highest priority class
  std::int32_t rank = 0;    // within a class, lower first (e.g. minus the ADL level)
  std::int32_t since = 0;   // day the request was first made: first come, first served
  std::uint64_t tie = 0;    // hash of (id, step): a fair, reproducible tie-break
  std::uint64_t id = 0;     // makes the order total
  auto operator<=>(const Priority&) const = default;
};

// SplitMix64 of (id, step): the tie-break of requests made on the same day.
inline std::uint64_t tie_break_hash(std::uint64_t id, std::uint64_t step) {
  std::uint64_t z = id * 0x9E3779B97F4A7C15ull + step + 0x632BE59BD9B4E019ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Sorts requests (anything with a `priority` member) into service order.
template <class Request>
void sort_by_priority(std::vector<Request>& requests) {
  std::sort(requests.begin(), requests.end(),
            [](const Request& a, const Request& b) { return a.priority < b.priority; });
}

// Pools of capacity (beds, places, hours). A pool may be unlimited.
class CapacityPools {
 public:
  static constexpr double kUnlimited = std::numeric_limits<double>::infinity();
  explicit CapacityPools(std::vector<double> available) : available_(std::move(available)) {}
  double available(std::size_t pool) const { return available_[pool]; }
  // Takes `units` from the pool if it has them all.
  bool take(std::size_t pool, double units) {
    if (available_[pool] < units) return false;
    available_[pool] -= units;
    return true;
  }
  void give_back(std::size_t pool, double units) { available_[pool] += units; }

 private:
  std::vector<double> available_;
};

}  // namespace sim
