#pragma once
// Death hazard: a Gompertz baseline by sex, m(x) = improvement * m60 * exp(slope * (x - 60)),
// joined at `logistic_from_age` (95) to a Kannisto (logistic) tail
// mu(x) = a e^{c(x-x0)} / (1 + a e^{c(x-x0)}) with level and log-slope matched at the join, then
// multiplied by a hazard ratio for the person's ADL level (figures.md: Yang et al. 2021).

#include <array>

#include "models/scenario.hpp"

namespace eldersim {

class MortalityModel {
 public:
  explicit MortalityModel(const MortalitySpec& spec);

  // Annual hazard for ADL level 0 (the baseline).
  double baseline_hazard(Sex sex, double age_years) const;
  double annual_hazard(Sex sex, double age_years, int adl_level) const {
    return baseline_hazard(sex, age_years) *
           spec_.hazard_ratio_by_adl[static_cast<std::size_t>(adl_level)];
  }
  // Probability of surviving from exact age `from` to `to` at ADL level 0, in closed form
  // (the integral of both pieces of the hazard): used to check the simulation.
  double baseline_survival(Sex sex, double from, double to) const;
  const MortalitySpec& spec() const { return spec_; }

 private:
  double cumulative_hazard(Sex sex, double age) const;  // from age 0 (Gompertz part from -inf)

  MortalitySpec spec_;
  struct Tail {
    double a;      // odds at the join
    double slope;  // logistic slope
  };
  std::array<Tail, kSexes> tail_{};
};

}  // namespace eldersim
