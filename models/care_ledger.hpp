#pragma once
// The care system's capacity ledger, owned by care: every facility's places and their
// occupancy, every district's home-care hours, and the waiting lists. Every path that takes or
// frees a place (the care allocation, discharge from hospital, deaths, moves, closures and
// capacity cuts) goes through it, so occupancy is always the count of the people holding a place.
//
// Pools: an institution has other beds and nursing-type beds; a community centre has day-care
// places; a district has home-care worker hours per week. Waiting lists are persistent priority
// queues (sim/allocation.hpp), kept in order between steps:
//   institution f:  "any" (takes another bed first, else a nursing-type bed) and "nursing"
//                   (needs a nursing-type bed, or moves to one within the home)
//   community f:    "any"
//   district d:     one queue per number of hours asked for (hours not yet held), so a queue
//                   can be served exactly when the district has that many hours free
// allocate() serves every queue in one global priority order (design section 3 step 6).

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <vector>

#include "models/people.hpp"
#include "models/scenario.hpp"
#include "sim/allocation.hpp"
#include "sim/soa.hpp"
#include "sim/timing.hpp"

namespace eldersim::care {

inline constexpr sim::Day kNever = std::numeric_limits<sim::Day>::max();

// One facility's state over the run (its spec is in Scenario::care.facilities).
struct Place {
  bool open = false;
  std::int64_t places = 0;          // scaled
  std::int64_t nursing_places = 0;  // the nursing-type part of places (institutions)
  std::int64_t respite_beds = 0;    // community centres, scaled
  std::array<double, kAdlLevels> monthly_price{};
  std::int64_t occupied = 0;
  std::int64_t occupied_nursing = 0;
  std::int64_t pending_change = 0;  // supply response: places to add (or remove) on pending_due
  sim::Day pending_due = kNever;
  bool check_capacity = false;  // closed or cut since the last care step: settle who stays
  template <class Archive>
  void serialize(Archive& ar) {
    ar(open, places, nursing_places, respite_beds, monthly_price, occupied, occupied_nursing,
       pending_change, pending_due, check_capacity);
  }
};

// The place a person holds: a bed (which kind) or day-care place of a facility, or home-care
// hours in a district.
struct HeldPlace {
  CareMode mode = kNoCare;
  std::uint16_t facility = kNoFacility;
  std::uint16_t district = 0;
  std::uint8_t hours = 0;
  bool nursing = false;
  sim::Day since = 0;  // the day the person took it (care_since)
  template <class Archive>
  void serialize(Archive& ar) {
    ar(mode, facility, district, hours, nursing, since);
  }
};

// How a stay in an institution ends, counted by its length (new_institution_stays_ended).
enum class StayEnd : std::uint8_t { kDied = 0, kMoved = 1, kLeft = 2 };
inline constexpr std::size_t kStayEnds = 3;
inline constexpr std::size_t kStayBands = 4;  // 0-89, 90-364, 365-1094, 1095+ days
inline std::size_t stay_band(sim::Day days) {
  return days < 90 ? 0 : days < 365 ? 1 : days < 1095 ? 2 : 3;
}
std::vector<std::string> stay_end_names();
std::vector<std::string> stay_band_names();

// One person's place on a waiting list.
// How a wait ended, and how long it had lasted (today - counted_from), for waiting-list
// survival (n_waiting_by_duration, new_waits_ended): admitted to the place, given up at the
// renege day, or left otherwise (death, a move, another choice, in hospital).
enum class WaitEnd : std::uint8_t { kAdmitted = 0, kReneged = 1, kLeft = 2 };
inline constexpr std::size_t kWaitEnds = 3;
inline constexpr std::size_t kWaitBands = 4;  // 0-29, 30-89, 90-179, 180+ days
inline std::size_t wait_band(sim::Day days) {
  return days < 30 ? 0 : (days < 90 ? 1 : (days < 180 ? 2 : 3));
}
std::vector<std::string> wait_end_names();
std::vector<std::string> wait_band_names();

struct WaitEntry {
  sim::Priority key;
  std::uint32_t row = 0;
  CareMode mode = kNoCare;
  std::uint16_t facility = kNoFacility;  // community and institutions
  std::uint16_t district = 0;            // home care: whose hours
  std::uint8_t hours = 0;                // home care: hours per week asked for
  bool nursing = false;                  // institution: asks for a nursing-type bed
  bool in_place = false;                 // a change within the place held
  std::int16_t demand = 1;               // home care: hours not yet held (the queue it is in)
  sim::Day since = 0;                    // request day: the priority's first-come order
  sim::Day counted_from = 0;             // start of the wait for this very place (statistics)
  sim::Day renege_on = kNever;           // the day the person gives up (never for in-place)
  bool used = false;
  std::uint32_t generation = 0;  // how many requests this slot has held (renege calendar)
  HeldPlace held;                // what the person holds while waiting (freed when served)
  template <class Archive>
  void serialize(Archive& ar) {
    ar(key, row, mode, facility, district, hours, nursing, in_place, demand, since, counted_from,
       renege_on, used, generation, held);
  }
};

// The duration band a wait has reached on `day` (its length counted from counted_from).
inline std::size_t wait_band_on(const WaitEntry& w, sim::Day day) {
  return wait_band(std::max<sim::Day>(0, day - w.counted_from));
}

class Ledger {
 public:
  explicit Ledger(const Scenario& s);

  // ---- places ----
  std::size_t facility_count() const { return places_.size(); }
  const Place& place(std::size_t f) const { return places_[f]; }
  bool is_community(std::size_t f) const { return community_[f]; }
  std::int64_t free_other(std::size_t f) const;    // institution: other beds free
  std::int64_t free_nursing(std::size_t f) const;  // institution: nursing-type beds free
  std::int64_t free_places(std::size_t f) const;   // community: places free
  // Whether a new request could be served now: a place of a centre; a nursing-type bed, or for
  // a request that does not need one any bed, of a home.
  bool has_room(std::size_t f, bool nursing) const;
  // Requests on facility f's waiting list for a nursing-type bed, or for any other place.
  std::int64_t queued(std::size_t f, bool nursing) const {
    return static_cast<std::int64_t>(queues_[nursing ? queue_nursing(f) : queue_any(f)].size());
  }
  double home_hours(std::size_t d) const { return home_hours_[d]; }
  std::int64_t home_hours_used(std::size_t d) const { return home_hours_used_[d]; }
  double free_hours(std::size_t d) const {
    return home_hours_[d] - static_cast<double>(home_hours_used_[d]);
  }
  bool unlimited() const { return unlimited_; }

  // Capacity changes (policy): each marks the offer changed (offer_version) and, where places
  // may now be fewer than people holding them, the facility for the next care step.
  void set_places(std::size_t f, std::int64_t places, double nursing_share);
  void add_nursing_places(std::size_t f, std::int64_t n);  // converted hospital beds
  void set_price(std::size_t f, const std::array<double, kAdlLevels>& monthly_price);
  void open(std::size_t f);
  void close(std::size_t f);
  void set_pending(std::size_t f, std::int64_t change, sim::Day due);
  std::uint64_t offer_version() const { return offer_version_; }
  std::vector<std::size_t> facilities_to_check();  // and clears their flags

  // Occupancy (person_ops and the allocation).
  void take_bed(std::size_t f, bool nursing);
  void free_bed(std::size_t f, bool nursing);
  void take_hours(std::size_t d, int hours);
  void free_hours(std::size_t d, int hours);
  // Frees the place; a stay in an institution ends, counted as `end`.
  void free_place(const HeldPlace& place, StayEnd end = StayEnd::kLeft);
  // A stay in an institution ended (counted by district, end and length on the step's day).
  void count_stay_end(const HeldPlace& place, StayEnd end);
  // [district][StayEnd][band] and [district]: stays ended since the last clear, and their days.
  const std::vector<std::int64_t>& ended_stays() const { return stays_ended_; }
  const std::vector<std::int64_t>& ended_stay_days() const { return stay_days_; }

  // ---- waiting lists ----
  std::uint32_t join(const WaitEntry& e);  // returns the slot
  // Ends a wait: `end` is kAdmitted when it is served, else kLeft (kReneged if on or after its
  // renege day); counted in ended_waits() by its length on the current step's day.
  void leave(std::uint32_t slot, WaitEnd end = WaitEnd::kLeft);
  // The day waits that end now are measured to: the first day of the step being run.
  void start_step(sim::Day day) { day_ = day; }
  // Waits started and ended since the last clear: [district][mode] and
  // [district][mode][WaitEnd][band].
  const std::vector<std::int64_t>& started_waits() const { return started_; }
  const std::vector<std::int64_t>& ended_waits() const { return ended_; }
  // The waits on the lists now, counted as carried into the run ([district][mode][band], by
  // their length on the current step's day): the care warm-up's lists at the start.
  void carry_in_waits();
  const std::vector<std::int64_t>& carried_waits() const { return carried_; }
  void clear_wait_counts() {
    std::fill(started_.begin(), started_.end(), 0);
    std::fill(ended_.begin(), ended_.end(), 0);
    std::fill(carried_.begin(), carried_.end(), 0);
    std::fill(stays_ended_.begin(), stays_ended_.end(), 0);
    std::fill(stay_days_.begin(), stay_days_.end(), 0);
  }
  const WaitEntry& entry(std::uint32_t slot) const { return entries_[slot]; }
  void rekey(std::uint32_t slot, const sim::Priority& key);
  // The person of a waiting request no longer holds what they held (they left it).
  void forget_held(std::uint32_t slot) { entries_[slot].held = {}; }
  std::size_t waiting_for(std::size_t f) const;  // people on facility f's lists
  std::size_t waiting_count() const { return entries_.size() - free_slots_.size(); }
  // Slots whose renege day is on or before `today` (by day, then in the order they joined);
  // the care step makes each of them choose again, which ends the request.
  std::vector<std::uint32_t> take_reneging(sim::Day today);
  template <class F>
  void for_each_entry(F&& f) const {
    for (std::uint32_t s = 0; s < entries_.size(); ++s)
      if (entries_[s].used) f(s, entries_[s]);
  }

  // ---- many changes at once (the care step's choices) ----
  // Requests leaving their lists (by slot) and joining (in row order). Slots are freed and
  // taken in order, so slot numbers never depend on threads; then each queue's erasures and
  // insertions run as a task of their own (a queue's final order does not depend on the order
  // of its changes). Returns the joined requests' slots.
  struct Batch {
    std::vector<std::uint32_t> leave;
    std::vector<WaitEntry> join;
  };
  struct QueueChange {
    sim::Priority key;
    std::uint32_t slot;
    bool insert;
  };
  using QueueChanges = std::vector<std::vector<QueueChange>>;  // [queue]
  // Frees and takes the slots, and returns the queues' changes and the joined slots. The slot
  // numbers are handed out serially, the entries read and written in parallel (timed in
  // `times`, if given, as a parallel section of their own).
  QueueChanges take_slots(const Batch& batch, std::vector<std::uint32_t>& joined,
                          sim::SectionTimes* times = nullptr);
  // In parallel, a task per queue.
  void change_queues(const QueueChanges& changes);
  // Occupancy changes counted elsewhere (places freed by people leaving care in a batch).
  void add_occupancy(std::size_t f, std::int64_t occupied, std::int64_t nursing) {
    places_[f].occupied += occupied;
    places_[f].occupied_nursing += nursing;
  }
  void add_hours_used(std::size_t d, std::int64_t hours) { home_hours_used_[d] += hours; }

  // ---- allocation ----
  // Serves the waiting lists in one global priority order; serve(slot) is called for each
  // request whose pool has room and must take its place (take_bed / take_hours) and remove it
  // from the list (leave); every place freed meanwhile (free_bed / free_hours) reopens the
  // queues that can use it for the requests after the current one.
  template <class Serve>
  void allocate(Serve&& serve);

  // Rows held in waiting entries follow a compaction.
  void remap_rows(const sim::RowMap& map);
  template <class Archive>
  void serialize(Archive& ar) {
    ar(places_, home_hours_, home_hours_used_, entries_, free_slots_, queues_, home_index_,
       deadlines_, offer_version_, day_, started_, ended_, carried_, stays_ended_, stay_days_);
  }

 private:
  std::size_t queue_any(std::size_t f) const { return 2 * f; }
  std::size_t queue_nursing(std::size_t f) const { return 2 * f + 1; }
  // The queue an entry belongs in (a district's queue for a number of hours is made on first
  // use).
  std::uint32_t queue_index(const WaitEntry& e);
  sim::PriorityQueue& queue_of(const WaitEntry& e) { return queues_[queue_index(e)]; }
  // The queue of an entry already in one (it exists: no queue is made).
  std::uint32_t queue_index_of_queued(const WaitEntry& e) const;
  std::uint32_t take_slot(const WaitEntry& e);  // fills a free slot, adds the renege day
  std::uint32_t next_free_slot();               // the last slot freed, else a new one
  // Slot `slot` holds request e from now (one more generation), counted in `started`.
  void fill_slot(std::uint32_t slot, const WaitEntry& e, std::vector<std::int64_t>& started);
  void add_renege_day(std::uint32_t slot);  // to the calendar, if the request in it reneges
  void free_slot(std::uint32_t slot);
  std::size_t end_cell(const WaitEntry& w, WaitEnd end) const;  // the cell of ended_
  void count_end(const WaitEntry& w, WaitEnd end);
  void bump_offer() { ++offer_version_; }
  void reopen_facility(std::size_t f, bool nursing_freed);
  void reopen_district(std::size_t d);

  std::vector<Place> places_;
  std::vector<bool> community_;
  std::vector<double> home_hours_;  // capacity per district (scaled)
  std::vector<std::int64_t> home_hours_used_;
  bool unlimited_ = false;
  std::vector<WaitEntry> entries_;
  std::vector<std::uint32_t> free_slots_;
  // Facility f's queues at 2 f (any) and 2 f + 1 (nursing), then the districts' home-care
  // queues, one per number of hours, indexed by home_index_[district][hours].
  std::vector<sim::PriorityQueue> queues_;
  std::vector<std::map<int, std::uint32_t>> home_index_;
  // Renege days: the (slot, generation) of the requests that give up on each day. Leaving does
  // not search this calendar; a request that left is recognised by its slot's generation.
  std::map<sim::Day, std::vector<std::pair<std::uint32_t, std::uint32_t>>> deadlines_;
  std::uint64_t offer_version_ = 0;
  sim::Day day_ = 0;
  std::vector<std::int64_t> started_;      // [district][mode]
  std::vector<std::int64_t> ended_;        // [district][mode][WaitEnd][band]
  std::vector<std::int64_t> carried_;      // [district][mode][band]
  std::vector<std::int64_t> stays_ended_;  // [district][StayEnd][band]
  std::vector<std::int64_t> stay_days_;    // [district]
  // During allocate(): the pass and where each of its queues is.
  sim::PriorityPass* pass_ = nullptr;
  std::map<const sim::PriorityQueue*, std::size_t> pass_index_;
};

template <class Serve>
void Ledger::allocate(Serve&& serve) {
  // Every queue with someone waiting, with what it needs to be served.
  struct Target {
    sim::PriorityQueue* queue;
    int kind;           // 0 institution any, 1 institution nursing, 2 community, 3 home
    std::size_t index;  // facility or district
    int demand;         // home: hours
  };
  std::vector<Target> targets;
  std::vector<sim::PriorityQueue*> queues;
  pass_index_.clear();
  const auto add = [&](sim::PriorityQueue& q, int kind, std::size_t index, int demand) {
    if (q.empty()) return;
    pass_index_[&q] = targets.size();
    targets.push_back({&q, kind, index, demand});
    queues.push_back(&q);
  };
  for (std::size_t f = 0; f < places_.size(); ++f) {
    add(queues_[queue_any(f)], community_[f] ? 2 : 0, f, 1);
    add(queues_[queue_nursing(f)], 1, f, 1);
  }
  for (std::size_t d = 0; d < home_index_.size(); ++d)
    for (const auto& [demand, q] : home_index_[d]) add(queues_[q], 3, d, demand);
  if (targets.empty()) return;
  sim::PriorityPass pass(std::move(queues));
  pass_ = &pass;
  const auto can_serve = [&](std::size_t q) {
    const Target& t = targets[q];
    if (t.kind == 3) return unlimited_ || free_hours(t.index) >= t.demand;
    return has_room(t.index, t.kind == 1);
  };
  pass.run(can_serve, [&](std::size_t, std::uint32_t slot) { serve(slot); });
  pass_ = nullptr;
  pass_index_.clear();
}

}  // namespace eldersim::care
