// Branch-free float32 exp, sigmoid and tanh that compilers vectorize at the baseline ISA
// (SSE2 on x86-64, NEON on arm64): every path is computed and the result selected, with no
// calls into libm. Shared by the elementwise and softmax kernels. Not fast-math: the usual
// IEEE rules hold, so the same input gives the same bits on every thread and every call.
//
// The selects are bit masks (pick, keep_if): GCC rewrites a float `c ? a : b` feeding further
// arithmetic into branches around trapping float operations, which it will not vectorize.
//
// Accuracy over all finite float inputs (checked by test/parity/elementwise.test.ts against
// double precision, and stated in its header):
//   exp_f      <= 2 ulp relative error for results >= FLT_MIN (subnormal results: absolute
//              error below 2e-45); +Inf above ln(FLT_MAX), 0 below ln(2^-150).
//   sigmoid_f  <= 4 ulp (relative), computed from exp_f(-|x|).
//   tanh_f     <= 4 ulp (relative): an odd polynomial for |x| < 0.625, 1 - 2 / (e^2|x| + 1)
//              above (Cephes tanhf).
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

// Cephes expf: x = n ln2 + r with |r| <= ln2 / 2 (Cody-Waite split of ln2), e^r by a degree-6
// polynomial, then scaled by 2^n in two halves so subnormal results come out right.
//
// Written so GCC and Clang vectorize it without fast-math: no select feeds a constant into
// the long computation (the compiler would specialize that path and leave a branch); the
// range limits are applied arithmetically and the special cases selected at the end; the
// integer n is read from the bits of the rounding sum (no float-to-int conversion, which
// would be undefined for NaN), and exponent bits are built in unsigned arithmetic.
inline float exp_f(float x) {
  constexpr float kHi = 88.72283172607422f, kLo = -103.97207f;  // e^kHi < FLT_MAX; e^kLo ~ 2^-150
  const float over = x - kHi, under = kLo - x;
  float xc = x - keep_if(over, over > 0.0f);   // ~min(x, kHi) for finite x
  xc = xc + keep_if(under, under > 0.0f);       // ~max(., kLo)
  // n = round(x / ln2) with the 1.5 * 2^23 trick: the low mantissa bits of t hold n.
  const float shifter = 12582912.0f;
  const float t = xc * 1.44269504088896341f + shifter;
  const float n = t - shifter;
  const float r = (xc - n * 0.693359375f) - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float er = (p * r) * r + r + 1.0f;
  const uint32_t k = float_to_bits(t) - float_to_bits(shifter);  // n mod 2^32
  const uint32_t k1 = static_cast<uint32_t>(static_cast<int32_t>(k) >> 1);  // floor(n / 2)
  const uint32_t k2 = k - k1;
  // Both halves lie in [-75, 65]: 2^k from the exponent field.
  const float y = er * bits_to_float((k1 + 127u) << 23) * bits_to_float((k2 + 127u) << 23);
  float out = pick(x > kHi, INFINITY, y);
  out = pick(x < kLo, 0.0f, out);
  return pick(x != x, x, out);
}

inline float sigmoid_f(float x) {
  const float e = exp_f(-std::fabs(x));  // in (0, 1]
  const float inv = 1.0f / (1.0f + e);
  const float y = pick(x >= 0.0f, inv, e * inv);
  return pick(x != x, x, y);
}

inline float tanh_f(float x) {
  const float ax = std::fabs(x);
  // Small |x|: tanh(x) = x + x^3 P(x^2).
  const float z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  const float small = x + x * z * p;
  // Large |x|: 1 - 2 / (e^{2|x|} + 1), with the sign put back.
  const float big = 1.0f - 2.0f / (exp_f(2.0f * ax) + 1.0f);
  const float signed_big = std::copysign(big, x);
  const float y = pick(ax < 0.625f, small, signed_big);
  return pick(!(ax > 0.0f), x, y);  // NaN and +-0 come back as they are
}

}  // namespace neurite
