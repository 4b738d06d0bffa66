// Optimizer kernels: one fused in-place update per parameter tensor, after PyTorch's
// single-tensor update formulas (torch/optim/sgd.py, adam.py, adamw.py, rmsprop.py), plus
// the helpers regularization needs (penalty gradients, max-norm, clipping, sums of squares).
// Plain C++ on raw pointers; the binding checks sizes. The gradient is read, never written,
// except by clip_value, whose job is to clamp it.
#pragma once

#include <cstdint>

#include "../common/thread_pool.h"

namespace neurite {

// PyTorch SGD. g = grad + weight_decay * param; with momentum: buf = g on the first step,
// else buf = momentum * buf + (1 - dampening) * g; g = nesterov ? g + momentum * buf : buf.
// param -= lr * g. `buf` is unused (may be null) when momentum is 0.
void sgd_step(ThreadPool& pool, float* param, const float* grad, float* buf, int64_t n,
              float lr, float momentum, float dampening, float weight_decay, bool nesterov,
              bool first_step) noexcept;

// PyTorch Adam (decoupled = false: g = grad + weight_decay * param) and AdamW (decoupled =
// true: param *= 1 - lr * weight_decay). m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
// param -= lr / (1 - b1^step) * m / (sqrt(v) / sqrt(1 - b2^step) + eps). step counts from 1.
void adam_step(ThreadPool& pool, float* param, const float* grad, float* exp_avg,
               float* exp_avg_sq, int64_t n, float lr, float beta1, float beta2, float eps,
               float weight_decay, int64_t step, bool decoupled) noexcept;

// PyTorch RMSprop (not centered). g = grad + weight_decay * param;
// sq = alpha sq + (1 - alpha) g^2; with momentum: buf = momentum buf + g / (sqrt(sq) + eps),
// param -= lr buf; else param -= lr g / (sqrt(sq) + eps). `buf` may be null when momentum is 0.
void rmsprop_step(ThreadPool& pool, float* param, const float* grad, float* square_avg,
                  float* buf, int64_t n, float lr, float alpha, float eps, float weight_decay,
                  float momentum) noexcept;

// Gradient of the penalty l1 * sum|p| + l2 * sum p^2: grad += l1 sign(p) + 2 l2 p.
void penalty_grad(ThreadPool& pool, const float* param, float* grad, int64_t n, float l1,
                  float l2) noexcept;

// weight is (rows, cols): each row (one neuron's incoming weights) with norm > max_norm is
// scaled by max_norm / (norm + 1e-7), as torch.renorm does.
void max_norm_rows(ThreadPool& pool, float* weight, int64_t rows, int64_t cols,
                   float max_norm) noexcept;

// x = min(max(x, lo), hi), NaN kept.
void clip_value(ThreadPool& pool, float* x, int64_t n, float lo, float hi) noexcept;

// out[0] = sum of x^2, accumulated in double in index order.
void sum_squares(const float* x, int64_t n, float* out) noexcept;

}  // namespace neurite
