#include "sim/interval.hpp"

#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>
#include <vector>

namespace sim {

double t_quantile_975(std::size_t df) {
  if (df == 0) return std::numeric_limits<double>::quiet_NaN();
  return boost::math::quantile(boost::math::students_t(static_cast<double>(df)), 0.975);
}

namespace {
Interval of_finite(const std::vector<double>& x) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  const std::size_t n = x.size();
  if (n == 0) return {kNaN, kNaN, kNaN, 0};
  double sum = 0;
  for (double v : x) sum += v;
  const double mean = sum / static_cast<double>(n);
  if (n < 2) return {mean, kNaN, kNaN, n};
  double ss = 0;
  for (double v : x) ss += (v - mean) * (v - mean);
  const double half =
      t_quantile_975(n - 1) * std::sqrt(ss / static_cast<double>(n - 1) / static_cast<double>(n));
  return {mean, mean - half, mean + half, n};
}
}  // namespace

Interval mean_interval(std::span<const double> values) {
  std::vector<double> x;
  for (double v : values)
    if (std::isfinite(v)) x.push_back(v);
  return of_finite(x);
}

Interval paired_difference(std::span<const double> a, std::span<const double> b) {
  std::vector<double> d;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
    if (std::isfinite(a[i]) && std::isfinite(b[i])) d.push_back(a[i] - b[i]);
  return of_finite(d);
}

}  // namespace sim
