// Array versions of the vec_math.h functions, one instance of vec_math_impl.h per vector ISA:
// SSE2 (the x86-64 baseline, the generic path), AVX2 and AVX-512F, each in its own namespace
// inside a target region (`#pragma GCC target`, or `#pragma clang attribute` under Clang:
// function target attributes, so binding.gyp and CMake need no per-file flags), and picked per
// call from the process-wide ISA (native/common/cpu.h).
// Elsewhere (arm64, other compilers) the scalar instance from vec_math.h runs in plain loops.
//
// Nothing from the standard library is instantiated inside the target regions, and every
// function there has internal linkage, so no AVX-512 copy of shared inline code can leak into
// the rest of the addon. Contraction is off in the regions: GCC implements the arithmetic
// intrinsics as plain vector operators, which it would otherwise fuse into FMA on AVX2 and
// AVX-512, and the ISA paths would stop giving the same bits as SSE2.
//
// Tails (n not a multiple of the width) go through a padded stack buffer with the same vector
// code, so every element gets the same operations whatever its position.
#include "vec_math.h"

#include <cmath>
#include <cstdint>
#include <cstring>

#include "../common/cpu.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define NEURITE_VEC_X86 1
#include <immintrin.h>
#if defined(__clang__)
// Clang has no per-region optimize pragma: contraction off for the whole file (its default,
// "on", could only fuse within one expression, which these separate operations never are).
#pragma STDC FP_CONTRACT OFF
#endif
#else
#define NEURITE_VEC_X86 0
#endif

namespace neurite {
namespace {

// The array loops, written once for any lane type providing V, load, store, kWidth and the
// vocabulary of vec_math_impl.h. Included per ISA below.
#define NEURITE_VEC_LOOPS                                                                       \
  template <int F>                                                                              \
  NEURITE_VEC_FN V apply(V x) {                                                                 \
    if constexpr (F == static_cast<int>(VecFn::Exp)) return exp_v(x);                           \
    else if constexpr (F == static_cast<int>(VecFn::Sigmoid)) return sigmoid_v(x);              \
    else if constexpr (F == static_cast<int>(VecFn::Tanh)) return tanh_v(x);                    \
    else if constexpr (F == static_cast<int>(VecFn::Log)) return log_v(x);                      \
    else if constexpr (F == static_cast<int>(VecFn::Sqrt)) return sqrt_(x);                     \
    else return softplus_v(x);                                                                  \
  }                                                                                             \
  template <int F>                                                                              \
  NEURITE_VEC_NOINLINE void map(const float* x, float* y, int64_t n) {                          \
    int64_t i = 0;                                                                              \
    /* Packs of four vectors (vec_math_pack.h): four interleaved dependency chains. */      \
    constexpr int64_t kStep = pack::kPack * kWidth;                                             \
    /* Two packs at a time: eight chains, which 16-lane vectors need to fill the pipes. */     \
    for (; i + 2 * kStep <= n; i += 2 * kStep) {                                                \
      const pack::V a = pack::apply<F>(pack::load(x + i));                                      \
      const pack::V b = pack::apply<F>(pack::load(x + i + kStep));                              \
      pack::store(y + i, a);                                                                    \
      pack::store(y + i + kStep, b);                                                            \
    }                                                                                           \
    for (; i + kStep <= n; i += kStep) pack::store(y + i, pack::apply<F>(pack::load(x + i)));   \
    for (; i < n; i += kWidth) {                                                                \
      if (i + kWidth <= n) {                                                                    \
        store(y + i, apply<F>(load(x + i)));                                                    \
        continue;                                                                               \
      }                                                                                         \
      float buf[kWidth];                                                                        \
      for (int k = 0; k < kWidth; ++k) buf[k] = i + k < n ? x[i + k] : 1.0f;                    \
      store(buf, apply<F>(load(buf)));                                                          \
      for (int k = 0; i + k < n; ++k) y[i + k] = buf[k];                                        \
    }                                                                                           \
  }                                                                                             \
  NEURITE_VEC_NOINLINE void map_any(VecFn f, const float* x, float* y, int64_t n) {             \
    switch (f) {                                                                                \
      case VecFn::Exp: return map<static_cast<int>(VecFn::Exp)>(x, y, n);                       \
      case VecFn::Sigmoid: return map<static_cast<int>(VecFn::Sigmoid)>(x, y, n);               \
      case VecFn::Tanh: return map<static_cast<int>(VecFn::Tanh)>(x, y, n);                     \
      case VecFn::Log: return map<static_cast<int>(VecFn::Log)>(x, y, n);                       \
      case VecFn::Sqrt: return map<static_cast<int>(VecFn::Sqrt)>(x, y, n);                     \
      case VecFn::Softplus: return map<static_cast<int>(VecFn::Softplus)>(x, y, n);             \
    }                                                                                           \
  }                                                                                             \
  /* Row maximum: NaN is tracked apart (max_ skips a NaN in its first operand). Four         \
     running maxima, so that the loop is not one chain of dependent max operations (the max   \
     is the same in any order; at most the sign of a zero maximum differs, which e^(x - max) \
     and (x - max) - log(sum) do not see). */                                                 \
  NEURITE_VEC_NOINLINE float row_max(const float* x, int64_t n) {                               \
    V m = set1(-INFINITY), m1 = m, m2 = m, m3 = m;                                              \
    V nan = set1(0.0f);                                                                         \
    int64_t i = 0;                                                                              \
    for (; i + 4 * kWidth <= n; i += 4 * kWidth) {                                              \
      const V v0 = load(x + i), v1 = load(x + i + kWidth);                                      \
      const V v2 = load(x + i + 2 * kWidth), v3 = load(x + i + 3 * kWidth);                     \
      m = max_(v0, m);                                                                          \
      m1 = max_(v1, m1);                                                                        \
      m2 = max_(v2, m2);                                                                        \
      m3 = max_(v3, m3);                                                                        \
      nan = or_(nan, or_(or_(unordered(v0), unordered(v1)), or_(unordered(v2), unordered(v3)))); \
    }                                                                                           \
    m = max_(max_(m, m1), max_(m2, m3));                                                        \
    for (; i + kWidth <= n; i += kWidth) {                                                      \
      const V v = load(x + i);                                                                  \
      m = max_(v, m);                                                                           \
      nan = or_(nan, unordered(v));                                                             \
    }                                                                                           \
    float lanes[kWidth], flags[kWidth];                                                         \
    store(lanes, m);                                                                            \
    store(flags, nan);                                                                          \
    float best = -INFINITY;                                                                     \
    bool any_nan = false;                                                                       \
    for (int k = 0; k < kWidth; ++k) {                                                          \
      best = lanes[k] > best ? lanes[k] : best;                                                 \
      any_nan |= flags[k] != 0.0f;                                                              \
    }                                                                                           \
    for (; i < n; ++i) {                                                                        \
      best = x[i] > best ? x[i] : best;                                                         \
      any_nan |= x[i] != x[i];                                                                  \
    }                                                                                           \
    return any_nan ? NAN : best;                                                                \
  }                                                                                             \
  /* y = e^(x - m) (x <= m) and its sum: see vec_exp_sum in vec_math.h for the order. */     \
  NEURITE_VEC_NOINLINE double exp_sum(const float* x, float m, float* y, int64_t n,             \
                                      const float* next_x, float* next_y) {                     \
    /* Blocks of 64 elements in packs of four vectors (interleaved exp chains, see          \
       vec_math_pack.h): each of the 64 lanes adds its element in float, and every 16       \
       blocks the lanes go into 64 double sums. */                                            \
    constexpr int64_t kStep = pack::kPack * kWidth;                                             \
    constexpr int kSteps = 64 / kStep;                                                          \
    const pack::V mp = pack::set1(m);                                                           \
    pack::V acc[kSteps];                                                                        \
    for (int k = 0; k < kSteps; ++k) acc[k] = pack::set1(0.0f);                                 \
    double lane[64] = {0};                                                                      \
    const auto flush = [&]() {                                                                  \
      float tmp[64];                                                                            \
      for (int k = 0; k < kSteps; ++k) {                                                        \
        pack::store(tmp + k * kStep, acc[k]);                                                   \
        acc[k] = pack::set1(0.0f);                                                              \
      }                                                                                         \
      for (int k = 0; k < 64; ++k) lane[k] += tmp[k];                                           \
    };                                                                                          \
    int64_t i = 0;                                                                              \
    int blocks = 0;                                                                             \
    /* With one pack per block (16-lane vectors), two blocks' exps first, then their sums in   \
       block order: eight chains in flight instead of four, the same additions. */            \
    if constexpr (kSteps == 1) {                                                                \
      for (; i + 128 <= n; i += 128) {                                                          \
        if (next_x != nullptr) {                                                                \
          for (int64_t b = 0; b < 128; b += 16) {                                               \
            __builtin_prefetch(next_x + i + b, 0, 2);                                           \
            __builtin_prefetch(next_y + i + b, 1, 2);                                           \
          }                                                                                     \
        }                                                                                       \
        const pack::V e0 = pack::exp_nonpositive_v(pack::sub(pack::load(x + i), mp));          \
        const pack::V e1 = pack::exp_nonpositive_v(pack::sub(pack::load(x + i + 64), mp));     \
        pack::store(y + i, e0);                                                                 \
        pack::store(y + i + 64, e1);                                                            \
        acc[0] = pack::add(acc[0], e0);                                                         \
        if (++blocks == 16) {                                                                   \
          flush();                                                                              \
          blocks = 0;                                                                           \
        }                                                                                       \
        acc[0] = pack::add(acc[0], e1);                                                         \
        if (++blocks == 16) {                                                                   \
          flush();                                                                              \
          blocks = 0;                                                                           \
        }                                                                                       \
      }                                                                                         \
    }                                                                                           \
    for (; i + 64 <= n; i += 64) {                                                              \
      if (next_x != nullptr) {                                                                  \
        for (int64_t b = 0; b < 64; b += 16) {                                                  \
          __builtin_prefetch(next_x + i + b, 0, 2);                                             \
          __builtin_prefetch(next_y + i + b, 1, 2);                                             \
        }                                                                                       \
      }                                                                                         \
      for (int k = 0; k < kSteps; ++k) {                                                        \
        const pack::V e = pack::exp_nonpositive_v(pack::sub(pack::load(x + i + k * kStep), mp)); \
        pack::store(y + i + k * kStep, e);                                                      \
        acc[k] = pack::add(acc[k], e);                                                          \
      }                                                                                         \
      if (++blocks == 16) {                                                                     \
        flush();                                                                                \
        blocks = 0;                                                                             \
      }                                                                                         \
    }                                                                                           \
    flush();                                                                                    \
    /* The last n % 64 elements: the same exp through a padded vector, added in double. */      \
    const V mv = set1(m);                                                                       \
    for (int64_t k0 = 0; i + k0 < n; k0 += kWidth) {                                            \
      float buf[kWidth];                                                                        \
      for (int k = 0; k < kWidth; ++k) buf[k] = i + k0 + k < n ? x[i + k0 + k] : m;             \
      store(buf, exp_nonpositive_v(sub(load(buf), mv)));                                        \
      for (int k = 0; k < kWidth && i + k0 + k < n; ++k) {                                      \
        y[i + k0 + k] = buf[k];                                                                 \
        lane[k0 + k] += buf[k];                                                                 \
      }                                                                                         \
    }                                                                                           \
    double s = 0.0;                                                                             \
    for (int k = 0; k < 64; ++k) s += lane[k];                                                  \
    return s;                                                                                   \
  }                                                                                             \
  NEURITE_VEC_NOINLINE void scale_(float* y, float s, int64_t n) {                              \
    const V sv = set1(s);                                                                       \
    int64_t i = 0;                                                                              \
    for (; i + kWidth <= n; i += kWidth) store(y + i, mul(load(y + i), sv));                    \
    for (; i < n; ++i) y[i] *= s;                                                               \
  }

#if NEURITE_VEC_X86

#define NEURITE_VEC_FN inline __attribute__((always_inline))
#define NEURITE_VEC_NOINLINE __attribute__((noinline))

// GCC 12's AVX-512 headers trip -W(maybe-)uninitialized (their _mm512_undefined_ps), and
// returning vectors from the internal helpers is no ABI concern (-Wpsabi).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

// ---- SSE2: the x86-64 baseline -------------------------------------------------------------
#if !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
#endif
namespace sse2 {
namespace self = ::neurite::sse2;
using V = __m128;
using M = __m128;
constexpr int kWidth = 4;
NEURITE_VEC_FN V load(const float* p) { return _mm_loadu_ps(p); }
NEURITE_VEC_FN void store(float* p, V v) { _mm_storeu_ps(p, v); }
NEURITE_VEC_FN V set1(float v) { return _mm_set1_ps(v); }
NEURITE_VEC_FN V add(V a, V b) { return _mm_add_ps(a, b); }
NEURITE_VEC_FN V sub(V a, V b) { return _mm_sub_ps(a, b); }
NEURITE_VEC_FN V mul(V a, V b) { return _mm_mul_ps(a, b); }
NEURITE_VEC_FN V div(V a, V b) { return _mm_div_ps(a, b); }
NEURITE_VEC_FN V min_(V a, V b) { return _mm_min_ps(a, b); }
NEURITE_VEC_FN V max_(V a, V b) { return _mm_max_ps(a, b); }
NEURITE_VEC_FN V sqrt_(V a) { return _mm_sqrt_ps(a); }
NEURITE_VEC_FN V and_(V a, V b) { return _mm_and_ps(a, b); }
NEURITE_VEC_FN V or_(V a, V b) { return _mm_or_ps(a, b); }
NEURITE_VEC_FN M lt(V a, V b) { return _mm_cmplt_ps(a, b); }
NEURITE_VEC_FN M eq(V a, V b) { return _mm_cmpeq_ps(a, b); }
NEURITE_VEC_FN M unordered(V a) { return _mm_cmpunord_ps(a, a); }
NEURITE_VEC_FN M mask_and(M a, M b) { return _mm_and_ps(a, b); }
NEURITE_VEC_FN V select(M m, V a, V b) { return _mm_or_ps(_mm_and_ps(m, a), _mm_andnot_ps(m, b)); }
NEURITE_VEC_FN V bits_const(uint32_t bits) { return _mm_castsi128_ps(_mm_set1_epi32(static_cast<int>(bits))); }
NEURITE_VEC_FN V add_bits(V a, V b) { return _mm_castsi128_ps(_mm_add_epi32(_mm_castps_si128(a), _mm_castps_si128(b))); }
NEURITE_VEC_FN V sub_bits(V a, V b) { return _mm_castsi128_ps(_mm_sub_epi32(_mm_castps_si128(a), _mm_castps_si128(b))); }
NEURITE_VEC_FN V shl23(V a) { return _mm_castsi128_ps(_mm_slli_epi32(_mm_castps_si128(a), 23)); }
NEURITE_VEC_FN V sar1(V a) { return _mm_castsi128_ps(_mm_srai_epi32(_mm_castps_si128(a), 1)); }
NEURITE_VEC_FN V exponent_bits(V a) { return _mm_castsi128_ps(_mm_srli_epi32(_mm_castps_si128(a), 23)); }
NEURITE_VEC_FN V mantissa_to_half(V a) {
  return _mm_or_ps(_mm_and_ps(a, bits_const(0x007FFFFFu)), bits_const(0x3F000000u));
}
NEURITE_VEC_FN V to_float_int(V a) { return _mm_cvtepi32_ps(_mm_castps_si128(a)); }
#include "vec_math_impl.h"
#include "vec_math_pack.h"
NEURITE_VEC_LOOPS
}  // namespace sse2
#if !defined(__clang__)
#pragma GCC pop_options
#endif

// ---- AVX2 ------------------------------------------------------------------------------------
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2")
#pragma GCC optimize("fp-contract=off")
#endif
namespace avx2 {
namespace self = ::neurite::avx2;
using V = __m256;
using M = __m256;
constexpr int kWidth = 8;
NEURITE_VEC_FN V load(const float* p) { return _mm256_loadu_ps(p); }
NEURITE_VEC_FN void store(float* p, V v) { _mm256_storeu_ps(p, v); }
NEURITE_VEC_FN V set1(float v) { return _mm256_set1_ps(v); }
NEURITE_VEC_FN V add(V a, V b) { return _mm256_add_ps(a, b); }
NEURITE_VEC_FN V sub(V a, V b) { return _mm256_sub_ps(a, b); }
NEURITE_VEC_FN V mul(V a, V b) { return _mm256_mul_ps(a, b); }
NEURITE_VEC_FN V div(V a, V b) { return _mm256_div_ps(a, b); }
NEURITE_VEC_FN V min_(V a, V b) { return _mm256_min_ps(a, b); }
NEURITE_VEC_FN V max_(V a, V b) { return _mm256_max_ps(a, b); }
NEURITE_VEC_FN V sqrt_(V a) { return _mm256_sqrt_ps(a); }
NEURITE_VEC_FN V and_(V a, V b) { return _mm256_and_ps(a, b); }
NEURITE_VEC_FN V or_(V a, V b) { return _mm256_or_ps(a, b); }
NEURITE_VEC_FN M lt(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
NEURITE_VEC_FN M eq(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
NEURITE_VEC_FN M unordered(V a) { return _mm256_cmp_ps(a, a, _CMP_UNORD_Q); }
NEURITE_VEC_FN M mask_and(M a, M b) { return _mm256_and_ps(a, b); }
NEURITE_VEC_FN V select(M m, V a, V b) { return _mm256_blendv_ps(b, a, m); }
NEURITE_VEC_FN V bits_const(uint32_t bits) { return _mm256_castsi256_ps(_mm256_set1_epi32(static_cast<int>(bits))); }
NEURITE_VEC_FN V add_bits(V a, V b) { return _mm256_castsi256_ps(_mm256_add_epi32(_mm256_castps_si256(a), _mm256_castps_si256(b))); }
NEURITE_VEC_FN V sub_bits(V a, V b) { return _mm256_castsi256_ps(_mm256_sub_epi32(_mm256_castps_si256(a), _mm256_castps_si256(b))); }
NEURITE_VEC_FN V shl23(V a) { return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_castps_si256(a), 23)); }
NEURITE_VEC_FN V sar1(V a) { return _mm256_castsi256_ps(_mm256_srai_epi32(_mm256_castps_si256(a), 1)); }
NEURITE_VEC_FN V exponent_bits(V a) { return _mm256_castsi256_ps(_mm256_srli_epi32(_mm256_castps_si256(a), 23)); }
NEURITE_VEC_FN V mantissa_to_half(V a) {
  return _mm256_or_ps(_mm256_and_ps(a, bits_const(0x007FFFFFu)), bits_const(0x3F000000u));
}
NEURITE_VEC_FN V to_float_int(V a) { return _mm256_cvtepi32_ps(_mm256_castps_si256(a)); }
#include "vec_math_impl.h"
#include "vec_math_pack.h"
NEURITE_VEC_LOOPS
}  // namespace avx2
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

// ---- AVX-512F --------------------------------------------------------------------------------
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f")
#pragma GCC optimize("fp-contract=off")
#endif
namespace avx512 {
namespace self = ::neurite::avx512;
using V = __m512;
using M = __mmask16;
constexpr int kWidth = 16;
NEURITE_VEC_FN __m512i I(V a) { return _mm512_castps_si512(a); }
NEURITE_VEC_FN V F(__m512i a) { return _mm512_castsi512_ps(a); }
NEURITE_VEC_FN V load(const float* p) { return _mm512_loadu_ps(p); }
NEURITE_VEC_FN void store(float* p, V v) { _mm512_storeu_ps(p, v); }
NEURITE_VEC_FN V set1(float v) { return _mm512_set1_ps(v); }
NEURITE_VEC_FN V add(V a, V b) { return _mm512_add_ps(a, b); }
NEURITE_VEC_FN V sub(V a, V b) { return _mm512_sub_ps(a, b); }
NEURITE_VEC_FN V mul(V a, V b) { return _mm512_mul_ps(a, b); }
NEURITE_VEC_FN V div(V a, V b) { return _mm512_div_ps(a, b); }
NEURITE_VEC_FN V min_(V a, V b) { return _mm512_min_ps(a, b); }
NEURITE_VEC_FN V max_(V a, V b) { return _mm512_max_ps(a, b); }
NEURITE_VEC_FN V sqrt_(V a) { return _mm512_sqrt_ps(a); }
// Bitwise float operations on zmm need AVX512DQ: go through the integer forms (AVX512F).
NEURITE_VEC_FN V and_(V a, V b) { return F(_mm512_and_si512(I(a), I(b))); }
NEURITE_VEC_FN V or_(V a, V b) { return F(_mm512_or_si512(I(a), I(b))); }
NEURITE_VEC_FN M lt(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
NEURITE_VEC_FN M eq(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ); }
NEURITE_VEC_FN V unordered(V a) {
  return F(_mm512_maskz_mov_epi32(_mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q), _mm512_set1_epi32(-1)));
}
NEURITE_VEC_FN M mask_and(M a, M b) { return static_cast<M>(a & b); }
NEURITE_VEC_FN V select(M m, V a, V b) { return _mm512_mask_blend_ps(m, b, a); }
NEURITE_VEC_FN V bits_const(uint32_t bits) { return F(_mm512_set1_epi32(static_cast<int>(bits))); }
NEURITE_VEC_FN V add_bits(V a, V b) { return F(_mm512_add_epi32(I(a), I(b))); }
NEURITE_VEC_FN V sub_bits(V a, V b) { return F(_mm512_sub_epi32(I(a), I(b))); }
NEURITE_VEC_FN V shl23(V a) { return F(_mm512_slli_epi32(I(a), 23)); }
NEURITE_VEC_FN V sar1(V a) { return F(_mm512_srai_epi32(I(a), 1)); }
NEURITE_VEC_FN V exponent_bits(V a) { return F(_mm512_srli_epi32(I(a), 23)); }
NEURITE_VEC_FN V mantissa_to_half(V a) {
  return or_(and_(a, bits_const(0x007FFFFFu)), bits_const(0x3F000000u));
}
NEURITE_VEC_FN V to_float_int(V a) { return _mm512_cvtepi32_ps(I(a)); }
#include "vec_math_impl.h"
#include "vec_math_pack.h"
NEURITE_VEC_LOOPS
}  // namespace avx512
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

#pragma GCC diagnostic pop
#undef NEURITE_VEC_FN
#undef NEURITE_VEC_NOINLINE

#else  // !NEURITE_VEC_X86: the scalar instance in plain loops (compilers vectorize them).

namespace portable {
using namespace vm_scalar;
float apply(VecFn f, float v) {
  switch (f) {
    case VecFn::Exp: return exp_v(v);
    case VecFn::Sigmoid: return sigmoid_v(v);
    case VecFn::Tanh: return tanh_v(v);
    case VecFn::Log: return log_v(v);
    case VecFn::Sqrt: return std::sqrt(v);
    case VecFn::Softplus: return softplus_v(v);
  }
  return v;
}
}  // namespace portable

#endif

}  // namespace

void vec_map(VecFn f, const float* x, float* y, int64_t n) noexcept {
#if NEURITE_VEC_X86
  switch (active_isa()) {
    case Isa::avx512: return avx512::map_any(f, x, y, n);
    case Isa::avx2: return avx2::map_any(f, x, y, n);
    default: return sse2::map_any(f, x, y, n);
  }
#else
  for (int64_t i = 0; i < n; ++i) y[i] = portable::apply(f, x[i]);
#endif
}

float vec_max(const float* x, int64_t n) noexcept {
#if NEURITE_VEC_X86
  switch (active_isa()) {
    case Isa::avx512: return avx512::row_max(x, n);
    case Isa::avx2: return avx2::row_max(x, n);
    default: return sse2::row_max(x, n);
  }
#else
  float best = -INFINITY;
  bool any_nan = false;
  for (int64_t i = 0; i < n; ++i) {
    best = x[i] > best ? x[i] : best;
    any_nan |= x[i] != x[i];
  }
  return any_nan ? NAN : best;
#endif
}

double vec_exp_sum(const float* x, float m, float* y, int64_t n, const float* next_x,
                   float* next_y) noexcept {
  if (next_y == nullptr) next_x = nullptr;
#if NEURITE_VEC_X86
  switch (active_isa()) {
    case Isa::avx512: return avx512::exp_sum(x, m, y, n, next_x, next_y);
    case Isa::avx2: return avx2::exp_sum(x, m, y, n, next_x, next_y);
    default: return sse2::exp_sum(x, m, y, n, next_x, next_y);
  }
#else
  (void)next_x;
  // The same order as the vector paths: float lanes j % 64 over blocks of 64, flushed into
  // double every 16 blocks; the last n % 64 elements straight into double.
  float acc[64] = {0};
  double lane[64] = {0};
  const int64_t full = n - n % 64;
  for (int64_t j = 0; j < n; ++j) {
    y[j] = exp_nonpositive_f(x[j] - m);
    if (j < full) {
      acc[j % 64] += y[j];
      if (j % 1024 == 1023 || j == full - 1) {
        for (int k = 0; k < 64 && j % 64 == 63; ++k) {
          lane[k] += acc[k];
          acc[k] = 0.0f;
        }
      }
    } else {
      lane[j % 64] += y[j];
    }
  }
  double s = 0.0;
  for (int k = 0; k < 64; ++k) s += lane[k];
  return s;
#endif
}

void vec_scale(float* y, float s, int64_t n) noexcept {
#if NEURITE_VEC_X86
  switch (active_isa()) {
    case Isa::avx512: return avx512::scale_(y, s, n);
    case Isa::avx2: return avx2::scale_(y, s, n);
    default: return sse2::scale_(y, s, n);
  }
#else
  for (int64_t i = 0; i < n; ++i) y[i] *= s;
#endif
}

}  // namespace neurite
