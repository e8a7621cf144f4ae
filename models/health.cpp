#include "models/health.hpp"

#include <cmath>

#include "models/census.hpp"
#include "sim/rng.hpp"

namespace eldersim {

AdlMatrix adl_generator(const HealthSpec& h, Sex sex, double age) {
  const bool female = sex == kFemale;
  const double onset = h.onset_rate_at_65 * std::exp(h.onset_age_slope * (age - 65)) *
                       (female ? h.onset_female_ratio : 1.0);
  const double progression_scale =
      std::exp(h.progression_age_slope * (age - 65)) * (female ? h.progression_female_ratio : 1.0);
  const double recovery_scale =
      std::exp(h.recovery_age_slope * (age - 65)) * (female ? h.recovery_female_ratio : 1.0);
  AdlMatrix q{};
  for (int k = 1; k < kAdlLevels; ++k)
    q[0][static_cast<std::size_t>(k)] = onset * h.onset_share[static_cast<std::size_t>(k - 1)];
  for (int i = 1; i < kAdlLevels; ++i) {
    const auto r = static_cast<std::size_t>(i);
    if (i < kAdlLevels - 1) q[r][r + 1] = h.progression_rate_at_65[r - 1] * progression_scale;
    q[r][r - 1] = h.recovery_rate_at_65[r - 1] * recovery_scale;
  }
  for (std::size_t i = 0; i < q.size(); ++i) {
    double out = 0;
    for (std::size_t j = 0; j < q.size(); ++j) out += j == i ? 0.0 : q[i][j];
    q[i][i] = -out;
  }
  return q;
}

namespace {
AdlMatrix multiply(const AdlMatrix& a, const AdlMatrix& b) {
  AdlMatrix c{};
  for (int i = 0; i < kAdlLevels; ++i)
    for (int k = 0; k < kAdlLevels; ++k)
      for (int j = 0; j < kAdlLevels; ++j)
        c[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] +=
            a[static_cast<std::size_t>(i)][static_cast<std::size_t>(k)] *
            b[static_cast<std::size_t>(k)][static_cast<std::size_t>(j)];
  return c;
}
}  // namespace

AdlMatrix matrix_exponential(const AdlMatrix& q, double t) {
  // Scale so the norm is below 1/2, sum the Taylor series to convergence, square back.
  double norm = 0;
  for (const auto& row : q) {
    double s = 0;
    for (double x : row) s += std::abs(x);
    norm = std::max(norm, s * t);
  }
  int squarings = 0;
  while (norm > 0.5) norm /= 2, ++squarings;
  const double scale = t / std::pow(2.0, squarings);
  AdlMatrix a{};
  for (int i = 0; i < kAdlLevels; ++i)
    for (int j = 0; j < kAdlLevels; ++j)
      a[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] =
          q[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] * scale;
  AdlMatrix result{}, term{};
  for (int i = 0; i < kAdlLevels; ++i)
    result[static_cast<std::size_t>(i)][static_cast<std::size_t>(i)] =
        term[static_cast<std::size_t>(i)][static_cast<std::size_t>(i)] = 1;
  for (int n = 1; n < 30; ++n) {
    term = multiply(term, a);
    double biggest = 0;
    for (int i = 0; i < kAdlLevels; ++i)
      for (int j = 0; j < kAdlLevels; ++j) {
        term[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] /= n;
        result[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] +=
            term[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
        biggest = std::max(
            biggest, std::abs(term[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)]));
      }
    if (biggest < 1e-18) break;
  }
  for (int s = 0; s < squarings; ++s) result = multiply(result, result);
  return result;
}

AdlTransitions::AdlTransitions(const HealthSpec& spec, const AgeBands& bands, int max_step_days)
    : enabled_(spec.enabled),
      bands_(static_cast<std::size_t>(bands.count())),
      max_days_(static_cast<std::size_t>(max_step_days)),
      table_(static_cast<std::size_t>(bands.count()) * kSexes * max_days_),
      thresholds_(table_.size() * kAdlLevels) {
  for (int b = 0; b < bands.count(); ++b) {
    const double age = bands.min_age + b * AgeBands::kWidth + AgeBands::kWidth / 2.0;
    for (Sex sex : {kMale, kFemale}) {
      const AdlMatrix q = spec.enabled ? adl_generator(spec, sex, age) : AdlMatrix{};
      // Every step length in use, 1..step_days (steps are cut at period ends).
      for (int days = 1; days <= max_step_days; ++days) {
        const AdlMatrix p = matrix_exponential(q, days / sim::kDaysPerYear);
        auto& rows = table_[index(b, sex, days)];
        for (std::size_t i = 0; i < kAdlLevels; ++i) {
          double cumulative = 0;
          for (std::size_t j = 0; j < kAdlLevels; ++j) {
            cumulative += std::max(0.0, p[i][j]);
            rows[i][j] = cumulative;
          }
          for (auto& c : rows[i]) c /= cumulative;  // rows sum to exactly 1
          auto& t = thresholds_[index(b, sex, days) * kAdlLevels + i];
          for (std::size_t j = 0; j + 1 < kAdlLevels; ++j) t[j] = sim::threshold(rows[i][j]);
        }
      }
    }
  }
}

AdlMatrix AdlTransitions::step_matrix(int band, Sex sex, int days) const {
  AdlMatrix p{};
  const auto& rows = table_[index(band, sex, days)];
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t j = 0; j < rows.size(); ++j) p[i][j] = rows[i][j] - (j ? rows[i][j - 1] : 0.0);
  return p;
}

Health::Health(const Scenario& s)
    : adl_(s.health, s.bands, s.simulation.calendar.step_days),
      transitions_(static_cast<std::size_t>(s.district_count()) * kAdlLevels * kAdlLevels, 0) {}

void Health::declare(sim::SeriesTable& t, const Census& census) const {
  t.add({"n_adl",
         {"district", "adl_level"},
         sim::SeriesKind::kStock,
         "people",
         "People alive at the end of the period by ADL level"},
        sim::copy_of(census.adl));
  t.add({"n_adl_by_sex_age",
         {"district", "sex", "age_band", "adl_level"},
         sim::SeriesKind::kStock,
         "people",
         "People alive at the end of the period by sex, age band and ADL level (prevalence of "
         "disability by age: divide by n_alive_by_sex_age)"},
        sim::copy_of(census.adl_by_sex_age));
  t.add({"new_adl_transitions",
         {"district", "adl_from", "adl_to"},
         sim::SeriesKind::kFlow,
         "people",
         "Changes of ADL level in the period, by level before and after (the step's transition "
         "and declines in hospital)"},
        sim::copy_of(transitions_));
}

}  // namespace eldersim
