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
