#pragma once
// Policy (design section 3, step 1): apply every scheduled change whose date falls in this step,
// in date order, and the optional supply response of operators; pay construction subsidies for
// new places.
//
// The step, as a flow chart:
//   open_and_close    facilities and hospitals whose opens / closes date is in this step
//   apply_events      policy events dated in this step, in date order (models/levers.hpp)
//   supply_response   (if enabled) changes decided a lag ago take effect; at each review,
//                     operators add places where occupancy is high and revenue per place
//                     covers cost, and remove them where occupancy is low and it does not

#include <cstdint>

#include "models/care.hpp"
#include "models/finance.hpp"
#include "models/hospital.hpp"
#include "models/levers.hpp"
#include "models/scenario.hpp"
#include "sim/calendar.hpp"

namespace eldersim {

// What policy may change: the programmes in force (with a version, bumped at every change),
// the care offer, the hospitals, and the period's spending (construction subsidies).
struct PolicyContext {
  const Scenario& scenario;
  ProgrammeSpec& programme;
  std::uint64_t& programme_version;
  care::CareSystem& care;
  hospital::Hospitals& hospitals;
  Spending& spending;
  const People& people;
};

// Sets a facility's places, keeping its nursing-type share, and pays construction subsidies for
// places added to an open facility.
void set_places(PolicyContext& ctx, std::size_t facility, std::int64_t places);
// Replaces the programmes in force (after a lever changed them).
void programme_changed(PolicyContext& ctx);

class Policy {
 public:
  explicit Policy(const Scenario& s);
  const ProgrammeSpec& programme() const { return programme_; }
  std::uint64_t programme_version() const { return programme_version_; }
  void step(const sim::Step& step, care::CareSystem& care, hospital::Hospitals& hospitals,
            Spending& spending, const People& people);
  template <class Archive>
  void serialize(Archive& ar) {
    ar(programme_, programme_version_, next_event_, next_supply_review_);
  }

 private:
  void open_and_close(const sim::Step& step, PolicyContext& ctx);
  void apply_events(const sim::Step& step, PolicyContext& ctx);
  void supply_response(const sim::Step& step, PolicyContext& ctx);

  const Scenario& scenario_;
  ProgrammeSpec programme_;
  std::uint64_t programme_version_ = 0;
  std::size_t next_event_ = 0;  // first policy event not applied yet
  sim::Day next_supply_review_ = 0;
};

}  // namespace eldersim
