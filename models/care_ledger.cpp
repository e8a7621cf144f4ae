#include "models/care_ledger.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <atomic>
#include <cmath>
#include <span>
#include <stdexcept>

namespace eldersim::care {

namespace {
std::int64_t scaled(std::int64_t count, double scale) {
  return std::llround(static_cast<double>(count) * scale);
}
}  // namespace

Ledger::Ledger(const Scenario& s) : unlimited_(s.care.unlimited_capacity) {
  const double scale = s.population.scale;
  const sim::Day start = s.simulation.calendar.start;
  for (const FacilitySpec& f : s.care.facilities) {
    Place p;
    p.open = f.opens <= start && f.closes > start;
    p.places = scaled(f.places, scale);
    p.nursing_places = std::llround(static_cast<double>(p.places) * f.nursing_share);
    p.monthly_price = f.monthly_price;
    p.respite_beds = scaled(f.respite_beds, scale);
    places_.push_back(p);
    community_.push_back(f.type == FacilityType::kCommunity);
  }
  for (const District& d : s.districts) home_hours_.push_back(d.home_care_hours_per_week * scale);
  home_hours_used_.assign(s.districts.size(), 0);
  started_.assign(s.districts.size() * kCareModes, 0);
  ended_.assign(s.districts.size() * kCareModes * kWaitEnds * kWaitBands, 0);
  carried_.assign(s.districts.size() * kCareModes * kWaitBands, 0);
  stays_ended_.assign(s.districts.size() * kStayEnds * kStayBands, 0);
  stay_days_.assign(s.districts.size(), 0);
  queues_.resize(2 * places_.size());
  home_index_.resize(s.districts.size());
}

std::int64_t Ledger::free_other(std::size_t f) const {
  const Place& p = places_[f];
  if (!p.open) return 0;
  return (p.places - p.nursing_places) - (p.occupied - p.occupied_nursing);
}
std::int64_t Ledger::free_nursing(std::size_t f) const {
  const Place& p = places_[f];
  return p.open ? p.nursing_places - p.occupied_nursing : 0;
}
std::int64_t Ledger::free_places(std::size_t f) const {
  const Place& p = places_[f];
  return p.open ? p.places - p.occupied : 0;
}
bool Ledger::has_room(std::size_t f, bool nursing) const {
  if (unlimited_) return true;
  if (community_[f]) return free_places(f) > 0;
  // A request that needs no nursing-type bed takes another bed, else a nursing-type one.
  return nursing ? free_nursing(f) > 0 : free_other(f) > 0 || free_nursing(f) > 0;
}

void Ledger::set_places(std::size_t f, std::int64_t places, double nursing_share) {
  Place& p = places_[f];
  p.places = std::max<std::int64_t>(0, places);
  p.nursing_places =
      community_[f] ? 0 : std::llround(static_cast<double>(p.places) * nursing_share);
  p.check_capacity = true;
  bump_offer();
}

void Ledger::add_nursing_places(std::size_t f, std::int64_t n) {
  places_[f].places += n;
  places_[f].nursing_places += n;
  bump_offer();
}

void Ledger::set_price(std::size_t f, const std::array<double, kAdlLevels>& monthly_price) {
  places_[f].monthly_price = monthly_price;
  bump_offer();
}

void Ledger::open(std::size_t f) {
  places_[f].open = true;
  bump_offer();
}

void Ledger::close(std::size_t f) {
  places_[f].open = false;
  places_[f].check_capacity = true;
  bump_offer();
}

void Ledger::set_pending(std::size_t f, std::int64_t change, sim::Day due) {
  places_[f].pending_change = change;
  places_[f].pending_due = due;
}

std::vector<std::size_t> Ledger::facilities_to_check() {
  std::vector<std::size_t> out;
  for (std::size_t f = 0; f < places_.size(); ++f) {
    Place& p = places_[f];
    if (!p.check_capacity) continue;
    p.check_capacity = false;
    const bool over = !p.open || p.occupied > p.places || p.occupied_nursing > p.nursing_places ||
                      p.occupied - p.occupied_nursing > p.places - p.nursing_places;
    const bool list_ends = (!p.open || p.places <= 0) && waiting_for(f) > 0;
    if (over || list_ends) out.push_back(f);
  }
  return out;
}

void Ledger::take_bed(std::size_t f, bool nursing) {
  places_[f].occupied += 1;
  if (nursing) places_[f].occupied_nursing += 1;
}

void Ledger::free_bed(std::size_t f, bool nursing) {
  places_[f].occupied -= 1;
  if (nursing) places_[f].occupied_nursing -= 1;
  if (pass_) reopen_facility(f, nursing);
}

void Ledger::take_hours(std::size_t d, int hours) {
  home_hours_used_[d] += hours;
}

void Ledger::free_hours(std::size_t d, int hours) {
  home_hours_used_[d] -= hours;
  if (pass_ && hours > 0) reopen_district(d);
}

void Ledger::count_stay_end(const HeldPlace& held, StayEnd end) {
  if (held.mode != kInstitution) return;
  const sim::Day days = std::max<sim::Day>(0, day_ - held.since);
  stays_ended_[(static_cast<std::size_t>(held.district) * kStayEnds +
                static_cast<std::size_t>(end)) *
                   kStayBands +
               stay_band(days)] += 1;
  stay_days_[held.district] += days;
}

std::vector<std::string> stay_end_names() {
  return {"died", "moved", "left"};
}
std::vector<std::string> stay_band_names() {
  return {"0-89", "90-364", "365-1094", "1095+"};
}

void Ledger::free_place(const HeldPlace& held, StayEnd end) {
  count_stay_end(held, end);
  switch (held.mode) {
    case kInstitution:
    case kCommunityCare:
      free_bed(held.facility, held.nursing);
      break;
    case kHomeCare:
      free_hours(held.district, held.hours);
      break;
    default:
      break;
  }
}

void Ledger::reopen_facility(std::size_t f, bool nursing_freed) {
  const auto reopen = [&](const sim::PriorityQueue& q) {
    if (const auto it = pass_index_.find(&q); it != pass_index_.end()) pass_->reopen(it->second);
  };
  reopen(queues_[queue_any(f)]);
  if (nursing_freed) reopen(queues_[queue_nursing(f)]);
}

void Ledger::reopen_district(std::size_t d) {
  for (const auto& [demand, q] : home_index_[d])
    if (const auto it = pass_index_.find(&queues_[q]); it != pass_index_.end())
      pass_->reopen(it->second);
}

std::uint32_t Ledger::queue_index_of_queued(const WaitEntry& e) const {
  if (e.mode != kHomeCare)
    return static_cast<std::uint32_t>(e.nursing ? queue_nursing(e.facility)
                                                : queue_any(e.facility));
  return home_index_[e.district].at(e.demand);
}

std::uint32_t Ledger::queue_index(const WaitEntry& e) {
  if (e.mode == kHomeCare && !home_index_[e.district].contains(e.demand)) {
    home_index_[e.district].emplace(e.demand, static_cast<std::uint32_t>(queues_.size()));
    queues_.emplace_back();
  }
  return queue_index_of_queued(e);
}

std::uint32_t Ledger::join(const WaitEntry& e) {
  const std::uint32_t slot = take_slot(e);
  queue_of(entries_[slot]).insert(entries_[slot].key, slot);
  return slot;
}

std::uint32_t Ledger::next_free_slot() {
  if (free_slots_.empty()) {
    entries_.emplace_back();
    return static_cast<std::uint32_t>(entries_.size() - 1);
  }
  const std::uint32_t slot = free_slots_.back();
  free_slots_.pop_back();
  return slot;
}

void Ledger::fill_slot(std::uint32_t slot, const WaitEntry& e, std::vector<std::int64_t>& started) {
  WaitEntry& w = entries_[slot];
  const std::uint32_t generation = w.generation + 1;
  w = e;
  w.used = true;
  w.generation = generation;
  started[static_cast<std::size_t>(w.district) * kCareModes + w.mode] += 1;
}

std::uint32_t Ledger::take_slot(const WaitEntry& e) {
  const std::uint32_t slot = next_free_slot();
  fill_slot(slot, e, started_);
  add_renege_day(slot);
  return slot;
}

void Ledger::add_renege_day(std::uint32_t slot) {
  const WaitEntry& w = entries_[slot];
  if (w.renege_on != kNever) deadlines_[w.renege_on].emplace_back(slot, w.generation);
}

void Ledger::free_slot(std::uint32_t slot) {
  entries_[slot].used = false;
  free_slots_.push_back(slot);
}

std::vector<std::string> wait_end_names() {
  return {"admitted", "reneged", "left"};
}
std::vector<std::string> wait_band_names() {
  return {"0-29", "30-89", "90-179", "180+"};
}

std::size_t Ledger::end_cell(const WaitEntry& w, WaitEnd end) const {
  if (end == WaitEnd::kLeft && w.renege_on != kNever && day_ >= w.renege_on)
    end = WaitEnd::kReneged;
  return ((static_cast<std::size_t>(w.district) * kCareModes + w.mode) * kWaitEnds +
          static_cast<std::size_t>(end)) *
             kWaitBands +
         wait_band_on(w, day_);
}

void Ledger::count_end(const WaitEntry& w, WaitEnd end) {
  ended_[end_cell(w, end)] += 1;
}

void Ledger::carry_in_waits() {
  for (const WaitEntry& w : entries_)
    if (w.used)
      carried_[(static_cast<std::size_t>(w.district) * kCareModes + w.mode) * kWaitBands +
               wait_band_on(w, day_)] += 1;
}

void Ledger::leave(std::uint32_t slot, WaitEnd end) {
  WaitEntry& w = entries_.at(slot);
  if (!w.used) throw std::logic_error("care ledger: leaving an unused waiting slot");
  count_end(w, end);
  if (!queue_of(w).erase(w.key, slot))
    throw std::logic_error("care ledger: a waiting entry was not in its queue");
  free_slot(slot);
}

Ledger::QueueChanges Ledger::take_slots(const Batch& batch, std::vector<std::uint32_t>& joined,
                                        sim::SectionTimes* times) {
  // Only the slot numbers are handed out in order here (integers, no entry touched); the
  // entries are read and written in parallel (each slot leaves or joins at most once a batch:
  // a person leaves through their own wait slot), and the counts are sums.
  const std::span<const std::uint32_t> leave = batch.leave;
  const std::span<const WaitEntry> join = batch.join;
  // Queues are made on first use: those of the joins looked up (or made) first, in order.
  std::vector<std::uint32_t> join_queue(join.size());
  for (std::size_t k = 0; k < join.size(); ++k) join_queue[k] = queue_index(join[k]);
  std::vector<QueueChange> left(leave.size());
  std::vector<std::uint32_t> left_queue(leave.size());
  std::atomic<bool> unused{false};
  struct Counts {
    std::vector<std::int64_t> ended, started;
  };
  tbb::enumerable_thread_specific<Counts> counts([&] {
    return Counts{std::vector<std::int64_t>(ended_.size(), 0),
                  std::vector<std::int64_t>(started_.size(), 0)};
  });
  const auto in_parallel = [times](auto&& f) {
    if (!times) return f();
    times->run("care ledger: waiting slots read and written", sim::SectionTimes::Kind::kParallel,
               f);
  };
  // Erasures keep the key of the request that leaves (its slot may be taken again below).
  in_parallel([&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, leave.size(), 512),
                      [&](const tbb::blocked_range<std::size_t>& r) {
                        Counts& mine = counts.local();
                        for (std::size_t k = r.begin(); k != r.end(); ++k) {
                          WaitEntry& w = entries_[leave[k]];
                          if (!w.used) unused = true;
                          mine.ended[end_cell(w, WaitEnd::kLeft)] += 1;
                          left[k] = {w.key, leave[k], false};
                          left_queue[k] = queue_index_of_queued(w);
                          w.used = false;
                        }
                      });
  });
  if (unused) throw std::logic_error("care ledger: leaving an unused waiting slot");
  free_slots_.insert(free_slots_.end(), leave.begin(), leave.end());
  joined.resize(join.size());
  for (std::uint32_t& slot : joined) slot = next_free_slot();
  in_parallel([&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, join.size(), 512),
                      [&](const tbb::blocked_range<std::size_t>& r) {
                        Counts& mine = counts.local();
                        for (std::size_t k = r.begin(); k != r.end(); ++k)
                          fill_slot(joined[k], join[k], mine.started);
                      });
  });
  counts.combine_each([&](const Counts& c) {
    for (std::size_t k = 0; k < c.ended.size(); ++k) ended_[k] += c.ended[k];
    for (std::size_t k = 0; k < c.started.size(); ++k) started_[k] += c.started[k];
  });
  // The renege calendar and the queues' changes, in order (appends).
  QueueChanges changes(queues_.size());
  for (std::size_t k = 0; k < leave.size(); ++k) changes[left_queue[k]].push_back(left[k]);
  for (std::size_t k = 0; k < join.size(); ++k) {
    add_renege_day(joined[k]);
    changes[join_queue[k]].push_back({entries_[joined[k]].key, joined[k], true});
  }
  return changes;
}

void Ledger::change_queues(const QueueChanges& changes) {
  std::atomic<bool> missing{false};
  tbb::parallel_for(std::size_t{0}, changes.size(), [&](std::size_t q) {
    for (const QueueChange& c : changes[q])
      if (!c.insert && !queues_[q].erase(c.key, c.slot)) missing = true;
    for (const QueueChange& c : changes[q])
      if (c.insert) queues_[q].insert(c.key, c.slot);
  });
  if (missing) throw std::logic_error("care ledger: a waiting entry was not in its queue");
}

void Ledger::rekey(std::uint32_t slot, const sim::Priority& key) {
  WaitEntry& w = entries_.at(slot);
  sim::PriorityQueue& q = queue_of(w);
  if (!q.erase(w.key, slot)) throw std::logic_error("care ledger: rekeying a missing entry");
  w.key = key;
  q.insert(w.key, slot);
}

std::size_t Ledger::waiting_for(std::size_t f) const {
  return queues_[queue_any(f)].size() + queues_[queue_nursing(f)].size();
}

std::vector<std::uint32_t> Ledger::take_reneging(sim::Day today) {
  std::vector<std::uint32_t> out;
  while (!deadlines_.empty() && deadlines_.begin()->first <= today) {
    const sim::Day day = deadlines_.begin()->first;
    for (const auto& [slot, generation] : deadlines_.begin()->second) {
      const WaitEntry& w = entries_[slot];
      if (w.used && w.generation == generation && w.renege_on == day) out.push_back(slot);
    }
    deadlines_.erase(deadlines_.begin());
  }
  return out;
}

void Ledger::remap_rows(const sim::RowMap& map) {
  for (WaitEntry& w : entries_)
    if (w.used) {
      w.row = map(w.row);
      if (w.row == sim::RowMap::kRemoved)
        throw std::logic_error("care ledger: a removed row is still waiting");
    }
}

}  // namespace eldersim::care
