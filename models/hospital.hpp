#pragma once
// Hospitals (design section 3 step 4): admissions, referral, length of stay, outcomes and
// discharge into the care system, with delayed discharge when the care place needed is not free.
//
// Days, not steps: every admission and discharge falls on a day, and each hospital keeps a count
// of occupied beds for every day of the step, so bed-days and occupancy are exact whatever
// step_days is. Patients under the minimum age (not simulated as agents) are an aggregate
// (fluid) background per hospital: arrivals per day, set so that the configured share of the
// beds is their steady-state occupancy in a hospital without elderly patients and growing with
// the under-60 population, each staying background.mean_stay_days on average. They compete with
// the elderly for the same acute beds: each day the background is admitted first, up to the beds
// that the elderly already in hospital leave free (those who find none are turned away and
// counted); the elderly admitted in the step use what is left.
//
// Who is admitted: each living person not in hospital, with an annual rate by age band times a
// ratio by ADL level, a seasonal factor by month, and the medical-care levers (residents of homes
// by the home's size; home sickbeds and family doctors for people at home), turned into a
// probability for the step's days and tested against the person's admission lane in the sweep;
// the admission day is uniform over the step.
//
// Where: the tier the condition needs (drawn by ADL level), one tier up with the referral
// probability; a hospital of that tier in the person's district (drawn by beds; the nearest
// district with one if none); if it has no free bed for the stay, the nearest hospital by travel
// time of that tier or higher with one, within diversion.max_minutes of home; if none, turned
// away.
//
// The stay: lognormal length by the hospital's tier and the ADL level, whole days; at its end
// the patient dies (a probability by ADL level) or leaves, possibly one ADL level worse. Patients
// at or above the assessment level choose their care on discharge (the care logit); when the
// place chosen is not free and its mode is one of discharge.delay_for, the patient stays in
// hospital (delayed discharge) on the waiting list, moving to a free rehabilitation bed of the
// hospital if there is one, until the care allocation serves them or they give up waiting. A
// patient still in an acute bed discharge.max_wait_days after the medical stay ended goes home
// and waits there, on the same waiting list.
//
// The step, as a flow chart (after the care step, so discharges see the places its allocation
// left):
//   draw_admissions (parallel)  the exact admission test of the sweep's candidates (with the
//                               care they hold now), then day, tier, referral, stay and outcome
//   hold_beds (parallel)        the daily beds of the patients already in; their events: stays
//                               ending in the step, re-checks of those waiting for a place
//   admit_background            day by day per hospital: background discharges, then arrivals
//                               up to the beds the patients already in leave free
//   choose_on_discharge         the care choices of the patients whose stays end (parallel)
//   events, in day order        wait cap  -> discharged home, still on the waiting list
//                               re-check  -> still waiting: stays (rehabilitation bed if free;
//                                            in an acute bed until the wait cap) else discharged
//                               stay end  -> dies | ADL decline; assessment: care choice ->
//                                            settled: discharged; waiting for a place of a
//                                            delay_for mode: delayed discharge
//                               admission -> first-choice hospital | nearest with a free bed |
//                                            turned away; a stay ending in the step adds its
//                                            stay-end event
//   count_bed_days              bed-days, occupancy and background use from the daily counts,
//                               their cost in the finance ledger; converting beds leave acute
//                               use as they free up

#include <array>
#include <cstdint>
#include <vector>

#include "models/care.hpp"
#include "models/census.hpp"
#include "models/finance.hpp"
#include "models/people.hpp"
#include "models/person_ops.hpp"
#include "models/scenario.hpp"
#include "sim/calendar.hpp"
#include "sim/series.hpp"
#include "sim/soa.hpp"

namespace eldersim::hospital {

struct Unit {
  bool open = false;       // has beds (a closing hospital stays open until its last patient leaves)
  bool admitting = false;  // takes new patients
  std::int64_t beds = 0;   // acute beds, scaled
  std::int64_t rehabilitation_beds = 0;
  // Beds converted by a policy event while patients lay in them: they take no new patients and
  // leave acute use as they free up (at the end of each step).
  std::int64_t converting_to_nursing = 0;
  std::int64_t converting_to_rehabilitation = 0;
  std::int64_t converting() const { return converting_to_nursing + converting_to_rehabilitation; }
  template <class Archive>
  void serialize(Archive& ar) {
    ar(open, admitting, beds, rehabilitation_beds, converting_to_nursing,
       converting_to_rehabilitation);
  }
};

enum StayFlag : std::uint8_t {
  kDiesInHospital = 1u << 0,      // the stay ends in death (drawn on admission)
  kDeclinesInHospital = 1u << 1,  // the stay ends one ADL level worse (drawn on admission)
  kDelayedDischarge = 1u << 2,    // medically ready, waiting in hospital for a care place
  kInRehabilitationBed = 1u << 3,
};

struct Stay {
  std::uint32_t row = 0;
  std::uint16_t hospital = 0;
  std::uint8_t flags = 0;
  sim::Day admitted = 0;
  sim::Day until = 0;  // the day the medical stay ends (discharge if a place is free)
  bool used = false;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(row, hospital, flags, admitted, until, used);
  }
};

// Beds and stays: the hospital system's state over the run.
class State {
 public:
  explicit State(const Scenario& s);
  std::vector<Unit> units;
  // Per district: every hospital, nearest first (travel time, then index).
  std::vector<std::vector<int>> by_travel;
  // Per hospital: elderly patients in acute beds on the last day of the last step.
  std::vector<std::int64_t> occupied;
  // Per hospital: background (under-60) patients in acute beds at the end of the last step, a
  // real number (the aggregate is fluid).
  std::vector<double> background;

  std::uint32_t add(const Stay& stay);
  void remove(std::uint32_t slot);
  Stay& stay(std::uint32_t slot) { return stays_[slot]; }
  const Stay& stay(std::uint32_t slot) const { return stays_[slot]; }
  std::size_t stay_slots() const { return stays_.size(); }
  void remap_rows(const sim::RowMap& map);
  template <class Archive>
  void serialize(Archive& ar) {
    ar(units, occupied, background, stays_, free_);
  }

 private:
  std::vector<Stay> stays_;
  std::vector<std::uint32_t> free_;
};

struct HospitalFlows {
  // Per hospital.
  std::vector<std::int64_t> admissions, referred_in, diverted, turned_away, deaths, discharges,
      stay_days, bed_days, background_bed_days, capacity_bed_days, delayed_days,
      rehabilitation_bed_days, wait_cap_discharges;
  std::vector<std::int64_t> peak_occupied;  // maximum over the period's days, not a sum
  // By the patient's district.
  std::vector<std::int64_t> admissions_by_cell;  // [district][sex][band]
  std::vector<std::int64_t> referrals;           // [district]
  std::vector<std::int64_t> turned_away_by_district;
  std::vector<std::int64_t> deaths_by_district;
  std::vector<std::int64_t> admissions_by_origin;  // [district][hospital's district]
  std::vector<std::int64_t> wait_cap_by_district;
  // Background (under-60) patients per hospital, fluid: admitted, and turned away (full).
  std::vector<double> background_admissions, background_turned_away;
  template <class F>
  void for_each(F&& f) {
    f(admissions), f(referred_in), f(diverted), f(turned_away), f(deaths), f(discharges);
    f(stay_days), f(bed_days), f(background_bed_days), f(capacity_bed_days), f(delayed_days);
    f(rehabilitation_bed_days), f(wait_cap_discharges), f(peak_occupied), f(admissions_by_cell);
    f(referrals), f(turned_away_by_district), f(deaths_by_district), f(admissions_by_origin);
    f(wait_cap_by_district), f(background_admissions), f(background_turned_away);
  }
  void clear();
  template <class Archive>
  void serialize(Archive& ar) {
    for_each([&](auto& v) { ar(v); });
  }
};

// What the hospital step works with, besides its own state.
struct HospitalContext {
  People& people;
  PersonOps& ops;
  care::CareSystem& care;
  care::CareContext& care_context;
  const ProgrammeSpec& programme;
  std::uint64_t seed;
  sim::SectionTimes& times;
};

class Hospitals {
 public:
  explicit Hospitals(const Scenario& s);
  bool enabled() const { return spec_.enabled && !spec_.hospitals.empty(); }
  State& state() { return state_; }
  const State& state() const { return state_; }

  // ---- in the sweep ----
  // Admission thresholds of the step by age band and ADL level, before the medical-care levers
  // (and an upper bound with them).
  void prepare_step(const sim::Step& step, const ProgrammeSpec& programme);
  std::uint32_t admission_bound(int band, int level) const {
    return bound_[static_cast<std::size_t>(band) * kAdlLevels + static_cast<std::size_t>(level)];
  }
  const std::uint32_t* admission_bounds() const { return bound_.data(); }
  // The exact test for a person whose lane is below the bound.
  bool admitted(const People& p, std::size_t i, int band, int level, std::uint32_t lane,
                const care::Ledger& ledger, const ProgrammeSpec& programme,
                std::uint64_t seed) const;

  // ---- the step ----
  // candidates: (row, admission lane) of the people whose lane is below the step's bound.
  void step(const sim::Step& step,
            const std::vector<std::pair<std::uint32_t, std::uint32_t>>& candidates,
            HospitalContext& ctx);
  // A patient died on `day` (person_ops::die): the stay ends and the bed is free.
  void end_stay_on_death(std::size_t i, sim::Day day, People& people);

  // ---- policy ----
  // Converts beds of hospital h (a policy event): those free of elderly patients leave acute
  // use now, the others as their patients leave.
  void convert_beds(int h, bool relative, double amount, bool to_nursing, care::Ledger& ledger);
  // Acute beds grow by `amount` beds (scaled) or by that share of the acute beds.
  void add_beds(int h, bool relative, double amount);
  void open(std::size_t h) { state_.units[h].open = state_.units[h].admitting = true; }
  void stop_admitting(std::size_t h) { state_.units[h].admitting = false; }

  // ---- outputs ----
  void declare(sim::SeriesTable& table, const Census& census) const;
  void clear_period() { flows_.clear(); }
  void remap_rows(const sim::RowMap& map) { state_.remap_rows(map); }
  template <class Archive>
  void serialize(Archive& ar) {
    ar(state_, flows_);
  }

 private:
  struct Event;
  class DailyBeds;
  struct StepBeds;
  StepBeds hold_beds(const sim::Step& step, const People& people, const care::CareSystem& care,
                     std::vector<Event>& events);
  void admit_background(const sim::Step& step, StepBeds& beds);
  double background_arrivals(std::size_t h, sim::Day day) const;
  void choose_on_discharge(const sim::Step& step, std::vector<Event>& events, HospitalContext& ctx);
  bool assessed(int level, std::uint8_t outcome, bool care_enabled) const;
  std::vector<Event> draw_admissions(
      const sim::Step& step, const std::vector<std::pair<std::uint32_t, std::uint32_t>>& candidates,
      const People& people, std::uint64_t seed, const care::Ledger& ledger,
      const ProgrammeSpec& programme) const;
  void run_events(const sim::Step& step, std::vector<Event>& events, StepBeds& beds,
                  HospitalContext& ctx);
  void prefetch_rows(const std::vector<Event>& events, std::size_t next,
                     const People& people) const;
  bool ends_plainly(const Event& e) const;
  void finish_plain_stays(const sim::Step& step, std::vector<Event>& plain, StepBeds& beds,
                          HospitalContext& ctx);
  void recheck(const sim::Step& step, const Event& e, StepBeds& beds, HospitalContext& ctx,
               std::vector<Event>& later);
  void stay_ends(const sim::Step& step, const Event& e, StepBeds& beds, HospitalContext& ctx,
                 std::vector<Event>& later);
  void admit(const sim::Step& step, const Event& e, StepBeds& beds, HospitalContext& ctx,
             std::vector<Event>& later);
  void stay_delayed(const sim::Step& step, const Event& e, int from, StepBeds& beds,
                    HospitalContext& ctx, std::vector<Event>& later);
  void wait_cap_reached(const Event& e, HospitalContext& ctx);
  void finish_stay(std::size_t i, std::uint32_t slot, sim::Day day, People& people);
  void count_discharge(std::size_t h, sim::Day stay_days);  // a stay of stay_days ended at h
  void count_bed_days(const sim::Step& step, StepBeds& beds, care::Ledger& ledger,
                      Spending& spending);
  void book_bed_day_costs(std::size_t h, std::int64_t acute_days, std::int64_t rehab_days,
                          Spending& spending) const;
  void move_beds(std::size_t h, std::int64_t n, bool to_nursing, care::Ledger& ledger);
  int first_choice(int district, int tier, double pick) const;
  sim::Day stay_days(int h, int level, double z) const;
  bool may_be_delayed(int level, std::uint8_t outcome) const;

  const Scenario& scenario_;
  const HospitalSystemSpec& spec_;
  State state_;
  HospitalFlows flows_;
  // The step's tables.
  std::vector<double> base_rate_;              // [band][level], annual, with the season
  std::vector<std::uint32_t> bound_;           // [band][level]
  std::vector<std::uint32_t> base_threshold_;  // [band][level]
  double max_ratio_ = 1;
  int days_ = 0;
  struct Choices {
    std::vector<int> hospitals;
    double beds = 0;
  };
  std::vector<Choices> choices_;  // [district][tier]: first choices, fixed for the step
  // Per hospital: the beds that set its background arrivals (configured beds, scaled): the
  // under-60 demand follows the population, not later changes of the beds.
  std::vector<double> background_beds_;
  std::array<Fen, kHospitalTiers> price_by_tier_{};  // per acute bed-day
  Fen rehabilitation_price_ = 0;                     // per rehabilitation bed-day
};

}  // namespace eldersim::hospital
