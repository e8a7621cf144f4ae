#pragma once
// A bounded Nelder-Mead simplex search (Nelder and Mead 1965, with the coefficients and the
// shrink of Lagarias et al., SIAM J Optim 9(1), 1998), derivative-free, for objectives that are
// expensive and not smooth: a simulated fit with common random numbers is deterministic but
// moves in small steps as agents change state. The search works in the unit cube of the bounds
// (every coordinate scaled to [0, 1]), and a trial point outside is projected onto it. Points
// are handed to the objective in batches (the first simplex at once, a shrink's n points at
// once), so each batch's runs can execute concurrently.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace sim {

// Values of the objective at each point of a batch (in the parameters' own units).
using BatchObjective =
    std::function<std::vector<double>(const std::vector<std::vector<double>>& points)>;

struct MinimizeOptions {
  int max_evaluations = 100;
  double x_tolerance = 1e-3;  // stop when the simplex spans at most this, in the unit cube ...
  double f_tolerance = 1e-4;  // ... and its values differ by at most this
  double initial_step = 0.1;  // first simplex: the start moved by this share of each range
};

struct Evaluation {
  std::vector<double> x;
  double f;
};

struct MinimizeResult {
  std::vector<double> x;  // the best point found
  double f = 0;
  int evaluations = 0;
  bool converged = false;
  std::string stopped_because;
  std::vector<Evaluation> history;  // every point evaluated, in order
};

// Minimises `f` over lower <= x <= upper from `start` (which must lie within). NaN values count
// as worse than any number.
MinimizeResult nelder_mead(const BatchObjective& f, const std::vector<double>& start,
                           const std::vector<double>& lower, const std::vector<double>& upper,
                           const MinimizeOptions& options = {});

}  // namespace sim
