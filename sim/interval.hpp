#pragma once
// Means and 95% intervals across replicates (docs/experiments.md): the Student t interval
// mean +- t(0.975, n-1) s / sqrt(n) over the finite values, NaN values left out; NaN bounds with
// fewer than two values. With few replicates the normal 1.96 would be far too narrow (t is 4.30
// for n = 3).

#include <cstddef>
#include <span>

namespace sim {

struct Interval {
  double mean;
  double lo;
  double hi;
  std::size_t n;  // finite values used
};

// The two-sided 95% quantile t(0.975, df) of Student's t distribution.
double t_quantile_975(std::size_t df);
Interval mean_interval(std::span<const double> values);
// Of the paired differences a[i] - b[i], over the i where both are finite.
Interval paired_difference(std::span<const double> a, std::span<const double> b);

}  // namespace sim
