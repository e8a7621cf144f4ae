#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

#include "sim/rng.hpp"

namespace sim {
namespace {

TEST(RandomStream, SameKeyAndCounterGiveTheSameNumbers) {
  RandomStream a(42, 7, 3, 1), b(42, 7, 3, 1);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next_bits(), b.next_bits());
}

TEST(RandomStream, EveryKeyAndCounterPartChangesTheStream) {
  const auto first = [](std::uint64_t seed, std::uint64_t id, std::uint32_t step,
                        std::uint32_t kind) {
    return RandomStream(seed, id, step, kind).next_bits();
  };
  const auto base = first(42, 7, 3, 1);
  EXPECT_NE(base, first(43, 7, 3, 1));
  EXPECT_NE(base, first(42, 8, 3, 1));
  EXPECT_NE(base, first(42, 7, 4, 1));
  EXPECT_NE(base, first(42, 7, 3, 2));
}

TEST(RandomStream, DrawsDoNotDependOnWhoDrewBefore) {
  // A stream's numbers are a pure function of its key and counter: drawing from other streams
  // in between (as another thread would) changes nothing.
  RandomStream alone(1, 99, 5, 2);
  std::vector<double> expected;
  for (int i = 0; i < 10; ++i) expected.push_back(alone.uniform());
  RandomStream interleaved(1, 99, 5, 2);
  for (int i = 0; i < 10; ++i) {
    RandomStream other(1, static_cast<std::uint64_t>(i), 5, 2);
    other.uniform();
    EXPECT_EQ(interleaved.uniform(), expected[static_cast<std::size_t>(i)]);
  }
}

TEST(RandomStream, UniformMomentsAndRange) {
  const int n = 200000;
  double sum = 0, sum_sq = 0;
  for (int id = 0; id < n; ++id) {
    const double u = RandomStream(2024, static_cast<std::uint64_t>(id), 0, 1).uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum_sq += u * u;
  }
  const double mean = sum / n, var = sum_sq / n - mean * mean;
  // Standard error of the mean is sqrt(1/12/n) = 0.00065; allow 5 of them.
  EXPECT_NEAR(mean, 0.5, 5 * std::sqrt(1.0 / 12 / n));
  EXPECT_NEAR(var, 1.0 / 12, 0.002);
}

TEST(RandomStream, EventKindsAreUncorrelated) {
  // The same agents and step, two event kinds: the Pearson correlation of their first draws
  // must be within 4 standard errors (1/sqrt(n)) of zero. Same kind twice correlates fully.
  const int n = 100000;
  std::vector<double> x(n), y(n), z(n);
  for (int id = 0; id < n; ++id) {
    x[static_cast<std::size_t>(id)] =
        RandomStream(7, static_cast<std::uint64_t>(id), 10, 2).uniform();
    y[static_cast<std::size_t>(id)] =
        RandomStream(7, static_cast<std::uint64_t>(id), 10, 3).uniform();
    z[static_cast<std::size_t>(id)] =
        RandomStream(7, static_cast<std::uint64_t>(id), 11, 2).uniform();
  }
  const auto corr = [](const std::vector<double>& a, const std::vector<double>& b) {
    const double n_d = static_cast<double>(a.size());
    const double ma = std::accumulate(a.begin(), a.end(), 0.0) / n_d;
    const double mb = std::accumulate(b.begin(), b.end(), 0.0) / n_d;
    double sab = 0, saa = 0, sbb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / std::sqrt(saa * sbb);
  };
  const double tolerance = 4.0 / std::sqrt(static_cast<double>(n));
  EXPECT_LT(std::abs(corr(x, y)), tolerance);
  EXPECT_LT(std::abs(corr(x, z)), tolerance);
  EXPECT_NEAR(corr(x, x), 1.0, 1e-12);
}

TEST(RandomStream, CategoricalAndExponentialAndNormal) {
  const std::vector<double> weights{0.1, 0.0, 0.6, 0.3};
  std::vector<int> counts(4, 0);
  const int n = 100000;
  double exp_sum = 0, norm_sum = 0, norm_sq = 0;
  for (int id = 0; id < n; ++id) {
    RandomStream r(5, static_cast<std::uint64_t>(id), 0, 9);
    ++counts[r.categorical(weights)];
    exp_sum += r.exponential(2.0);
    const double z = r.normal();
    norm_sum += z;
    norm_sq += z * z;
  }
  EXPECT_EQ(counts[1], 0);
  for (std::size_t k : {0u, 2u, 3u}) {
    const double p = weights[k];
    EXPECT_NEAR(counts[k] / double(n), p, 4 * std::sqrt(p * (1 - p) / n)) << "category " << k;
  }
  EXPECT_NEAR(exp_sum / n, 2.0, 4 * 2.0 / std::sqrt(n));
  EXPECT_NEAR(norm_sum / n, 0.0, 4 / std::sqrt(n));
  EXPECT_NEAR(norm_sq / n, 1.0, 0.02);
}

}  // namespace
}  // namespace sim

namespace sim {
namespace {

TEST(StepLanes, AreRandom123Philox4x32WithTheDocumentedKeyAndCounter) {
  // Lanes of (seed, id, step) are Philox4x32-10 with key {id low, id high} and counter
  // {step, 0, seed low, seed high} (sim/rng.hpp): checked against Random123 itself.
  const std::uint64_t seed = 0x0123456789ABCDEFull, id = (2031ull << 44) | (7ull << 32) | 99;
  const r123::Philox4x32::ctr_type c = {
      {17u, 0u, static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  const r123::Philox4x32::key_type k = {
      {static_cast<std::uint32_t>(id), static_cast<std::uint32_t>(id >> 32)}};
  const auto expected = r123::Philox4x32{}(c, k);
  const auto lanes = step_lanes(seed, id, 17);
  for (int j = 0; j < kLanes; ++j) EXPECT_EQ(lanes[static_cast<std::size_t>(j)], expected.v[j]);
}

TEST(StepLanes, EveryVectorKernelGivesTheSameBits) {
  // 1027 and 27 are not multiples of any vector width: the AVX2 kernel takes 16 at a time, then
  // 8, then the portable loop for the rest; 27 reaches all three parts, 5 only the last.
  for (const std::size_t n : {std::size_t{1027}, std::size_t{27}, std::size_t{5}}) {
    SCOPED_TRACE(n);
    std::vector<std::uint64_t> ids(n);
    for (std::size_t i = 0; i < n; ++i) ids[i] = (i * 0x9E3779B97F4A7C15ull) ^ (i << 40);
    const auto fill = [&](LaneKernel kernel) {
      std::vector<std::uint32_t> out(4 * n);
      fill_lanes_with(kernel, 12345, ids.data(), n, 99,
                      {{out.data(), out.data() + n, out.data() + 2 * n, out.data() + 3 * n}});
      return out;
    };
    const auto portable = fill(LaneKernel::kPortable);
    EXPECT_EQ(portable, fill(LaneKernel::kAvx2));
    EXPECT_EQ(portable, fill(LaneKernel::kAvx512));
    std::vector<std::uint32_t> best(4 * n);
    fill_lanes(12345, ids.data(), n, 99,
               {{best.data(), best.data() + n, best.data() + 2 * n, best.data() + 3 * n}});
    EXPECT_EQ(portable, best);
    for (std::size_t i = 0; i < n; i += 13) {
      const auto one = step_lanes(12345, ids[i], 99);
      for (std::size_t j = 0; j < 4; ++j) EXPECT_EQ(portable[j * n + i], one[j]);
    }
  }
}

TEST(StepLanes, ChangeWithSeedIdAndStepAndAreUniform) {
  EXPECT_NE(step_lanes(1, 5, 3), step_lanes(2, 5, 3));
  EXPECT_NE(step_lanes(1, 5, 3), step_lanes(1, 6, 3));
  EXPECT_NE(step_lanes(1, 5, 3), step_lanes(1, 5, 4));
  EXPECT_NE(step_lanes(1ull << 32, 5, 3), step_lanes(1, 5, 3));  // the seed's high word counts
  // Each lane is uniform: mean 1/2 and variance 1/12 within 5 standard errors; lanes of one
  // block are uncorrelated.
  const int n = 200'000;
  double sum[4] = {0, 0, 0, 0}, sq[4] = {0, 0, 0, 0}, cross = 0;
  for (int i = 0; i < n; ++i) {
    const auto l = step_lanes(7, static_cast<std::uint64_t>(i), 11);
    for (int j = 0; j < 4; ++j) {
      const double u = lane_uniform(l[static_cast<std::size_t>(j)]);
      sum[j] += u, sq[j] += u * u;
    }
    cross += (lane_uniform(l[0]) - 0.5) * (lane_uniform(l[1]) - 0.5);
  }
  for (int j = 0; j < 4; ++j) {
    EXPECT_NEAR(sum[j] / n, 0.5, 5 * std::sqrt(1.0 / 12 / n)) << j;
    EXPECT_NEAR(sq[j] / n - (sum[j] / n) * (sum[j] / n), 1.0 / 12, 0.002) << j;
  }
  EXPECT_NEAR(cross / n / (1.0 / 12), 0.0, 5 / std::sqrt(n));
}

TEST(Thresholds, FireWithTheirProbabilityAndRespectTheEnds) {
  EXPECT_EQ(threshold(0), 0u);
  EXPECT_EQ(threshold(-0.5), 0u);
  EXPECT_EQ(threshold(std::nan("")), 0u);
  EXPECT_EQ(threshold(1), 0xFFFFFFFFu);
  EXPECT_EQ(threshold(2), 0xFFFFFFFFu);
  EXPECT_EQ(threshold(0.5), 0x80000000u);
  // A threshold stands for its probability to 2^-32.
  for (double p : {1e-9, 0.001, 0.0137, 0.25, 0.999})
    EXPECT_NEAR(probability_of(threshold(p)), p, 0x1.0p-32) << p;
  // Events fire at the probability's rate.
  const std::uint32_t t = threshold(0.03);
  int fired = 0;
  const int n = 400'000;
  for (int i = 0; i < n; ++i) fired += step_lanes(3, static_cast<std::uint64_t>(i), 0)[2] < t;
  EXPECT_NEAR(static_cast<double>(fired) / n, 0.03, 5 * std::sqrt(0.03 * 0.97 / n));
}

TEST(FixedUniform, IsFixedPerPersonAndKindAndUniform) {
  EXPECT_EQ(fixed_uniform(1, 2, 3), fixed_uniform(1, 2, 3));
  EXPECT_NE(fixed_uniform(1, 2, 3), fixed_uniform(1, 2, 4));
  EXPECT_NE(fixed_uniform(1, 2, 3), fixed_uniform(1, 3, 3));
  EXPECT_NE(fixed_uniform(1, 2, 3), fixed_uniform(2, 2, 3));
  // Uniform over 100 bins (chi-square, 99 degrees of freedom: below 160 with probability
  // 1 - 1e-4), a coverage share covers its share, and two kinds (or seeds) are uncorrelated.
  const int n = 200'000;
  std::vector<int> bins(100, 0);
  int covered = 0;
  double cross_kind = 0, cross_seed = 0;
  for (int i = 0; i < n; ++i) {
    const auto id = static_cast<std::uint64_t>(i);
    const double u = fixed_uniform(9, id, 10);
    bins[static_cast<std::size_t>(u * 100)] += 1;
    covered += u < 0.3;
    cross_kind += (u - 0.5) * (fixed_uniform(9, id, 11) - 0.5);
    cross_seed += (u - 0.5) * (fixed_uniform(10, id, 10) - 0.5);
  }
  double chi2 = 0;
  for (int b : bins) chi2 += (b - n / 100.0) * (b - n / 100.0) / (n / 100.0);
  EXPECT_LT(chi2, 160.0);
  EXPECT_NEAR(covered / static_cast<double>(n), 0.3, 5 * std::sqrt(0.3 * 0.7 / n));
  EXPECT_NEAR(cross_kind / n * 12, 0.0, 5 / std::sqrt(n));
  EXPECT_NEAR(cross_seed / n * 12, 0.0, 5 / std::sqrt(n));
}

// The integer comparison of a pass with hoisted salts decides exactly as the uniform does, at
// the edges too: a uniform equal to p is not below it, the next one down is.
TEST(FixedUniform, IntegerThresholdDecidesAsTheUniform) {
  EXPECT_EQ(fixed_threshold(0.0), 0u);
  EXPECT_EQ(fixed_threshold(-0.5), 0u);
  EXPECT_EQ(fixed_threshold(1.0), std::uint64_t{1} << 53);
  EXPECT_EQ(fixed_threshold(2.0), std::uint64_t{1} << 53);
  const std::uint64_t salt = fixed_salt(9, 10);
  for (double p : {1e-9, 0.0374, 0.25, 0.3, 0.5, 0.999999}) {  // 0.25 and 0.5: multiples of 2^-53
    const std::uint64_t t = fixed_threshold(p);
    const auto below = [&](std::uint64_t bits) {
      return static_cast<double>(bits) * 0x1.0p-53 < p;
    };
    EXPECT_TRUE(below(t - 1)) << p;
    EXPECT_FALSE(below(t)) << p;
    for (std::uint64_t id = 0; id < 20'000; ++id)
      ASSERT_EQ(fixed_bits(salt, id) < t, fixed_uniform(9, id, 10) < p) << p << " " << id;
  }
}

}  // namespace
}  // namespace sim
