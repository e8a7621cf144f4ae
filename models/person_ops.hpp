#pragma once
// Operations on a person that several processes cause, in one place so that every path does the
// same thing: a death (in the sweep or at the end of a hospital stay), a change of ADL level
// (the step's transition or a decline in hospital), a move, leaving care and leaving a waiting
// list (a choice, a death, a move, a closure, a discharge).

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

#include "models/care_ledger.hpp"
#include "models/people.hpp"
#include "models/scenario.hpp"
#include "sim/calendar.hpp"

namespace eldersim {

class Demography;
class Health;
namespace hospital {
class Hospitals;
}

class PersonOps {
 public:
  PersonOps(People& people, const Scenario& scenario, Demography& demography, Health& health,
            care::Ledger& ledger, hospital::Hospitals& hospitals, std::size_t& dead_rows)
      : people_(people),
        scenario_(scenario),
        demography_(demography),
        health_(health),
        ledger_(ledger),
        hospitals_(hospitals),
        dead_rows_(dead_rows) {}

  // Dies on `day` of `step`: leaves the waiting list, the care place and the hospital bed, and
  // is counted by district, sex and age band (age at the middle of the step). The row stays,
  // marked dead, until the next compaction.
  void die(std::size_t i, const sim::Step& step, sim::Day day);
  // The same for many people dying on the step's first day (the sweep's deaths): the rows in
  // parallel (die_rows), then the ledger and the hospitals in row order (die_settle).
  struct Deaths {
    std::vector<std::uint32_t> slots;   // waiting slots left
    std::vector<care::HeldPlace> held;  // places left
    std::vector<char> inpatient;
  };
  Deaths die_rows(std::span<const std::uint32_t> rows, const sim::Step& step);
  void die_settle(std::span<const std::uint32_t> rows, const Deaths& deaths, const sim::Step& step);
  // ADL level becomes `to`: counted as a transition; the person chooses care again.
  void change_level(std::size_t i, int to);
  // The same for many people at once, in parallel (each row at most once).
  void change_levels(std::span<const std::pair<std::uint32_t, std::uint8_t>> changes);
  // Moves to district `to`: local care (home-care hours, a day-care place, any waiting list)
  // ends and the person chooses again there; residents of a home keep their bed.
  void move(std::size_t i, int to);
  // Leaves the place held (frees it in the ledger) and holds none.
  void leave_care(std::size_t i);
  // Leaves the waiting list, if on one.
  void stop_waiting(std::size_t i);

  // The same in two halves, for many people at once: the row's part (in parallel, rows are
  // distinct) and the ledger's part (afterwards, in row order).
  using HeldPlace = care::HeldPlace;
  // The row holds none; returns what it held (and a waiting request forgets it).
  HeldPlace take_place(std::size_t i);
  void free_place(const HeldPlace& place,  // in the ledger
                  care::StayEnd end = care::StayEnd::kLeft);
  std::uint32_t take_wait_slot(std::size_t i);  // the row waits for nothing; returns the slot

 private:
  People& people_;
  const Scenario& scenario_;
  Demography& demography_;
  Health& health_;
  care::Ledger& ledger_;
  hospital::Hospitals& hospitals_;
  std::size_t& dead_rows_;  // the model's count of dead rows not compacted away
};

}  // namespace eldersim
