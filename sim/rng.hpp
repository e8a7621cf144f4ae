#pragma once
// Counter-based random numbers (design section 6).
//
// Every draw is a pure function of (root seed, entity id, step, event kind, draw index), computed
// with Random123's Philox4x64-10: the key is (root seed, entity id) and the counter is
// (step, event kind, block of four draws, 0). There is no generator state shared between agents,
// threads or ranks, so any partition of the agents gives the same numbers, and two scenarios run
// with the same seed share their draws (common random numbers).

#include <Random123/philox.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <span>

namespace sim {

class RandomStream {
 public:
  RandomStream(std::uint64_t root_seed, std::uint64_t entity, std::uint32_t step,
               std::uint32_t event_kind) noexcept
      : key_{{root_seed, entity}}, counter_{{step, event_kind, 0, 0}} {}

  // 64 random bits; draw i of the stream is output word i % 4 of Philox block i / 4.
  std::uint64_t next_bits() noexcept {
    if (used_ == 4) refill();
    return block_.v[used_++];
  }

  // Uniform on [0, 1) with 53 random bits.
  double uniform() noexcept { return static_cast<double>(next_bits() >> 11) * 0x1.0p-53; }

  // True with probability p (p <= 0 never, p >= 1 always).
  bool bernoulli(double p) noexcept { return uniform() < p; }

  // Exponential with the given mean.
  double exponential(double mean) noexcept { return -mean * std::log1p(-uniform()); }

  // Standard normal by the Box-Muller transform (uses two draws, returns one).
  double normal() noexcept {
    const double u1 = 1.0 - uniform();  // (0, 1]
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

  // Index i with probability weights[i] / sum(weights); weights must be >= 0 with a positive sum.
  std::size_t categorical(std::span<const double> weights) noexcept {
    double total = 0;
    for (double w : weights) total += w;
    double target = uniform() * total;
    for (std::size_t i = 0; i + 1 < weights.size(); ++i) {
      if (target < weights[i]) return i;
      target -= weights[i];
    }
    return weights.size() - 1;
  }

 private:
  using Philox = r123::Philox4x64;

  void refill() noexcept {
    block_ = Philox{}(counter_, key_);
    ++counter_.v[2];
    used_ = 0;
  }

  Philox::key_type key_;
  Philox::ctr_type counter_;
  Philox::ctr_type block_{};
  unsigned used_ = 4;
};

}  // namespace sim
