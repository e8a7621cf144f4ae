#pragma once
// Counter-based random numbers: the contract (docs/rng.md has the full statement).
//
// Every random number is a pure function of the root seed, an entity id (a person), a counter
// and a kind. There is no generator state shared between agents, threads, ranks or runs, so
// any partition of the agents over threads, blocks or ranks gives the same numbers, and two
// scenarios run with the same seed share their draws (common random numbers).
//
// 1. Step lanes. Each person has one Philox4x32-10 block per step, shared by the per-person
//    processes through fixed lanes (models/random_events.hpp names them):
//        key     = {id bits 0-31, id bits 32-63}
//        counter = {step index, 0, seed bits 0-31, seed bits 32-63}
//    Lane k is output word k. A lane is used as a 32-bit uniform: an event of probability p
//    happens when lane < threshold(p), with threshold(p) = floor(p * 2^32), so probabilities
//    are resolved to 2^-32 (a probability of one fires except with probability 2^-32).
// 2. Event streams. Rare events that need more draws (a care choice, the details of a hospital
//    admission, a new person's attributes) use a RandomStream: Philox4x64-10 with
//        key     = {seed, id}
//        counter = {counter (usually the step index), event kind, block of four draws, 0}
//    Draw i is output word i % 4 of block i / 4. Event kinds are distinct per purpose.
// 3. Fixed per-person uniforms (enrolment, programme coverage): a hash of (seed, kind, id),
//    SplitMix64's finaliser applied twice (fixed_uniform below). Not a stream: one number per
//    person and kind for the whole run, cheap enough to recompute wherever it is needed.
// The lanes and the streams use different Philox variants, so they can never coincide.

#include <Random123/philox.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <span>
#include <string_view>

namespace sim {

// ---- 1. step lanes ------------------------------------------------------------------------------

inline constexpr int kLanes = 4;

// The four lanes of one entity and step (the scalar form of fill_lanes).
std::array<std::uint32_t, kLanes> step_lanes(std::uint64_t seed, std::uint64_t id,
                                             std::uint32_t step) noexcept;

// Lanes of entities ids[0..n) for one step, one array per lane (a loop the compiler vectorises).
struct LaneArrays {
  std::uint32_t* lane[kLanes];
};
void fill_lanes(std::uint64_t seed, const std::uint64_t* ids, std::size_t n, std::uint32_t step,
                LaneArrays out) noexcept;
// fill_lanes picks the widest vector unit of the processor at start-up (AVX-512, AVX2, or a
// portable loop); every kernel gives the same bits. These name and force one (for tests and
// benchmarks); a kernel the processor lacks falls back to the portable loop.
enum class LaneKernel { kPortable, kAvx2, kAvx512 };
void fill_lanes_with(LaneKernel kernel, std::uint64_t seed, const std::uint64_t* ids, std::size_t n,
                     std::uint32_t step, LaneArrays out) noexcept;
std::string_view lane_kernel_name();

// The 32-bit threshold of probability p: an event fires when lane < threshold(p).
inline std::uint32_t threshold(double p) noexcept {
  if (!(p > 0)) return 0;  // also NaN
  if (p >= 1) return 0xFFFFFFFFu;
  return static_cast<std::uint32_t>(p * 4294967296.0);
}
// The probability a threshold stands for.
inline double probability_of(std::uint32_t threshold) noexcept {
  return static_cast<double>(threshold) * 0x1.0p-32;
}
// A lane as a uniform on [0, 1) (32 bits).
inline double lane_uniform(std::uint32_t lane) noexcept {
  return static_cast<double>(lane) * 0x1.0p-32;
}

// ---- 2. event streams ---------------------------------------------------------------------------

class RandomStream {
 public:
  RandomStream(std::uint64_t root_seed, std::uint64_t entity, std::uint32_t counter,
               std::uint32_t event_kind) noexcept
      : key_{{root_seed, entity}}, counter_{{counter, event_kind, 0, 0}} {}

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

// ---- 3. fixed per-person uniforms ---------------------------------------------------------------

// SplitMix64's finaliser (Steele, Lea and Flood 2014): a bijection of 64-bit words with full
// avalanche.
inline std::uint64_t mix64(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// The salt of one kind of fixed uniform under one seed (hoisted out of a pass over many people).
inline std::uint64_t fixed_salt(std::uint64_t seed, std::uint32_t kind) noexcept {
  return mix64(seed + 0x9E3779B97F4A7C15ull * (kind + 1));
}
// fixed_uniform's 53 bits as an integer, for a pass over many people with the salt hoisted.
inline std::uint64_t fixed_bits(std::uint64_t salt, std::uint64_t entity) noexcept {
  return mix64(salt ^ entity) >> 11;
}
// A uniform on [0, 1) fixed for (seed, entity, kind) over the whole run: a person is in a
// programme of coverage c while it is below c, so raising c adds people and removes nobody.
inline double fixed_uniform(std::uint64_t seed, std::uint64_t entity, std::uint32_t kind) noexcept {
  return static_cast<double>(fixed_bits(fixed_salt(seed, kind), entity)) * 0x1.0p-53;
}
// The integer t with fixed_bits(...) < t exactly when fixed_uniform(...) < p: the uniform is
// bits * 2^-53 with no rounding, so the comparison is bits < p * 2^53, i.e. bits < ceil(p * 2^53).
inline std::uint64_t fixed_threshold(double p) noexcept {
  if (!(p > 0)) return 0;
  if (p >= 1) return std::uint64_t{1} << 53;
  return static_cast<std::uint64_t>(std::ceil(p * 0x1.0p53));
}

}  // namespace sim
