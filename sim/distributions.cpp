#include "sim/distributions.hpp"

#include <fmt/core.h>

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/triangular.hpp>
#include <boost/math/distributions/uniform.hpp>

namespace sim {

namespace {
template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;
}  // namespace

double quantile(const Distribution& d, double u) {
  namespace bm = boost::math;
  return std::visit(
      Overloaded{
          [u](const Normal& n) { return bm::quantile(bm::normal(n.mean, n.sd), u); },
          [u](const LogNormal& n) { return bm::quantile(bm::lognormal(n.mu, n.sigma), u); },
          [u](const Uniform& x) { return x.low + (x.high - x.low) * u; },
          [u](const Beta& b) {
            return b.low +
                   (b.high - b.low) * bm::quantile(bm::beta_distribution(b.alpha, b.beta), u);
          },
          [u](const Triangular& t) {
            return bm::quantile(bm::triangular(t.low, t.mode, t.high), u);
          },
      },
      d);
}

double central_value(const Distribution& d) {
  if (const auto* n = std::get_if<Normal>(&d)) return n->mean;
  return quantile(d, 0.5);
}

std::string describe(const Distribution& d) {
  return std::visit(
      Overloaded{
          [](const Normal& n) { return fmt::format("normal(mean={}, sd={})", n.mean, n.sd); },
          [](const LogNormal& n) {
            return fmt::format("lognormal(mu={}, sigma={})", n.mu, n.sigma);
          },
          [](const Uniform& x) { return fmt::format("uniform(low={}, high={})", x.low, x.high); },
          [](const Beta& b) {
            return fmt::format("beta(alpha={}, beta={}, low={}, high={})", b.alpha, b.beta, b.low,
                               b.high);
          },
          [](const Triangular& t) {
            return fmt::format("triangular(low={}, mode={}, high={})", t.low, t.mode, t.high);
          },
      },
      d);
}

}  // namespace sim
