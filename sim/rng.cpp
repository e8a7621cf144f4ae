#include "sim/rng.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace sim {

namespace {

// Philox4x32-10 (Salmon et al., SC 2011; the constants and round of Random123's philox.h),
// written out so that a loop over entities vectorises: the counter is the same for every
// entity of a step, only the key differs. test_rng checks it against r123::Philox4x32.
constexpr std::uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;
constexpr std::uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;

struct Block4 {
  std::uint32_t x0, x1, x2, x3;
};

// One round with the round's key (k0, k1); the key enters only by xor.
inline Block4 philox_round(Block4 c, std::uint32_t k0, std::uint32_t k1) noexcept {
  const std::uint64_t p0 = static_cast<std::uint64_t>(kM0) * c.x0;
  const std::uint64_t p1 = static_cast<std::uint64_t>(kM1) * c.x2;
  return {static_cast<std::uint32_t>(p1 >> 32) ^ c.x1 ^ k0, static_cast<std::uint32_t>(p1),
          static_cast<std::uint32_t>(p0 >> 32) ^ c.x3 ^ k1, static_cast<std::uint32_t>(p0)};
}

inline Block4 philox4x32_10(Block4 c, std::uint32_t k0, std::uint32_t k1) noexcept {
  for (int round = 0; round < 10; ++round) {
    c = philox_round(c, k0, k1);
    k0 += kW0;
    k1 += kW1;
  }
  return c;
}

inline Block4 step_counter(std::uint64_t seed, std::uint32_t step) noexcept {
  return {step, 0u, static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
}

}  // namespace

std::array<std::uint32_t, kLanes> step_lanes(std::uint64_t seed, std::uint64_t id,
                                             std::uint32_t step) noexcept {
  const Block4 r = philox4x32_10(step_counter(seed, step), static_cast<std::uint32_t>(id),
                                 static_cast<std::uint32_t>(id >> 32));
  return {r.x0, r.x1, r.x2, r.x3};
}

namespace {

void fill_lanes_portable(std::uint64_t seed, const std::uint64_t* ids, std::size_t n,
                         std::uint32_t step, LaneArrays out) noexcept {
  const Block4 c = step_counter(seed, step);
  for (std::size_t j = 0; j < n; ++j) {
    const Block4 r = philox4x32_10(c, static_cast<std::uint32_t>(ids[j]),
                                   static_cast<std::uint32_t>(ids[j] >> 32));
    out.lane[0][j] = r.x0;
    out.lane[1][j] = r.x1;
    out.lane[2][j] = r.x2;
    out.lane[3][j] = r.x3;
  }
}

#if defined(__x86_64__)
// Vector returns between functions of the same target are fine (-Wpsabi warns about the ABI of
// other targets); gcc 12's AVX-512 headers trip -Wmaybe-uninitialized on their own placeholders.
#pragma GCC diagnostic ignored "-Wpsabi"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
// The same rounds on 8 (AVX2) or 16 (AVX-512) entities at once. A 32x32->64-bit multiply
// works on the even 32-bit elements of a vector, so each round multiplies the even and the odd
// elements separately and blends the high and low halves back. The results are bit-identical
// to the portable loop (integer arithmetic only); test_rng compares them.
__attribute__((target("avx2"))) inline __m256i mulhilo(__m256i x, __m256i m, __m256i& hi) {
  const __m256i even = _mm256_mul_epu32(x, m);
  const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(x, 32), m);
  hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
  return _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

// Eight entities' Philox state. The counter is the same for every entity of a step, so the
// first round's products are the same for all: they are computed once, in scalar form, and
// each entity goes on from the second round with its key folded in.
struct Philox8 {
  __m256i x0, x1, x2, x3, k0, k1;
};

__attribute__((target("avx2"))) inline Philox8 after_first_round(const std::uint64_t* ids,
                                                                 const Block4& first, __m256i w0,
                                                                 __m256i w1) {
  // Ids 0-3 and 4-7 as (low, high) words: keys k0 = the low words, k1 = the high words.
  const __m256i split = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
  const __m256i a =
      _mm256_permutevar8x32_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(ids)), split);
  const __m256i b = _mm256_permutevar8x32_epi32(
      _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ids + 4)), split);
  const __m256i k0 = _mm256_permute2x128_si256(a, b, 0x20);
  const __m256i k1 = _mm256_permute2x128_si256(a, b, 0x31);
  return {_mm256_xor_si256(_mm256_set1_epi32(static_cast<int>(first.x0)), k0),
          _mm256_set1_epi32(static_cast<int>(first.x1)),
          _mm256_xor_si256(_mm256_set1_epi32(static_cast<int>(first.x2)), k1),
          _mm256_set1_epi32(static_cast<int>(first.x3)),
          _mm256_add_epi32(k0, w0),
          _mm256_add_epi32(k1, w1)};
}

__attribute__((target("avx2"))) inline void philox_round(Philox8& s, __m256i m0, __m256i m1,
                                                         __m256i w0, __m256i w1) {
  __m256i hi0, hi1;
  const __m256i lo0 = mulhilo(s.x0, m0, hi0);
  const __m256i lo1 = mulhilo(s.x2, m1, hi1);
  s.x0 = _mm256_xor_si256(_mm256_xor_si256(hi1, s.x1), s.k0);
  s.x1 = lo1;
  s.x2 = _mm256_xor_si256(_mm256_xor_si256(hi0, s.x3), s.k1);
  s.x3 = lo0;
  s.k0 = _mm256_add_epi32(s.k0, w0);
  s.k1 = _mm256_add_epi32(s.k1, w1);
}

__attribute__((target("avx2"))) inline void store_lanes(const Philox8& s, LaneArrays out,
                                                        std::size_t j) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out.lane[0] + j), s.x0);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out.lane[1] + j), s.x1);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out.lane[2] + j), s.x2);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out.lane[3] + j), s.x3);
}

__attribute__((target("avx2"))) void fill_lanes_avx2(std::uint64_t seed, const std::uint64_t* ids,
                                                     std::size_t n, std::uint32_t step,
                                                     LaneArrays out) noexcept {
  const __m256i m0 = _mm256_set1_epi64x(kM0), m1 = _mm256_set1_epi64x(kM1);
  const __m256i w0 = _mm256_set1_epi32(static_cast<int>(kW0));
  const __m256i w1 = _mm256_set1_epi32(static_cast<int>(kW1));
  // The first round with a zero key: the same for every entity of the step; after_first_round
  // xors each entity's key into the two outputs it enters.
  const Block4 first = philox_round(step_counter(seed, step), 0, 0);
  std::size_t j = 0;
  // Two groups of eight at once: a round is a chain of dependent multiplies, and a second,
  // independent chain fills the multiplier while the first waits.
  for (; j + 16 <= n; j += 16) {
    Philox8 a = after_first_round(ids + j, first, w0, w1);
    Philox8 b = after_first_round(ids + j + 8, first, w0, w1);
    for (int round = 1; round < 10; ++round) {
      philox_round(a, m0, m1, w0, w1);
      philox_round(b, m0, m1, w0, w1);
    }
    store_lanes(a, out, j);
    store_lanes(b, out, j + 8);
  }
  for (; j + 8 <= n; j += 8) {
    Philox8 a = after_first_round(ids + j, first, w0, w1);
    for (int round = 1; round < 10; ++round) philox_round(a, m0, m1, w0, w1);
    store_lanes(a, out, j);
  }
  fill_lanes_portable(seed, ids + j, n - j, step,
                      {{out.lane[0] + j, out.lane[1] + j, out.lane[2] + j, out.lane[3] + j}});
}

__attribute__((target("avx512f"))) inline __m512i mulhilo(__m512i x, __m512i m, __m512i& hi) {
  const __m512i even = _mm512_mul_epu32(x, m);
  const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(x, 32), m);
  hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 32), odd);
  return _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
}

__attribute__((target("avx512f"))) void fill_lanes_avx512(std::uint64_t seed,
                                                          const std::uint64_t* ids, std::size_t n,
                                                          std::uint32_t step,
                                                          LaneArrays out) noexcept {
  const __m512i m0 = _mm512_set1_epi64(kM0), m1 = _mm512_set1_epi64(kM1);
  const __m512i w0 = _mm512_set1_epi32(static_cast<int>(kW0));
  const __m512i w1 = _mm512_set1_epi32(static_cast<int>(kW1));
  const __m512i low_words =
      _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i high_words =
      _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  std::size_t j = 0;
  for (; j + 16 <= n; j += 16) {
    const __m512i a = _mm512_loadu_si512(ids + j);
    const __m512i b = _mm512_loadu_si512(ids + j + 8);
    __m512i k0 = _mm512_permutex2var_epi32(a, low_words, b);
    __m512i k1 = _mm512_permutex2var_epi32(a, high_words, b);
    __m512i x0 = _mm512_set1_epi32(static_cast<int>(step));
    __m512i x1 = _mm512_setzero_si512();
    __m512i x2 = _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(seed)));
    __m512i x3 = _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(seed >> 32)));
    for (int round = 0; round < 10; ++round) {
      __m512i hi0, hi1;
      const __m512i lo0 = mulhilo(x0, m0, hi0);
      const __m512i lo1 = mulhilo(x2, m1, hi1);
      x0 = _mm512_ternarylogic_epi32(hi1, x1, k0, 0x96);  // hi1 ^ x1 ^ k0
      x1 = lo1;
      x2 = _mm512_ternarylogic_epi32(hi0, x3, k1, 0x96);
      x3 = lo0;
      k0 = _mm512_add_epi32(k0, w0);
      k1 = _mm512_add_epi32(k1, w1);
    }
    _mm512_storeu_si512(out.lane[0] + j, x0);
    _mm512_storeu_si512(out.lane[1] + j, x1);
    _mm512_storeu_si512(out.lane[2] + j, x2);
    _mm512_storeu_si512(out.lane[3] + j, x3);
  }
  fill_lanes_portable(seed, ids + j, n - j, step,
                      {{out.lane[0] + j, out.lane[1] + j, out.lane[2] + j, out.lane[3] + j}});
}
#endif

using FillLanes = void (*)(std::uint64_t, const std::uint64_t*, std::size_t, std::uint32_t,
                           LaneArrays) noexcept;

FillLanes select_fill_lanes() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return fill_lanes_avx512;
  if (__builtin_cpu_supports("avx2")) return fill_lanes_avx2;
#endif
  return fill_lanes_portable;
}

const FillLanes best_fill_lanes = select_fill_lanes();

}  // namespace

void fill_lanes(std::uint64_t seed, const std::uint64_t* ids, std::size_t n, std::uint32_t step,
                LaneArrays out) noexcept {
  best_fill_lanes(seed, ids, n, step, out);
}

void fill_lanes_with(LaneKernel kernel, std::uint64_t seed, const std::uint64_t* ids, std::size_t n,
                     std::uint32_t step, LaneArrays out) noexcept {
  switch (kernel) {
#if defined(__x86_64__)
    case LaneKernel::kAvx512:
      if (__builtin_cpu_supports("avx512f")) return fill_lanes_avx512(seed, ids, n, step, out);
      break;
    case LaneKernel::kAvx2:
      if (__builtin_cpu_supports("avx2")) return fill_lanes_avx2(seed, ids, n, step, out);
      break;
#endif
    default:
      break;
  }
  fill_lanes_portable(seed, ids, n, step, out);
}

std::string_view lane_kernel_name() {
#if defined(__x86_64__)
  if (best_fill_lanes == fill_lanes_avx512) return "avx512";
  if (best_fill_lanes == fill_lanes_avx2) return "avx2";
#endif
  return "portable";
}

}  // namespace sim
