// Optimizer kernels (see optim.h). Elementwise updates split over the pool; each element's
// arithmetic is in float, in the order PyTorch's formulas write it, and bias corrections are
// computed once per call in double.
#include "optim.h"

#include <algorithm>
#include <cmath>

namespace neurite {
namespace {

constexpr int64_t kGrain = 1 << 14;

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
  each(pool, n, [&](int64_t i) {
    const float g = grad[i] + l2 * param[i];
    param[i] *= decay;
    exp_avg[i] = beta1 * exp_avg[i] + (1.0f - beta1) * g;
    exp_avg_sq[i] = beta2 * exp_avg_sq[i] + (1.0f - beta2) * g * g;
    const float denom = std::sqrt(exp_avg_sq[i]) / bc2_sqrt + eps;
    param[i] -= step_size * (exp_avg[i] / denom);
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
