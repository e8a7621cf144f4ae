#pragma once
// Health (design section 3, step 3): ADL levels 0-4 change as a continuous-time Markov chain
// with recovery. Annual intensities, piecewise constant by five-year age band and sex, evaluated
// at the band's midpoint (97.5 for 95+):
//   onset 0 -> k        onset.rate_at_65 * exp(onset.age_slope * (a - 65)) * share_by_level[k]
//   progression i -> i+1  progression.rate_at_65[i-1] * exp(progression.age_slope * (a - 65))
//   recovery i -> i-1     recovery.rate_at_65[i-1] * exp(recovery.age_slope * (a - 65))
// each times its female_ratio for women. Death is not in this chain: it is the mortality hazard
// times the level's hazard ratio (mortality.hpp). For a step of d days the transition matrix is
// the exact matrix exponential expm(Q d / 365.25), computed once per (band, sex, d), and held as
// 32-bit thresholds of its cumulative rows for the step lane.

#include <array>
#include <vector>

#include "models/scenario.hpp"
#include "sim/calendar.hpp"
#include "sim/series.hpp"

namespace eldersim {

using AdlMatrix = std::array<std::array<double, kAdlLevels>, kAdlLevels>;

// The annual generator Q (rows sum to zero) for an age and sex.
AdlMatrix adl_generator(const HealthSpec& spec, Sex sex, double age);
// expm(Q * t) by scaling and squaring with a Taylor series (exact to double precision here).
AdlMatrix matrix_exponential(const AdlMatrix& q, double t);

class AdlTransitions {
 public:
  AdlTransitions(const HealthSpec& spec, const AgeBands& bands, int max_step_days);
  bool enabled() const { return enabled_; }
  // Cumulative transition probabilities from `level` for a step of `days` days.
  const std::array<double, kAdlLevels>& cumulative(int band, Sex sex, int level, int days) const {
    return table_[index(band, sex, days)][static_cast<std::size_t>(level)];
  }
  AdlMatrix step_matrix(int band, Sex sex, int days) const;
  // The level after a step of `days` days from `level`, given the step's ADL lane: the number
  // of cumulative thresholds at or below the lane (exact to 2^-32).
  int next_level(int band, int sex, int level, int days, std::uint32_t lane) const {
    const auto& t = thresholds_[index(band, static_cast<Sex>(sex), days) * kAdlLevels +
                                static_cast<std::size_t>(level)];
    return (lane >= t[0]) + (lane >= t[1]) + (lane >= t[2]) + (lane >= t[3]);
  }
  // The thresholds of a step of `days` days as one table of rows (band * 2 + sex) * 5 + level,
  // four thresholds a row (for the sweep).
  const std::uint32_t* step_thresholds(int days) const {
    return thresholds_[index(0, kMale, days) * kAdlLevels].data();
  }

 private:
  // Step length first, so that one step's rows are contiguous.
  std::size_t index(int band, Sex sex, int days) const {
    return (static_cast<std::size_t>(days - 1) * bands_ + static_cast<std::size_t>(band)) * kSexes +
           sex;
  }
  bool enabled_;
  std::size_t bands_;
  std::size_t max_days_;
  std::vector<std::array<std::array<double, kAdlLevels>, kAdlLevels>> table_;  // cumulative rows
  std::vector<std::array<std::uint32_t, kAdlLevels - 1>> thresholds_;
};

// The health process: ADL transitions by age band and sex, and their counts.
class Health {
 public:
  Health(const Scenario& s);
  const AdlTransitions& transitions() const { return adl_; }
  // Transitions in the period by district and level before and after.
  std::vector<std::int64_t>& period_transitions() { return transitions_; }
  std::size_t transition_cell(int district, int from, int to) const {
    return (static_cast<std::size_t>(district) * kAdlLevels + static_cast<std::size_t>(from)) *
               kAdlLevels +
           static_cast<std::size_t>(to);
  }
  void declare(sim::SeriesTable& table, const struct Census& census) const;
  void clear_period() { std::fill(transitions_.begin(), transitions_.end(), 0); }
  template <class Archive>
  void serialize(Archive& ar) {
    ar(transitions_);
  }

 private:
  AdlTransitions adl_;
  std::vector<std::int64_t> transitions_;  // [district][from][to]
};

}  // namespace eldersim
