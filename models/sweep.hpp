#pragma once
// The sweep: the per-person part of a step, one pass over the living in parallel blocks. Each
// person's Philox block for the step gives the lanes of the per-person processes
// (models/random_events.hpp); each process decides from its lane and its own tables, in the
// order of design section 3:
//
//   for each living person (a block of lanes at a time):
//     demography: count the step's exposure; death lane < threshold -> dies (nothing else)
//                 else, with migration, migration lane < threshold  -> moves
//     health:     the level after the step from the ADL lane          -> level changes
//     care:       charge the step's cost of the care held; due to choose?
//     hospital:   not in hospital and admission lane < bound -> a candidate for admission
//
// The sweep only reads the population: its decisions are events, applied afterwards in row
// order through models/person_ops.hpp. Counts go to per-thread integer accumulators (exact in
// any order), events to per-block lists joined in block order, so the result is the same for
// any number of threads and any block size.

#include <cstdint>
#include <utility>
#include <vector>

#include "models/care.hpp"
#include "models/demography.hpp"
#include "models/finance.hpp"
#include "models/health.hpp"
#include "models/hospital.hpp"
#include "models/people.hpp"
#include "sim/calendar.hpp"

namespace eldersim {

struct SweepEvents {
  std::vector<std::uint32_t> deaths;
  std::vector<std::pair<std::uint32_t, std::uint16_t>> moves;         // (row, to district)
  std::vector<std::pair<std::uint32_t, std::uint8_t>> level_changes;  // (row, new level)
  std::vector<care::Due> care_due;
  // (row, admission lane) of people whose lane is below the admission bound: the hospital step
  // makes the exact test, after the care step has settled who lives in a home.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> admission_candidates;
  void clear();
  void append(const SweepEvents& block);
};

// What the sweep reads besides the population.
struct SweepInputs {
  const Scenario& scenario;
  std::uint64_t seed;
  Demography& demography;
  const Health& health;
  const care::CareSystem& care;
  const hospital::Hospitals& hospitals;
  const ProgrammeSpec& programme;
};

class Sweep {
 public:
  explicit Sweep(std::size_t block_size) : block_size_(block_size) {}
  // Runs the sweep of `step`: exposure and spending go into the processes' period flows, the
  // events into `out` (cleared first).
  void run(const sim::Step& step, const People& people, SweepInputs& in, SweepEvents& out,
           Spending& spending);
  std::size_t block_size() const { return block_size_; }

 private:
  std::size_t block_size_;
  std::vector<SweepEvents> block_events_;
};

}  // namespace eldersim
