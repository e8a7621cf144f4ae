#pragma once
// Distributions of uncertain parameters, drawn by inversion: the value for a uniform u is the
// distribution's quantile at u (Boost.Math), so one counter-based uniform per parameter and
// replicate gives the draw, and the same u always gives the same value.

#include <string>
#include <variant>

namespace sim {

struct Normal {
  double mean, sd;
};
struct LogNormal {
  double mu, sigma;  // of the logarithm
};
struct Uniform {
  double low, high;
};
struct Beta {
  double alpha, beta, low = 0, high = 1;
};
struct Triangular {
  double low, mode, high;
};
using Distribution = std::variant<Normal, LogNormal, Uniform, Beta, Triangular>;

// The value at quantile u in (0, 1).
double quantile(const Distribution& d, double u);
// The central value used when draws are off: the mean of a normal, exp(mu) for a lognormal (its
// median), the median otherwise.
double central_value(const Distribution& d);
// "normal(mean=0.5, sd=0.1)", for the output and messages.
std::string describe(const Distribution& d);

}  // namespace sim
