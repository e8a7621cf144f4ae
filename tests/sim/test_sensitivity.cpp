// The Morris design and its indices (sim/sensitivity.hpp) on functions whose elementary effects
// are known: one-at-a-time moves on the grid, every parameter once per trajectory, exact effects
// of a linear function, zero effect of an unused parameter, spread of an interaction.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "sim/sensitivity.hpp"

namespace sim {
namespace {

TEST(Morris, TrajectoriesMoveOneParameterAtATimeOnTheGrid) {
  const std::size_t k = 5;
  const int levels = 6, trajectories = 20;
  const MorrisDesign d = morris_design(k, trajectories, levels, 99);
  ASSERT_EQ(d.u.size(), trajectories * (k + 1));
  EXPECT_DOUBLE_EQ(d.delta, 0.5);  // levels / 2 steps of 1 / levels
  for (int t = 0; t < trajectories; ++t) {
    const std::size_t base = static_cast<std::size_t>(t) * (k + 1);
    EXPECT_EQ(d.moved[base], -1);
    std::set<int> moved;
    for (std::size_t i = 1; i <= k; ++i) {
      const std::size_t p = base + i;
      moved.insert(d.moved[p]);
      for (std::size_t j = 0; j < k; ++j) {
        const double change = d.u[p][j] - d.u[p - 1][j];
        if (static_cast<int>(j) == d.moved[p])
          EXPECT_NEAR(std::abs(change), d.delta, 1e-12);
        else
          EXPECT_EQ(change, 0.0);
      }
    }
    EXPECT_EQ(moved.size(), k);  // each parameter once
  }
  for (const auto& u : d.u)
    for (double v : u) {
      const double level = v * levels - 0.5;
      EXPECT_NEAR(level, std::round(level), 1e-9);
      EXPECT_GT(v, 0.0);
      EXPECT_LT(v, 1.0);
    }
  EXPECT_EQ(morris_design(k, trajectories, levels, 99).u, d.u);  // a function of the root
  EXPECT_NE(morris_design(k, trajectories, levels, 100).u, d.u);
}

std::vector<std::vector<double>> outputs(const MorrisDesign& d) {
  std::vector<std::vector<double>> y;
  for (const auto& u : d.u)
    y.push_back({3 * u[0] - 2 * u[1] + 7,  // linear, u[2] unused
                 u[0] * u[1],              // an interaction
                 u[2] < 0.5 ? std::numeric_limits<double>::quiet_NaN() : u[0]});
  return y;
}

TEST(Morris, IndicesOfKnownFunctions) {
  const MorrisDesign d = morris_design(3, 30, 4, 7);
  const MorrisIndices m = morris_indices(d, outputs(d));
  // Linear: every effect is the coefficient, so mu* = |a|, mu = a, sigma = 0.
  EXPECT_NEAR(m.mu_star[0][0], 3, 1e-9);
  EXPECT_NEAR(m.mu[0][1], -2, 1e-9);
  EXPECT_NEAR(m.mu_star[0][1], 2, 1e-9);
  EXPECT_NEAR(m.sigma[0][0], 0, 1e-9);
  EXPECT_EQ(m.mu_star[0][2], 0.0);
  EXPECT_EQ(m.effects[0][0].size(), 30u);
  // Interaction: the effect of u0 is u1, which varies between trajectories.
  EXPECT_GT(m.sigma[1][0], 0.1);
  EXPECT_GT(m.sigma[1][1], 0.1);
  EXPECT_EQ(m.mu_star[1][2], 0.0);
  // NaN outputs leave their effects out; the others still count.
  EXPECT_LT(m.effects[2][0].size(), 30u);
  EXPECT_GT(m.effects[2][0].size(), 0u);
  for (double e : m.effects[2][0]) EXPECT_NEAR(e, 1.0, 1e-9);
}

}  // namespace
}  // namespace sim
