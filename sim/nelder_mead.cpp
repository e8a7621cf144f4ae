#include "sim/nelder_mead.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace sim {

namespace {

using Point = std::vector<double>;

// Lagarias et al. (1998): reflection, expansion, contraction and shrink coefficients.
constexpr double kReflect = 1.0, kExpand = 2.0, kContract = 0.5, kShrink = 0.5;

double worse_if_nan(double v) {
  return std::isnan(v) ? std::numeric_limits<double>::infinity() : v;
}

Point clamp_to_cube(Point x) {
  for (double& v : x) v = std::clamp(v, 0.0, 1.0);
  return x;
}

// a + t (b - a), projected onto the cube.
Point along(const Point& a, const Point& b, double t) {
  Point x(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) x[i] = a[i] + t * (b[i] - a[i]);
  return clamp_to_cube(std::move(x));
}

class Search {
 public:
  Search(const BatchObjective& f, const Point& lower, const Point& upper, int budget)
      : f_(f), lower_(lower), upper_(upper), budget_(budget) {}

  std::vector<double> evaluate(const std::vector<Point>& unit_points) {
    std::vector<Point> points;
    for (const Point& u : unit_points) points.push_back(to_parameters(u));
    std::vector<double> values = f_(points);
    if (values.size() != points.size())
      throw std::logic_error("objective returned the wrong number of values");
    for (std::size_t i = 0; i < points.size(); ++i) {
      values[i] = worse_if_nan(values[i]);
      history_.push_back({points[i], values[i]});
    }
    return values;
  }
  bool exhausted(std::size_t more = 1) const {
    return history_.size() + more > static_cast<std::size_t>(budget_);
  }
  Point to_parameters(const Point& u) const {
    Point x(u.size());
    for (std::size_t i = 0; i < u.size(); ++i) x[i] = lower_[i] + u[i] * (upper_[i] - lower_[i]);
    return x;
  }
  std::vector<Evaluation> take_history() { return std::move(history_); }

 private:
  const BatchObjective& f_;
  const Point &lower_, &upper_;
  int budget_;
  std::vector<Evaluation> history_;
};

}  // namespace

MinimizeResult nelder_mead(const BatchObjective& f, const std::vector<double>& start,
                           const std::vector<double>& lower, const std::vector<double>& upper,
                           const MinimizeOptions& options) {
  const std::size_t n = start.size();
  if (n == 0 || lower.size() != n || upper.size() != n)
    throw std::invalid_argument("nelder_mead: start and bounds must have the same, nonzero size");
  Point u0(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (!(lower[i] < upper[i]) || start[i] < lower[i] || start[i] > upper[i])
      throw std::invalid_argument("nelder_mead: the start must lie within lower < upper");
    u0[i] = (start[i] - lower[i]) / (upper[i] - lower[i]);
  }
  Search search(f, lower, upper, std::max(options.max_evaluations, static_cast<int>(n) + 1));
  // The first simplex: the start and one step along each axis (backwards where forwards leaves
  // the cube).
  std::vector<Point> simplex{u0};
  for (std::size_t i = 0; i < n; ++i) {
    Point v = u0;
    v[i] += v[i] + options.initial_step <= 1 ? options.initial_step : -options.initial_step;
    simplex.push_back(v);
  }
  std::vector<double> values = search.evaluate(simplex);
  MinimizeResult result;
  std::vector<std::size_t> order(n + 1);
  for (;;) {
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
    const Point& best = simplex[order[0]];
    double span = 0, spread = 0;
    for (std::size_t k = 1; k <= n; ++k) {
      spread = std::max(spread, std::abs(values[order[k]] - values[order[0]]));
      for (std::size_t i = 0; i < n; ++i)
        span = std::max(span, std::abs(simplex[order[k]][i] - best[i]));
    }
    if (span <= options.x_tolerance && spread <= options.f_tolerance) {
      result.converged = true;
      result.stopped_because = fmt::format(
          "converged: the simplex spans {:.2g} of the bounds and its values differ by {:.2g}", span,
          spread);
      break;
    }
    if (search.exhausted()) {
      result.stopped_because = fmt::format(
          "stopped after the maximum of {} evaluations (simplex span {:.2g}, values differ by "
          "{:.2g})",
          options.max_evaluations, span, spread);
      break;
    }
    const std::size_t worst = order[n], second = order[n - 1];
    Point centroid(n, 0.0);
    for (std::size_t k = 0; k < n; ++k)
      for (std::size_t i = 0; i < n; ++i)
        centroid[i] += simplex[order[k]][i] / static_cast<double>(n);
    const Point reflected = along(centroid, simplex[worst], -kReflect);
    const double fr = search.evaluate({reflected})[0];
    const auto replace_worst = [&](const Point& x, double fx) {
      simplex[worst] = x;
      values[worst] = fx;
    };
    if (fr < values[order[0]]) {
      if (search.exhausted()) {
        replace_worst(reflected, fr);
        continue;
      }
      const Point expanded = along(centroid, simplex[worst], -kReflect * kExpand);
      const double fe = search.evaluate({expanded})[0];
      fe < fr ? replace_worst(expanded, fe) : replace_worst(reflected, fr);
      continue;
    }
    if (fr < values[second]) {
      replace_worst(reflected, fr);
      continue;
    }
    if (search.exhausted()) continue;
    // Contract outside (towards the reflected point) or inside (towards the worst).
    const bool outside = fr < values[worst];
    const Point contracted = outside ? along(centroid, reflected, kContract)
                                     : along(centroid, simplex[worst], kContract);
    const double fc = search.evaluate({contracted})[0];
    if (fc < (outside ? fr : values[worst])) {
      replace_worst(contracted, fc);
      continue;
    }
    if (search.exhausted(n)) break;
    std::vector<Point> shrunk;
    for (std::size_t k = 1; k <= n; ++k) shrunk.push_back(along(best, simplex[order[k]], kShrink));
    const std::vector<double> fs = search.evaluate(shrunk);
    for (std::size_t k = 1; k <= n; ++k) {
      simplex[order[k]] = shrunk[k - 1];
      values[order[k]] = fs[k - 1];
    }
  }
  if (result.stopped_because.empty())
    result.stopped_because =
        fmt::format("stopped after the maximum of {} evaluations", options.max_evaluations);
  const auto best =
      static_cast<std::size_t>(std::min_element(values.begin(), values.end()) - values.begin());
  result.x = search.to_parameters(simplex[best]);
  result.f = values[best];
  result.history = search.take_history();
  result.evaluations = static_cast<int>(result.history.size());
  return result;
}

}  // namespace sim
