#pragma once
// Policy (design section 3, step 1): apply every scheduled change whose date falls in this step
// (events of policy_events, facility openings and closings on their dates, and the optional
// supply response of operators), and pay construction subsidies for new beds.

#include "models/metrics.hpp"
#include "sim/calendar.hpp"

namespace eldersim {
struct World;

namespace policy {
// The step, as a flow chart:
//   facilities whose opens / closes date is in this step   -> open (new beds paid) / close
//   policy events dated in this step, in date order        -> places, prices, programme levers
//   supply response due (if enabled)                        -> apply changes decided a lag ago;
//     at each review, operators decide to add places where occupancy is high and revenue per
//     place covers cost, and to remove them where occupancy is low and it does not
void step(World& world, const sim::Step& step, PeriodFlows& flows);
}  // namespace policy
}  // namespace eldersim
