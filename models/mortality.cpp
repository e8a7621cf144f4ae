#include "models/mortality.hpp"

#include <cmath>

namespace eldersim {

MortalityModel::MortalityModel(const MortalitySpec& spec) : spec_(spec) {
  for (int s = 0; s < kSexes; ++s) {
    const auto& g = spec_.gompertz[static_cast<std::size_t>(s)];
    const double mu =
        spec_.improvement * g.m60 * std::exp(g.slope * (spec_.logistic_from_age - 60));
    // mu < 1 is checked when the scenario is read; d ln(mu)/dx = c / (1 + a) must equal slope.
    const double a = mu / (1.0 - mu);
    tail_[static_cast<std::size_t>(s)] = {a, g.slope * (1.0 + a)};
  }
}

double MortalityModel::baseline_hazard(Sex sex, double age) const {
  const auto& g = spec_.gompertz[sex];
  if (age < spec_.logistic_from_age)
    return spec_.improvement * g.m60 * std::exp(g.slope * (age - 60));
  const Tail& t = tail_[sex];
  const double odds = t.a * std::exp(t.slope * (age - spec_.logistic_from_age));
  return odds / (1.0 + odds);
}

double MortalityModel::cumulative_hazard(Sex sex, double age) const {
  const auto& g = spec_.gompertz[sex];
  const double x0 = spec_.logistic_from_age;
  const double level = spec_.improvement * g.m60;
  // Gompertz: integral of level * e^{b(x-60)} = level / b * e^{b(x-60)} (+ constant).
  const auto gompertz = [&](double x) { return level / g.slope * std::exp(g.slope * (x - 60)); };
  if (age <= x0) return gompertz(age);
  // Logistic: integral of a e^{c u} / (1 + a e^{c u}) du = ln(1 + a e^{c u}) / c.
  const Tail& t = tail_[sex];
  return gompertz(x0) +
         (std::log1p(t.a * std::exp(t.slope * (age - x0))) - std::log1p(t.a)) / t.slope;
}

double MortalityModel::baseline_survival(Sex sex, double from, double to) const {
  return std::exp(-(cumulative_hazard(sex, to) - cumulative_hazard(sex, from)));
}

}  // namespace eldersim
