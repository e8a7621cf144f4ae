#include "models/health.hpp"

#include <cmath>

#include "models/metrics.hpp"
#include "models/random_events.hpp"
#include "models/world.hpp"
#include "sim/parallel.hpp"
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
    : max_days_(static_cast<std::size_t>(max_step_days)),
      table_(static_cast<std::size_t>(bands.count()) * kSexes * max_days_) {
  if (!spec.enabled) return;
  for (int b = 0; b < bands.count(); ++b) {
    const double age = bands.min_age + b * AgeBands::kWidth + AgeBands::kWidth / 2.0;
    for (Sex sex : {kMale, kFemale}) {
      const AdlMatrix q = adl_generator(spec, sex, age);
      // Every step length in use, 1..step_days (steps are cut at period ends).
      for (int days = 1; days <= max_step_days; ++days) {
        const AdlMatrix p = matrix_exponential(q, days / sim::kDaysPerYear);
        auto& rows = table_[index(b, sex, days)];
        for (int i = 0; i < kAdlLevels; ++i) {
          double cumulative = 0;
          for (int j = 0; j < kAdlLevels; ++j) {
            cumulative +=
                std::max(0.0, p[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)]);
            rows[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] = cumulative;
          }
          for (auto& c : rows[static_cast<std::size_t>(i)])
            c /= cumulative;  // rows sum to exactly 1
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

namespace health {

void step(World& world, const sim::Step& step, PeriodFlows& flows,
          std::vector<PeriodFlows>& scratch) {
  const Scenario& s = *world.scenario;
  if (!s.health.enabled) return;
  People& people = world.people;
  const sim::Day mid_day = step.mid_day();
  sim::parallel_accumulate(
      people.size(), scratch, flows, [&] { return PeriodFlows(s); },
      [&](std::size_t begin, std::size_t end, PeriodFlows& acc) {
        for (std::size_t i = begin; i < end; ++i) {
          if (!people.alive[i]) continue;
          const auto sex = static_cast<Sex>(people.sex[i]);
          const int band = s.bands.band_of_age_days(mid_day - people.birth_day[i]);
          const int from = people.adl[i];
          const auto& row = world.adl.cumulative(band, sex, from, step.days);
          sim::RandomStream rng(world.seed, people.id[i], static_cast<std::uint32_t>(step.index),
                                kind(RandomEvent::kAdlTransition));
          const double u = rng.uniform();
          int to = 0;
          while (to < kAdlLevels - 1 && u >= row[static_cast<std::size_t>(to)]) ++to;
          if (to == from) continue;
          people.adl[i] = static_cast<std::uint8_t>(to);
          people.care_flags[i] |= kAdlChanged;
          acc.adl_transitions[static_cast<std::size_t>(
              (people.district[i] * kAdlLevels + from) * kAdlLevels + to)] += 1;
        }
      });
}

}  // namespace health
}  // namespace eldersim
