// Branch-free float32 exp, sigmoid and tanh that compilers vectorize at the baseline ISA
// (SSE2 on x86-64, NEON on arm64): every path is computed and the result selected, with no
// calls into libm. Shared by the elementwise and softmax kernels. Not fast-math: the usual
// IEEE rules hold, so the same input gives the same bits on every thread and every call.
//
// Accuracy over all finite float inputs (checked by test/parity/elementwise.test.ts against
// double precision, and stated in its header):
//   exp_f      <= 2 ulp relative error for results >= FLT_MIN (subnormal results: absolute
//              error below 1e-45); exp(x) = +Inf for x > 88.72, 0 for x < -103.97.
//   sigmoid_f  <= 4 ulp (relative), computed from exp_f(-|x|).
//   tanh_f     <= 4 ulp (relative): an odd polynomial for |x| < 0.625, 1 - 2 / (e^2|x| + 1)
//              above (Cephes tanhf).
// NaN in gives NaN out; +-Inf give the limits.
#pragma once

#include <cstdint>
#include <cstring>

namespace neurite {

// 2^k as a float for k in [-126, 127], from the exponent bits.
inline float pow2i(int32_t k) {
  const int32_t bits = (k + 127) << 23;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

// Cephes expf: x = n ln2 + r with |r| <= ln2 / 2 (Cody-Waite split of ln2), e^r by a degree-6
// polynomial, then scaled by 2^n in two halves so subnormal results come out right.
inline float exp_f(float x) {
  const bool nan = x != x;
  float xc = nan ? 0.0f : x;
  xc = xc > 88.76f ? 88.76f : xc;
  xc = xc < -104.0f ? -104.0f : xc;
  // Round x / ln2 to nearest with the 1.5 * 2^23 trick (exact in float, vectorizes on SSE2).
  const float shifter = 12582912.0f;
  const float n = (xc * 1.44269504088896341f + shifter) - shifter;
  const float r = (xc - n * 0.693359375f) - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float er = (p * r) * r + r + 1.0f;
  const int32_t k = static_cast<int32_t>(n);
  const int32_t k1 = k >> 1;  // floor(k / 2): both halves stay in [-75, 65]
  const float y = er * pow2i(k1) * pow2i(k - k1);
  return nan ? x : y;
}

inline float sigmoid_f(float x) {
  const float e = exp_f(-(x < 0.0f ? -x : x));  // in (0, 1]
  const float inv = 1.0f / (1.0f + e);
  const float y = x >= 0.0f ? inv : e * inv;
  return x != x ? x : y;
}

inline float tanh_f(float x) {
  const float ax = x < 0.0f ? -x : x;
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
  const float signed_big = x < 0.0f ? -big : big;
  const float y = ax < 0.625f ? small : signed_big;
  return x != x ? x : y;
}

}  // namespace neurite
