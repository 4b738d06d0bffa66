// Optimizer kernels (see optim.h). Elementwise updates split over the pool; each element's
// arithmetic is in float, in the order PyTorch's formulas write it, and bias corrections are
// computed once per call in double.
#include "optim.h"

#include <algorithm>
#include <cmath>

#include "simd_loop.h"

#if NEURITE_SIMD_CLONES
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace neurite {
namespace {

constexpr int64_t kGrain = 1 << 14;

// Adam's constants for one call, as the update loops take them.
struct AdamConstants {
  float l2, decay, beta1, beta2, one_b1, one_b2, bc2_sqrt, eps, step_size;
};

#if NEURITE_SIMD_CLONES
// GCC 12's AVX-512 headers trip -Wmaybe-uninitialized (their _mm512_undefined_ps).
#pragma GCC diagnostic push
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
// adam_step's SSE2 loop 16 lanes wide on AVX-512, for elements [i, end) in whole vectors;
// returns where it stopped. The same operations in the same order, never fused (sqrt and
// division are correctly rounded at every width), so the bits match the 4-lane and scalar
// loops. Four lanes were bound by the divider and the square root: 2.5% of a CIFAR CNN step
// at one thread, for a memory-bound update.
__attribute__((target("avx512f"))) NEURITE_NO_CONTRACT int64_t adam_avx512(
    const AdamConstants& k, float* param, const float* grad, float* exp_avg, float* exp_avg_sq,
    int64_t i, int64_t end) {
  const __m512 vl2 = _mm512_set1_ps(k.l2), vdecay = _mm512_set1_ps(k.decay),
               vb1 = _mm512_set1_ps(k.beta1), vb2 = _mm512_set1_ps(k.beta2),
               v1b1 = _mm512_set1_ps(k.one_b1), v1b2 = _mm512_set1_ps(k.one_b2),
               vbc2 = _mm512_set1_ps(k.bc2_sqrt), veps = _mm512_set1_ps(k.eps),
               vstep = _mm512_set1_ps(k.step_size);
  for (; i + 16 <= end; i += 16) {
    __m512 p = _mm512_loadu_ps(param + i);
    const __m512 g = _mm512_add_ps(_mm512_loadu_ps(grad + i), _mm512_mul_ps(vl2, p));
    p = _mm512_mul_ps(p, vdecay);
    const __m512 m =
        _mm512_add_ps(_mm512_mul_ps(vb1, _mm512_loadu_ps(exp_avg + i)), _mm512_mul_ps(v1b1, g));
    const __m512 v = _mm512_add_ps(_mm512_mul_ps(vb2, _mm512_loadu_ps(exp_avg_sq + i)),
                                   _mm512_mul_ps(_mm512_mul_ps(v1b2, g), g));
    _mm512_storeu_ps(exp_avg + i, m);
    _mm512_storeu_ps(exp_avg_sq + i, v);
    const __m512 denom = _mm512_add_ps(_mm512_div_ps(_mm512_sqrt_ps(v), vbc2), veps);
    _mm512_storeu_ps(param + i, _mm512_sub_ps(p, _mm512_mul_ps(vstep, _mm512_div_ps(m, denom))));
  }
  return i;
}
#pragma GCC diagnostic pop
#endif

template <typename F>
void each(ThreadPool& pool, int64_t n, F f) {
  pool.parallel_for(n, kGrain, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) f(i);
  });
}

}  // namespace

void sgd_step(ThreadPool& pool, float* param, const float* grad, float* buf, int64_t n,
              float lr, float momentum, float dampening, float weight_decay, bool nesterov,
              bool first_step) noexcept {
  each(pool, n, [&](int64_t i) {
    float g = grad[i] + weight_decay * param[i];
    if (momentum != 0.0f) {
      buf[i] = first_step ? g : momentum * buf[i] + (1.0f - dampening) * g;
      g = nesterov ? g + momentum * buf[i] : buf[i];
    }
    param[i] -= lr * g;
  });
}

void adam_step(ThreadPool& pool, float* param, const float* grad, float* exp_avg,
               float* exp_avg_sq, int64_t n, float lr, float beta1, float beta2, float eps,
               float weight_decay, int64_t step, bool decoupled) noexcept {
  const double bc1 = 1.0 - std::pow(static_cast<double>(beta1), static_cast<double>(step));
  const double bc2 = 1.0 - std::pow(static_cast<double>(beta2), static_cast<double>(step));
  const float step_size = static_cast<float>(lr / bc1);
  const float bc2_sqrt = static_cast<float>(std::sqrt(bc2));
  const float decay = decoupled ? 1.0f - lr * weight_decay : 1.0f;
  const float l2 = decoupled ? 0.0f : weight_decay;
  const float one_b1 = 1.0f - beta1, one_b2 = 1.0f - beta2;
  // The same operations in the same order four lanes at a time (SSE2 is in every x86-64
  // CPU; sqrt and division are correctly rounded in both), so the results are bit-identical
  // to the scalar loop. The scalar sqrt keeps errno semantics and never vectorizes.
  const AdamConstants k{l2, decay, beta1, beta2, one_b1, one_b2, bc2_sqrt, eps, step_size};
  pool.parallel_for(n, kGrain, [&](int64_t begin, int64_t end) {
    int64_t i = begin;
#if NEURITE_SIMD_CLONES
    if (active_isa() == Isa::avx512) i = adam_avx512(k, param, grad, exp_avg, exp_avg_sq, i, end);
#endif
#if defined(__SSE2__)
    const __m128 vl2 = _mm_set1_ps(l2), vdecay = _mm_set1_ps(decay), vb1 = _mm_set1_ps(beta1),
                 vb2 = _mm_set1_ps(beta2), v1b1 = _mm_set1_ps(one_b1), v1b2 = _mm_set1_ps(one_b2),
                 vbc2 = _mm_set1_ps(bc2_sqrt), veps = _mm_set1_ps(eps), vstep = _mm_set1_ps(step_size);
    for (; i + 4 <= end; i += 4) {
      __m128 p = _mm_loadu_ps(param + i);
      const __m128 g = _mm_add_ps(_mm_loadu_ps(grad + i), _mm_mul_ps(vl2, p));
      p = _mm_mul_ps(p, vdecay);
      const __m128 m = _mm_add_ps(_mm_mul_ps(vb1, _mm_loadu_ps(exp_avg + i)), _mm_mul_ps(v1b1, g));
      const __m128 v = _mm_add_ps(_mm_mul_ps(vb2, _mm_loadu_ps(exp_avg_sq + i)), _mm_mul_ps(_mm_mul_ps(v1b2, g), g));
      _mm_storeu_ps(exp_avg + i, m);
      _mm_storeu_ps(exp_avg_sq + i, v);
      const __m128 denom = _mm_add_ps(_mm_div_ps(_mm_sqrt_ps(v), vbc2), veps);
      _mm_storeu_ps(param + i, _mm_sub_ps(p, _mm_mul_ps(vstep, _mm_div_ps(m, denom))));
    }
#endif
    for (; i < end; ++i) {
      const float g = grad[i] + l2 * param[i];
      param[i] *= decay;
      exp_avg[i] = beta1 * exp_avg[i] + one_b1 * g;
      exp_avg_sq[i] = beta2 * exp_avg_sq[i] + one_b2 * g * g;
      const float denom = std::sqrt(exp_avg_sq[i]) / bc2_sqrt + eps;
      param[i] -= step_size * (exp_avg[i] / denom);
    }
  });
}

void rmsprop_step(ThreadPool& pool, float* param, const float* grad, float* square_avg,
                  float* buf, int64_t n, float lr, float alpha, float eps, float weight_decay,
                  float momentum) noexcept {
  each(pool, n, [&](int64_t i) {
    const float g = grad[i] + weight_decay * param[i];
    square_avg[i] = alpha * square_avg[i] + (1.0f - alpha) * g * g;
    const float avg = std::sqrt(square_avg[i]) + eps;
    if (momentum > 0.0f) {
      buf[i] = momentum * buf[i] + g / avg;
      param[i] -= lr * buf[i];
    } else {
      param[i] -= lr * (g / avg);
    }
  });
}

void penalty_grad(ThreadPool& pool, const float* param, float* grad, int64_t n, float l1,
                  float l2) noexcept {
  each(pool, n, [&](int64_t i) {
    const float p = param[i];
    const float sign = p > 0.0f ? 1.0f : (p < 0.0f ? -1.0f : 0.0f);
    grad[i] += l1 * sign + 2.0f * l2 * p;
  });
}

void max_norm_rows(ThreadPool& pool, float* weight, int64_t rows, int64_t cols,
                   float max_norm) noexcept {
  const int64_t grain = std::max<int64_t>(1, kGrain / std::max<int64_t>(cols, 1));
  pool.parallel_for(rows, grain, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      float* w = weight + r * cols;
      double sq = 0.0;
      for (int64_t j = 0; j < cols; ++j) sq += static_cast<double>(w[j]) * w[j];
      const double norm = std::sqrt(sq);
      if (!(norm > max_norm)) continue;
      const float s = static_cast<float>(max_norm / (norm + 1e-7));
      for (int64_t j = 0; j < cols; ++j) w[j] *= s;
    }
  });
}

void clip_value(ThreadPool& pool, float* x, int64_t n, float lo, float hi) noexcept {
  each(pool, n, [&](int64_t i) {
    const float v = x[i];
    x[i] = v < lo ? lo : (v > hi ? hi : v);
  });
}

void sum_squares(const float* x, int64_t n, float* out) noexcept {
  double s = 0.0;
  for (int64_t i = 0; i < n; ++i) s += static_cast<double>(x[i]) * x[i];
  out[0] = static_cast<float>(s);
}

}  // namespace neurite
