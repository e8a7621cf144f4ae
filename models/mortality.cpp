#include "models/mortality.hpp"

#include <cmath>

#include "sim/rng.hpp"

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

namespace eldersim {

DeathTable::DeathTable(const MortalityModel& mortality, int min_age, int days)
    : days_(days),
      base_days_(static_cast<std::int32_t>(min_age * sim::kDaysPerYear)),
      buckets_(static_cast<int>(kMaxYearsAboveMin * sim::kDaysPerYear) >> kBucketShift) {
  table_.resize(static_cast<std::size_t>(buckets_) * kSexes * kAdlLevels);
  for (int b = 0; b < buckets_; ++b)
    for (int s = 0; s < kSexes; ++s)
      for (int l = 0; l < kAdlLevels; ++l) {
        const double hazard = mortality.annual_hazard(static_cast<Sex>(s), bucket_age(b), l);
        table_[(static_cast<std::size_t>(b) * kSexes + static_cast<std::size_t>(s)) * kAdlLevels +
               static_cast<std::size_t>(l)] =
            sim::threshold(sim::rate_to_probability(hazard, days));
      }
}

double DeathTable::bucket_age(int bucket) const {
  const double middle = base_days_ + (static_cast<double>(bucket) + 0.5) * (1 << kBucketShift);
  return middle / sim::kDaysPerYear;
}

}  // namespace eldersim
