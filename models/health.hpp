#pragma once
// Health (design section 3, step 3): ADL levels 0-4 change as a continuous-time Markov chain
// with recovery. Annual intensities, piecewise constant by five-year age band and sex, evaluated
// at the band's midpoint (97.5 for 95+):
//   onset 0 -> k        onset.rate_at_65 * exp(onset.age_slope * (a - 65)) * share_by_level[k]
//   progression i -> i+1  progression.rate_at_65[i-1] * exp(progression.age_slope * (a - 65))
//   recovery i -> i-1     recovery.rate_at_65[i-1] * exp(recovery.age_slope * (a - 65))
// each times its female_ratio for women. Death is not in this chain: it is the mortality hazard
// times the level's hazard ratio (mortality.hpp). For a step of d days the transition matrix is
// the exact matrix exponential expm(Q d / 365.25), computed once per (band, sex, d).

#include <array>
#include <vector>

#include "models/scenario.hpp"
#include "sim/calendar.hpp"

namespace eldersim {

using AdlMatrix = std::array<std::array<double, kAdlLevels>, kAdlLevels>;

// The annual generator Q (rows sum to zero) for an age and sex.
AdlMatrix adl_generator(const HealthSpec& spec, Sex sex, double age);
// expm(Q * t) by scaling and squaring with a Taylor series (exact to double precision here).
AdlMatrix matrix_exponential(const AdlMatrix& q, double t);

class AdlTransitions {
 public:
  AdlTransitions(const HealthSpec& spec, const AgeBands& bands, int max_step_days);
  // Cumulative transition probabilities from `level` for a step of `days` days.
  const std::array<double, kAdlLevels>& cumulative(int band, Sex sex, int level, int days) const {
    return table_[index(band, sex, days)][static_cast<std::size_t>(level)];
  }
  AdlMatrix step_matrix(int band, Sex sex, int days) const;

 private:
  std::size_t index(int band, Sex sex, int days) const {
    return (static_cast<std::size_t>(band) * kSexes + sex) * max_days_ +
           static_cast<std::size_t>(days - 1);
  }
  std::size_t max_days_;
  std::vector<std::array<std::array<double, kAdlLevels>, kAdlLevels>> table_;  // cumulative rows
};

struct World;
struct PeriodFlows;

namespace health {
// The step: for each living person (in parallel blocks), draw the next ADL level from the row of
// their current level in the step's transition matrix; mark people whose level changed (the
// care step lets them choose again) and count transitions.
void step(World& world, const sim::Step& step, PeriodFlows& flows,
          std::vector<PeriodFlows>& scratch);
}  // namespace health

}  // namespace eldersim
