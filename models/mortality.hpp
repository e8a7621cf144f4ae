#pragma once
// Death hazard: a Gompertz baseline by sex, m(x) = improvement * m60 * exp(slope * (x - 60)),
// joined at `logistic_from_age` (95) to a Kannisto (logistic) tail
// mu(x) = a e^{c(x-x0)} / (1 + a e^{c(x-x0)}) with level and log-slope matched at the join, then
// multiplied by a hazard ratio for the person's ADL level (figures.md: Yang et al. 2021).
//
// The step's death probabilities are looked up, not computed per person: DeathTable holds, for
// one step length, the threshold of p = 1 - exp(-hazard * days / 365.25) by age in buckets of
// 8 days (the hazard at the bucket's middle), sex and ADL level. With a Gompertz slope of 0.1 a
// year the hazard changes by at most 0.11% within a bucket.

#include <array>
#include <cstdint>
#include <vector>

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

// Death thresholds for steps of `days` days, by age bucket, sex and ADL level.
class DeathTable {
 public:
  static constexpr int kBucketShift = 3;  // 8-day buckets
  static constexpr int kMaxYearsAboveMin = 70;

  DeathTable(const MortalityModel& mortality, int min_age, int days);
  int days() const { return days_; }
  // Bucket of an age in days (ages below the first bucket use it, above the last the last).
  int bucket(std::int32_t age_days) const {
    const std::int32_t b = (age_days - base_days_) >> kBucketShift;
    return b < 0 ? 0 : (b >= buckets_ ? buckets_ - 1 : b);
  }
  std::uint32_t threshold(int bucket, int sex, int level) const {
    return table_[(static_cast<std::size_t>(bucket) * kSexes + static_cast<std::size_t>(sex)) *
                      kAdlLevels +
                  static_cast<std::size_t>(level)];
  }
  // The age (years) a bucket's threshold was computed at.
  double bucket_age(int bucket) const;
  const std::uint32_t* data() const { return table_.data(); }
  std::int32_t base_days() const { return base_days_; }
  int buckets() const { return buckets_; }

 private:
  int days_;
  std::int32_t base_days_;
  int buckets_;
  std::vector<std::uint32_t> table_;
};

}  // namespace eldersim
