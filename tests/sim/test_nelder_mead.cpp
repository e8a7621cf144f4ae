// The bounded Nelder-Mead search (sim/nelder_mead.hpp): it finds known minima, inside the bounds
// and on them, keeps to its budget, hands out batches, and treats NaN as worse than any number.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "sim/nelder_mead.hpp"

namespace sim {
namespace {

BatchObjective pointwise(double (*f)(const std::vector<double>&),
                         std::vector<std::size_t>* batch_sizes = nullptr) {
  return [f, batch_sizes](const std::vector<std::vector<double>>& points) {
    if (batch_sizes) batch_sizes->push_back(points.size());
    std::vector<double> out;
    for (const auto& x : points) out.push_back(f(x));
    return out;
  };
}

double rosenbrock(const std::vector<double>& x) {
  return 100 * std::pow(x[1] - x[0] * x[0], 2) + std::pow(1 - x[0], 2);
}

TEST(NelderMead, FindsTheMinimumOfRosenbrocksValley) {
  MinimizeOptions o;
  o.max_evaluations = 2000;
  o.x_tolerance = 1e-7;
  o.f_tolerance = 1e-12;
  const auto r = nelder_mead(pointwise(rosenbrock), {-1.2, 1.0}, {-2, -2}, {2, 2}, o);
  EXPECT_TRUE(r.converged) << r.stopped_because;
  EXPECT_NEAR(r.x[0], 1.0, 1e-4);
  EXPECT_NEAR(r.x[1], 1.0, 1e-4);
  EXPECT_LT(r.f, 1e-8);
  EXPECT_EQ(static_cast<std::size_t>(r.evaluations), r.history.size());
}

double shifted_bowl(const std::vector<double>& x) {
  double s = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double k = static_cast<double>(i + 1);
    s += k * std::pow(x[i] - 0.3 * k, 2);
  }
  return s;
}

TEST(NelderMead, FindsAFourDimensionalMinimumInsideTheBounds) {
  MinimizeOptions o;
  o.max_evaluations = 3000;
  o.x_tolerance = 1e-7;
  o.f_tolerance = 1e-14;
  const auto r =
      nelder_mead(pointwise(shifted_bowl), {0, 0, 0, 0}, {-1, -1, -1, -1}, {3, 3, 3, 3}, o);
  for (std::size_t i = 0; i < 4; ++i)
    EXPECT_NEAR(r.x[i], 0.3 * static_cast<double>(i + 1), 1e-4) << i;
}

double wants_below_the_bounds(const std::vector<double>& x) {
  return std::pow(x[0] + 5, 2) + std::pow(x[1] - 0.5, 2);
}

TEST(NelderMead, StopsOnTheBoundWhenTheMinimumLiesBeyondIt) {
  MinimizeOptions o;
  o.max_evaluations = 500;
  o.x_tolerance = 1e-6;
  o.f_tolerance = 1e-12;
  const auto r = nelder_mead(pointwise(wants_below_the_bounds), {0.8, 0.1}, {0, 0}, {1, 1}, o);
  EXPECT_DOUBLE_EQ(r.x[0], 0.0);
  EXPECT_NEAR(r.x[1], 0.5, 1e-4);
  for (const auto& e : r.history) {
    EXPECT_GE(e.x[0], 0.0);
    EXPECT_LE(e.x[0], 1.0);
  }
}

TEST(NelderMead, KeepsToItsBudgetAndEvaluatesTheFirstSimplexInOneBatch) {
  std::vector<std::size_t> batches;
  MinimizeOptions o;
  o.max_evaluations = 25;
  o.x_tolerance = 0;
  o.f_tolerance = 0;
  const auto r =
      nelder_mead(pointwise(shifted_bowl, &batches), {0, 0, 0}, {-1, -1, -1}, {3, 3, 3}, o);
  EXPECT_FALSE(r.converged);
  EXPECT_LE(r.evaluations, 25);
  ASSERT_FALSE(batches.empty());
  EXPECT_EQ(batches.front(), 4u);  // the start and one step along each of 3 axes
  std::size_t total = 0;
  for (auto b : batches) total += b;
  EXPECT_EQ(total, r.history.size());
  // The answer is the best point evaluated.
  double best = std::numeric_limits<double>::infinity();
  for (const auto& e : r.history) best = std::min(best, e.f);
  EXPECT_EQ(r.f, best);
}

double nan_left_of_zero(const std::vector<double>& x) {
  return x[0] < 0 ? std::numeric_limits<double>::quiet_NaN() : std::pow(x[0] - 0.2, 2);
}

TEST(NelderMead, TreatsNotANumberAsWorseThanAnyValue) {
  MinimizeOptions o;
  o.max_evaluations = 200;
  o.x_tolerance = 1e-6;
  o.f_tolerance = 1e-12;
  const auto r = nelder_mead(pointwise(nan_left_of_zero), {1.5}, {-2}, {2}, o);
  EXPECT_NEAR(r.x[0], 0.2, 1e-4);
  EXPECT_FALSE(std::isnan(r.f));
}

TEST(NelderMead, RefusesAStartOutsideTheBounds) {
  EXPECT_THROW(nelder_mead(pointwise(shifted_bowl), {2}, {0}, {1}), std::invalid_argument);
  EXPECT_THROW(nelder_mead(pointwise(shifted_bowl), {0.5}, {1}, {1}), std::invalid_argument);
  EXPECT_THROW(nelder_mead(pointwise(shifted_bowl), {}, {}, {}), std::invalid_argument);
}

}  // namespace
}  // namespace sim
