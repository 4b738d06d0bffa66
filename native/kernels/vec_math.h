// Branch-free float32 exp, sigmoid, tanh, log and softplus, written once (vec_math_impl.h)
// against a small vector vocabulary and compiled for plain floats (the scalar functions below,
// which compilers also vectorize inside simd_loop) and, in vec_math.cpp, for SSE2, AVX2 and
// AVX-512 vectors behind the process-wide ISA choice (vec_map and the softmax row helpers).
// Shared by the elementwise and softmax kernels. No calls into libm, and not fast-math: the
// usual IEEE rules hold and no multiply-add is fused, so the same input gives the same bits on
// every thread, every call and every ISA path.
//
// The selects are bit masks (pick, keep_if): GCC rewrites a float `c ? a : b` feeding further
// arithmetic into branches around trapping float operations, which it will not vectorize.
//
// Accuracy over all finite float inputs (checked by test/parity/elementwise.test.ts and
// native/test/elementwise_test.cpp against double precision over dense sweeps; in brackets the
// worst error found over every 7th float bit pattern):
//   exp_f      <= 2 ulp relative error for results >= FLT_MIN [0.96] (subnormal results:
//              absolute error below 2e-45); +Inf above ln(FLT_MAX), 0 below ln(2^-150).
//   sigmoid_f  <= 4 ulp (relative) [2.7], computed from e^-|x| (exp_nonpositive_f).
//   tanh_f     <= 4 ulp (relative) [2.4]: m / (m + 2) with m = e^(2|x|) - 1 (see tanh_v).
//   log_f      <= 2 ulp (relative) [0.81], Cephes logf; log(+-0) = -Inf, log(x < 0) = NaN.
//   softplus_f <= 4 ulp (relative) [2.8]: max(x, 0) + log1p(e^-|x|), log1p by a series.
//   sqrt       the SIMD square-root instruction: correctly rounded.
// NaN in gives NaN out; +-Inf give the limits.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace neurite {

inline float bits_to_float(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

inline uint32_t float_to_bits(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}

// v where cond holds, else +0, as bit masking (a float select would be rewritten into
// branches around trapping float operations, which stops vectorization).
inline float keep_if(float v, bool cond) {
  const uint32_t mask = 0u - static_cast<uint32_t>(cond);
  return bits_to_float(float_to_bits(v) & mask);
}

// cond ? a : b, by bit masking.
inline float pick(bool cond, float a, float b) {
  const uint32_t mask = 0u - static_cast<uint32_t>(cond);
  return bits_to_float((float_to_bits(a) & mask) | (float_to_bits(b) & ~mask));
}

// The scalar instance of vec_math_impl.h: lanes are plain floats.
namespace vm_scalar {

using V = float;
using M = bool;

inline V set1(float v) { return v; }
inline V add(V a, V b) { return a + b; }
inline V sub(V a, V b) { return a - b; }
inline V mul(V a, V b) { return a * b; }
inline V div(V a, V b) { return a / b; }
inline V min_(V a, V b) { return pick(a < b, a, b); }
inline V max_(V a, V b) { return pick(a > b, a, b); }
inline V and_(V a, V b) { return bits_to_float(float_to_bits(a) & float_to_bits(b)); }
inline V or_(V a, V b) { return bits_to_float(float_to_bits(a) | float_to_bits(b)); }
inline M lt(V a, V b) { return a < b; }
inline M eq(V a, V b) { return a == b; }
inline M mask_and(M a, M b) { return a && b; }
inline V select(M m, V a, V b) { return pick(m, a, b); }
inline V bits_const(uint32_t bits) { return bits_to_float(bits); }
inline V add_bits(V a, V b) { return bits_to_float(float_to_bits(a) + float_to_bits(b)); }
inline V sub_bits(V a, V b) { return bits_to_float(float_to_bits(a) - float_to_bits(b)); }
inline V shl23(V a) { return bits_to_float(float_to_bits(a) << 23); }
inline V sar1(V a) {
  return bits_to_float(static_cast<uint32_t>(static_cast<int32_t>(float_to_bits(a)) >> 1));
}
inline V exponent_bits(V a) { return bits_to_float(float_to_bits(a) >> 23); }
inline V mantissa_to_half(V a) { return bits_to_float((float_to_bits(a) & 0x007FFFFFu) | 0x3F000000u); }
inline V to_float_int(V a) { return static_cast<float>(static_cast<int32_t>(float_to_bits(a))); }

#define NEURITE_VEC_FN inline
#include "vec_math_impl.h"
#undef NEURITE_VEC_FN

}  // namespace vm_scalar

inline float exp_f(float x) { return vm_scalar::exp_v(x); }
inline float sigmoid_f(float x) { return vm_scalar::sigmoid_v(x); }
inline float tanh_f(float x) { return vm_scalar::tanh_v(x); }
inline float log_f(float x) { return vm_scalar::log_v(x); }
inline float softplus_f(float x) { return vm_scalar::softplus_v(x); }
// e^x for x <= 0 or NaN (softmax's e^(x - max)): the same bits as exp_f, cheaper (positive x
// are taken as 0).
inline float exp_nonpositive_f(float x) { return vm_scalar::exp_nonpositive_v(x); }

// Whole arrays on the active ISA (native/common/cpu.h), in vec_math.cpp.
enum class VecFn : int { Exp, Sigmoid, Tanh, Log, Sqrt, Softplus };

// y[i] = f(x[i]) for i < n (y may be x). Same bits as the scalar functions above.
void vec_map(VecFn f, const float* x, float* y, int64_t n) noexcept;

// max_j x[j], NaN if x holds a NaN, -Inf if n == 0.
float vec_max(const float* x, int64_t n) noexcept;

// y[j] = exp_nonpositive_f(x[j] - m) for j < n, where m >= every x[j] (y may be x); returns
// sum_j y[j] in an order that is the same on every ISA path: over the first n - n % 64
// elements, 64 float lanes (lane j % 64) add their elements in order of j and are added into
// 64 double lanes after every 1024 elements and at the end; the last n % 64 elements go
// straight into double lane j % 64; the 64 double lanes are added in lane order. (Float lanes
// keep the vector loop cheap; the flush every 16 terms keeps the sum's relative error within a
// few float roundings.) If next_x and next_y are given, the next n-element rows of x and y are
// prefetched along the way (softmax's row loop: the next row arrives from memory while this
// one is computed).
double vec_exp_sum(const float* x, float m, float* y, int64_t n, const float* next_x = nullptr,
                   float* next_y = nullptr) noexcept;

// y[j] *= s for j < n (one rounded product each: the same bits on every path).
void vec_scale(float* y, float s, int64_t n) noexcept;

}  // namespace neurite
