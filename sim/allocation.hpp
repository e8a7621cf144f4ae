#pragma once
// Deterministic allocation of limited places (design section 3, step 6).
//
// Requests wait in persistent priority queues, kept in order between steps (insert, erase and
// search in O(log n), never re-sorted). The order is a total order on (class, rank, since,
// tie-break hash, id), so it does not depend on threads or on the order requests arrived in.
// serve_in_priority_order serves several queues in one global priority order: at each turn the
// first waiting request, over all queues whose pool has room, is served. A request whose pool
// was full at its turn is passed over for this step, even if a place frees later in the pass:
// a freed place goes to the requests that come after the one that freed it.

#include <algorithm>
#include <compare>
#include <cstdint>
#include <functional>
#include <limits>
#include <queue>
#include <set>
#include <utility>
#include <vector>

namespace sim {

// Lower sorts first.
struct Priority {
  std::uint32_t klass = 0;  // 0 = highest priority class
  std::int32_t rank = 0;    // within a class, lower first (e.g. minus the ADL level)
  std::int32_t since = 0;   // day the request was first made: first come, first served
  std::uint64_t tie = 0;    // hash of (id, since): a fair, reproducible tie-break
  std::uint64_t id = 0;     // makes the order total
  // clang-tidy 14 takes the 0 of the comparison a defaulted <=> makes for a null pointer.
  // NOLINTNEXTLINE(modernize-use-nullptr)
  auto operator<=>(const Priority&) const = default;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(klass, rank, since, tie, id);
  }
};

// SplitMix64 of (id, salt): the tie-break of requests made on the same day.
inline std::uint64_t tie_break_hash(std::uint64_t id, std::uint64_t salt) {
  std::uint64_t z = id * 0x9E3779B97F4A7C15ull + salt + 0x632BE59BD9B4E019ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// One waiting list: (priority, slot) pairs in priority order; the slot names the request in
// whatever table its owner keeps.
class PriorityQueue {
 public:
  using Entry = std::pair<Priority, std::uint32_t>;
  void insert(const Priority& key, std::uint32_t slot) { set_.emplace(key, slot); }
  // Returns false if the entry was not there.
  bool erase(const Priority& key, std::uint32_t slot) { return set_.erase({key, slot}) > 0; }
  bool empty() const { return set_.empty(); }
  std::size_t size() const { return set_.size(); }
  // The first entry after `key` (strictly), or nullptr.
  const Entry* first_after(const Priority& key) const {
    const auto it = set_.upper_bound({key, std::numeric_limits<std::uint32_t>::max()});
    return it == set_.end() ? nullptr : &*it;
  }
  const Entry* first() const { return set_.empty() ? nullptr : &*set_.begin(); }
  auto begin() const { return set_.begin(); }
  auto end() const { return set_.end(); }
  template <class Archive>
  void serialize(Archive& ar) {
    ar(set_);
  }

 private:
  std::set<Entry> set_;
};

// Serves `queues` in one global priority order. can_serve(q) says whether queue q's pool has
// room for its next request; serve(q, slot) serves that request (the caller removes it from
// the queue) and calls reopen(q2) for every queue whose pool it gave room to.
class PriorityPass {
 public:
  explicit PriorityPass(std::vector<PriorityQueue*> queues)
      : queues_(std::move(queues)), active_(queues_.size(), false) {}

  template <class CanServe, class Serve>
  void run(CanServe&& can_serve, Serve&& serve) {
    can_serve_ = can_serve;
    for (std::size_t q = 0; q < queues_.size(); ++q)
      if (const auto* e = queues_[q]->first(); e && can_serve(q)) push(*e, q);
    while (!heap_.empty()) {
      const Candidate c = heap_.top();
      heap_.pop();
      current_ = c.key;
      if (!can_serve(c.queue)) {
        active_[c.queue] = false;  // full: passed over until a place frees after current_
        continue;
      }
      // The next request is read before serving, which removes this one from the queue.
      const auto* next = queues_[c.queue]->first_after(c.key);
      const bool has_next = next != nullptr;
      const PriorityQueue::Entry after = has_next ? *next : PriorityQueue::Entry{};
      serve(c.queue, c.slot);
      if (has_next)
        heap_.push({after.first, after.second, c.queue});
      else
        active_[c.queue] = false;
    }
    can_serve_ = nullptr;
  }

  // Queue q's pool gained room: its requests after the current one may be served.
  void reopen(std::size_t q) {
    if (active_[q] || !can_serve_ || !can_serve_(q)) return;
    if (const auto* e = queues_[q]->first_after(current_)) push(*e, q);
  }

 private:
  struct Candidate {
    Priority key;
    std::uint32_t slot;
    std::size_t queue;
    bool operator>(const Candidate& o) const {
      return std::tie(key, slot) > std::tie(o.key, o.slot);
    }
  };
  void push(const PriorityQueue::Entry& e, std::size_t q) {
    heap_.push({e.first, e.second, q});
    active_[q] = true;
  }

  std::vector<PriorityQueue*> queues_;
  std::vector<bool> active_;
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> heap_;
  Priority current_{};
  std::function<bool(std::size_t)> can_serve_;
};

}  // namespace sim
