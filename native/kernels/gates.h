// Gate math shared by the recurrent cell kernels (rnn, lstm, gru, mgu): activations, the
// recurrent GEMM on sub-blocks of row-major buffers, and the batch split over the pool.
// Header-only; the JS mirror is src/backend/js/gates.ts.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

#include "../common/thread_pool.h"
#include "gemm.h"

namespace neurite::gates {

// Activations written branch-free and inline so the gate loops vectorize (libm's expf and
// tanhf are calls the compiler cannot vectorize). Error bounds, checked over a dense sweep of
// [-30, 30] in native/test/recurrent_test.cpp against double-precision libm:
//   fast_exp: relative error <= 2e-7 on [-87, 88] (inputs are clamped to that range)
//   sigmoid:  absolute error <= 1.5e-7        tanh: absolute error <= 1.5e-7, relative <= 2e-7
// (measured: 8.2e-8, 8.9e-8, 8.9e-8 and 1.5e-7)
//
// Selects go through bit masks (`blend`), not `?:`: with the default -ftrapping-math, GCC keeps
// a conditional followed by floating-point arithmetic as control flow and then will not
// vectorize the loop.

// cond ? a : b, computed without a branch.
inline float blend(bool cond, float a, float b) {
  const int32_t m = -static_cast<int32_t>(cond);
  return std::bit_cast<float>((std::bit_cast<int32_t>(a) & m) | (std::bit_cast<int32_t>(b) & ~m));
}

// exp(x): x = k ln2 + r with |r| <= ln2/2 (Cody-Waite, two-part ln2), a degree-7 polynomial for
// exp(r) (Cephes expf coefficients), then 2^k put straight into the exponent bits.
inline float fast_exp(float x) {
  x = blend(x < -87.0f, -87.0f, x);
  x = blend(x > 88.0f, 88.0f, x);
  // Adding 1.5 * 2^23 rounds to the nearest integer (the default rounding mode).
  const float magic = 12582912.0f;
  const float k = (x * 1.44269504088896341f + magic) - magic;
  float r = x - k * 0.693359375f;
  r = r - k * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float y = p * r * r + r + 1.0f;
  const int32_t n = static_cast<int32_t>(k);
  return std::bit_cast<float>(std::bit_cast<int32_t>(y) + n * (1 << 23));
}

inline float sigmoid(float x) { return 1.0f / (1.0f + fast_exp(-x)); }

// tanh: an odd polynomial near 0 (Cephes tanhf, |x| < 0.625), where (1 - e) / (1 + e) would
// lose relative precision, and (1 - e) / (1 + e) with e = exp(-2|x|) elsewhere.
inline float tanh(float x) {
  const float a = std::fabs(x);
  const float z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  const float small = x + x * z * p;
  const float e = fast_exp(-2.0f * a);
  const float big = std::bit_cast<float>(std::bit_cast<int32_t>((1.0f - e) / (1.0f + e)) |
                                         (std::bit_cast<int32_t>(x) & INT32_MIN));
  return blend(a < 0.625f, small, big);
}

// C (rows, n; ldc) = beta * C + A (rows, k; lda) times op(W): W is (n, k) when trans_w (the
// forward product h W^T), (k, n) otherwise (the backward product dgates W).
inline void gemm_block(ThreadPool& pool, bool trans_w, int64_t rows, int64_t n, int64_t k,
                       const float* A, int64_t lda, const float* W, int64_t ldw, float beta,
                       float* C, int64_t ldc) {
  if (rows == 0 || n == 0) return;
  sgemm(pool, false, trans_w, rows, n, k, 1.0f, A, lda, W, ldw, beta, C, ldc);
}

// True when row b takes a real step (no mask, or a non-zero mask value).
inline bool live(const float* mask, int64_t b) { return mask == nullptr || mask[b] != 0.0f; }

// Runs fn(b0, b1) over batch rows [0, B), split across the pool when the work is large enough
// to pay for the hand-off.
template <typename Fn>
inline void for_rows(ThreadPool& pool, int64_t B, int64_t H, Fn&& fn) {
  const int64_t grain = std::max<int64_t>(1, 4096 / std::max<int64_t>(H, 1));
  pool.parallel_for(B, grain, [&](int64_t b0, int64_t b1) { fn(b0, b1); });
}

}  // namespace neurite::gates
