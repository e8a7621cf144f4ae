#pragma once
// Care need, choice and capacity (design section 3, steps 5 and 6).
//
// Who chooses: a living person at ADL level >= care.choice_level whose level changed, whose
// periodic review is due (every care.review_days, the first one staggered), who lost their place
// or moved, or whose wait reached care.renege_days for the mode they wait for (they renege and
// choose again without that mode: their next-best option). The choice is the logit of
// models/care_choice.hpp.
//
// The allocation: waiting requests are served in one global priority order (targeted groups
// first, then higher ADL level, then earlier request, then a hash of id and request day)
// against the pools of the ledger (models/care_ledger.hpp): nursing-type and other beds per
// institution (levels >= care.nursing_level need a nursing-type bed, others take another bed
// first), places per community centre, home-care worker hours per district. A person admitted
// leaves their old place; one not admitted waits and keeps their current care meanwhile.
//
// The step, as a flow chart:
//   pay_providers     per-bed and per-person subsidies of the step, by ownership
//   settle_closures   residents of closed homes and the waiting lists of closed or emptied
//                     ones choose again
//   add_reneging      people whose wait reached its renege day join the choosers
//   choose (parallel) each chooser: lost need -> leave; else the logit choice -> stay, leave,
//                     or ask for a place
//   apply             the choices: the people's rows in parallel, then the ledger (slots in
//                     row order, each waiting list's changes as its own task)
//   evict_overfull    after a capacity cut, the newest residents leave and choose next step
//   allocate          the waiting lists in priority order against the free places
// The per-person part of each step's cost of care is counted in the sweep by class of care
// held (charge_class) and charged after it (charge).

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "models/care_choice.hpp"
#include "models/care_ledger.hpp"
#include "models/census.hpp"
#include "models/finance.hpp"
#include "models/people.hpp"
#include "models/person_ops.hpp"
#include "models/random_events.hpp"
#include "sim/calendar.hpp"
#include "sim/series.hpp"
#include "sim/timing.hpp"

namespace eldersim::care {

// How a chosen mode relates to the care held now.
struct Wish {
  Choice choice;
  bool same_as_now = false;      // the same mode (and facility) as now
  bool needs_transfer = false;   // same home, but the level now needs a nursing-type bed
  bool needs_new_hours = false;  // same home care, but the level needs other hours
  bool keeps_current() const { return same_as_now && !needs_transfer && !needs_new_hours; }
};

enum class DischargeOutcome {
  kSettled,          // has the care chosen (or none), may leave hospital
  kWaitingForPlace,  // on the waiting list for a new place
  kWaitingInPlace,   // keeps the care held and waits for a nursing-type bed or more hours there
};

// A person due to choose, and whether for a reason other than reneging.
struct Due {
  std::uint32_t row;
  bool other_reason;
  // clang-tidy 14 takes the 0 of the comparison a defaulted <=> makes for a null pointer.
  // NOLINTNEXTLINE(modernize-use-nullptr)
  auto operator<=>(const Due&) const = default;
};

// What the care step works with, besides its own state.
struct CareContext {
  People& people;
  PersonOps& ops;
  const ProgrammeSpec& programme;
  std::uint64_t programme_version;
  Spending& spending;
  std::uint64_t seed;
  sim::SectionTimes& times;
};

// Flows of one period.
struct CareFlows {
  std::vector<std::int64_t> admissions;                   // [district][mode]
  std::vector<std::int64_t> admitted_from_wait;           // [district][mode]
  std::vector<std::int64_t> wait_days;                    // [district][mode], over those admitted
  std::vector<std::int64_t> reneges;                      // [district][mode]
  std::vector<std::int64_t> second_choices;               // [district][mode]
  std::vector<std::int64_t> facility_admissions;          // [facility]
  std::vector<std::int64_t> facility_admitted_from_wait;  // [facility]
  std::vector<std::int64_t> facility_wait_days;           // [facility]
  void clear();
  template <class Archive>
  void serialize(Archive& ar) {
    ar(admissions, admitted_from_wait, wait_days, reneges, second_choices, facility_admissions,
       facility_admitted_from_wait, facility_wait_days);
  }
};

class CareSystem {
 public:
  explicit CareSystem(const Scenario& s);

  bool enabled() const { return spec_.enabled; }
  Ledger& ledger() { return ledger_; }
  const Ledger& ledger() const { return ledger_; }
  const ChoiceModel& choices() const { return choices_; }

  // ---- in the sweep ----
  // Whether person i (alive, at `level` after the step's transition) chooses in this step.
  bool due(const People& p, std::size_t i, int level, bool level_changed, sim::Day today) const {
    return level_changed || (p.care_flags[i] & kChoiceDue) ||
           (level >= spec_.choice_level && p.next_review[i] <= today);
  }
  // The step's cost of care is the same for everyone who holds the same care in the same
  // district at the same level, in the same target groups and LTC enrolment: the sweep counts
  // people by that class (charge_class) and the classes are charged after it (charge), so each
  // person-step is still rounded to the fen once.
  std::uint64_t charge_class(const People& p, std::size_t i, int district, int level,
                             sim::Day today, const ProgrammeSpec& programme,
                             std::uint64_t seed) const;
  void charge(std::uint64_t charge_class, std::int64_t people, const sim::Step& step,
              const ProgrammeSpec& programme, Spending& spending) const;
  // Both for one person (tests).
  void charge_step(const People& p, std::size_t i, int level, const sim::Step& step,
                   const ProgrammeSpec& programme, std::uint64_t seed, Spending& spending) const {
    charge(charge_class(p, i, p.district[i], level, step.first_day, programme, seed), 1, step,
           programme, spending);
  }

  // ---- the step ----
  void step(const sim::Step& step, std::vector<Due>& due, CareContext& ctx);

  // ---- the hospital's requests ----
  // The care choices of patients leaving hospital (each its own stream), at the level they
  // leave with, made in parallel: nothing the hospital step does changes them (a patient's
  // care changes only at their own discharge, the offer only between steps).
  struct DischargeChooser {
    std::uint32_t row;
    int level;
    sim::Day day;
  };
  std::vector<Wish> discharge_wishes(std::span<const DischargeChooser> who, const sim::Step& step,
                                     CareContext& ctx);
  // The patient takes the place chosen now if it is free, or a second choice with room
  // (care.choice.second_choice), else joins the first choice's waiting list.
  DischargeOutcome settle_discharge(std::size_t i, const Wish& wish, sim::Day day,
                                    std::uint32_t step_index, CareContext& ctx);
  // Whether person i waits for a new place of a mode in `modes` (not a change within the care
  // held).
  bool waits_for_new_place(const People& p, std::size_t i,
                           const std::array<bool, kCareModes>& modes) const;
  // Person i starts or stops waiting in a hospital bed (discharge priority uses it).
  void set_waiting_in_hospital(People& p, std::size_t i, bool waiting, CareContext& ctx);
  // The priority classes changed (programmes.medical_care.discharge_priority): rekey the lists.
  void rekey_all(const People& p, const ProgrammeSpec& programme);

  // ---- outputs ----
  CareFlows& flows() { return flows_; }
  void declare(sim::SeriesTable& table, const Census& census) const;
  void clear_period() {
    flows_.clear();
    ledger_.clear_wait_counts();
  }
  void remap_rows(const sim::RowMap& map) { ledger_.remap_rows(map); }
  template <class Archive>
  void serialize(Archive& ar) {
    ar(ledger_, flows_);
    if constexpr (!Archive::kSaving) choices_.clear();
  }

  std::uint8_t hours_needed(int level) const;

 private:
  enum class Action : std::uint8_t { kNone, kLeave, kStay, kKeep, kRequest };
  struct Decision {
    Action action = Action::kNone;
    bool reneged = false;  // gave up a wait (counted) before choosing
    CareMode reneged_mode = kNoCare;
    bool second_choice = false;  // the request was redirected (CareSystem::place_requests)
    sim::Day next_review = 0;
    WaitEntry request;
  };

  static constexpr std::size_t kChoiceChunk = std::size_t{1} << 15;  // rows decided at once
  void pay_providers(const sim::Step& step, CareContext& ctx);
  void add_reneging(const sim::Step& step, std::vector<Due>& due);
  void settle_closures(std::vector<Due>& due, CareContext& ctx);
  std::vector<Decision> choose(const sim::Step& step, std::span<const Due> due, CareContext& ctx);
  Decision decide(const sim::Step& step, const Due& due, const Chooser& chooser,
                  CareContext& ctx) const;
  // The choices' effects on the people's rows (in parallel), then on the ledger: places freed,
  // slots of the requests leaving and joining (in row order), and the waiting lists' changes.
  struct Applied {
    std::vector<std::uint32_t> leaving;  // slot left, or kNoSlot
    std::vector<PersonOps::HeldPlace> freed;
    std::vector<char> joins;
  };
  Applied apply_to_people(std::span<const Due> due, const std::vector<Decision>& decisions,
                          CareContext& ctx);
  // What a second choice reads of the person: their chooser and its uniform (a function of the
  // row, the day and the step alone, so it can be drawn ahead, in parallel).
  struct SecondChooser {
    Chooser chooser;
    double u = 0;
  };
  // What the placement pass reads, prepared in parallel: the chunk's requests for a centre or
  // home in the allocation's priority order, and the second choosers of those that may need
  // one (indexed as `due`).
  struct Placement {
    std::vector<std::size_t> order;
    std::vector<SecondChooser> second;
  };
  Placement prepare_placement(std::span<const Due> due, const std::vector<Decision>& decisions,
                              const Applied& applied, const sim::Step& step,
                              CareContext& ctx) const;
  Ledger::QueueChanges apply_to_ledger(std::span<const Due> due, std::vector<Decision>& decisions,
                                       const Applied& applied, const Placement& placement,
                                       const sim::Step& step, CareContext& ctx);
  // The requests in priority order against the places free now: a request beyond its
  // facility's free places takes a second choice with room, if any.
  void place_requests(std::vector<Decision>& decisions, const Applied& applied,
                      const Placement& placement, const sim::Step& step);
  SecondChooser second_chooser(std::size_t i, sim::Day today, std::uint32_t step_index,
                               CareContext& ctx) const;
  // Another facility of request r's mode with room (has_room), or kNoFacility.
  std::uint16_t second_choice(const SecondChooser& who, const WaitEntry& r,
                              const std::function<bool(std::size_t)>& has_room) const;
  void evict_overfull(const std::vector<std::size_t>& facilities, CareContext& ctx);
  void allocate(const sim::Step& step, CareContext& ctx);
  // A request served by the allocation pass: what the person's row is to be.
  struct Served {
    std::uint32_t row;
    CareMode mode;
    std::uint16_t facility;
    std::uint8_t hours;
    bool nursing;
    bool in_place;
  };
  Served serve(std::uint32_t slot, sim::Day today);  // the ledger's part
  void count_admission(const WaitEntry& e, sim::Day today);
  void count_second_choice(const WaitEntry& e);

  Chooser chooser_of(const People& p, std::size_t i, int level, sim::Day today,
                     CareContext& ctx) const;
  Wish wish_of(const People& p, std::size_t i, int level, const Choice& choice) const;
  // The request for `wish` made on `day`, given the wait the person is on now (or nullptr).
  WaitEntry request_of(const People& p, std::size_t i, const Wish& wish, sim::Day day,
                       const ProgrammeSpec& programme, const WaitEntry* now) const;
  const WaitEntry* waiting_entry(const People& p, std::size_t i) const;
  sim::Priority priority_of(const People& p, std::size_t i, int level, sim::Day since,
                            const ProgrammeSpec& programme) const;
  // The rows of the served (in parallel): their new care, and home-modification grants.
  void start_care(const std::vector<Served>& served, sim::Day today, CareContext& ctx);
  void start_row(const Served& s, sim::Day today, CareContext& ctx, std::vector<Fen>& grants);
  // One request served at once (a discharge): ledger and row.
  void start_care_now(std::size_t i, const WaitEntry& e, bool nursing, sim::Day today,
                      CareContext& ctx);
  void join(People& p, std::size_t i, const WaitEntry& e);

  const Scenario& scenario_;
  const CareSpec& spec_;
  Ledger ledger_;
  ChoiceModel choices_;
  CareFlows flows_;
  std::vector<std::size_t> overfull_;  // facilities over their places, set by settle_closures
};

}  // namespace eldersim::care
