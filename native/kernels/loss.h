// Loss kernels: each loss is one fused forward (the reduced scalar) and one fused backward
// (the gradient with respect to the prediction). Plain C++ on raw pointers; the binding checks
// sizes and target indices before calling. Backward kernels accumulate into dy with +=.
//
// Shapes: pointwise losses take a prediction y and a target t of n elements each.
// Class losses take scores y as (N, C) row-major and t as N class indices stored as floats
// (integer values in [0, C)).
//
// Reduction is a scale factor: 1 for sum, 1/n (or 1/N) for mean. Backward takes
// scale * dout, so the caller folds the upstream gradient into it.
#pragma once

#include <cstdint>

#include "../common/thread_pool.h"

namespace neurite {

enum class PointwiseLoss : int32_t {
  Hinge = 0,                         // max(0, 1 - y t), t in {-1, +1}
  SquaredHinge = 1,                  // max(0, 1 - y t)^2
  BinaryCrossEntropy = 2,            // -(t log y + (1 - t) log(1 - y)), logs clamped at -100
  BinaryCrossEntropyWithLogits = 3,  // the same on sigmoid(y), computed stably from y
  Mse = 4,                           // (y - t)^2
  L1 = 5,                            // |y - t|
  PseudoHuber = 6,                   // delta^2 (sqrt(1 + ((y - t) / delta)^2) - 1)
};
constexpr int32_t kPointwiseLossCount = 7;

enum class ClassLoss : int32_t {
  MultiMargin = 0,         // sum_{j != t} max(0, 1 - (y_t - y_j))
  SquaredMultiMargin = 1,  // sum_{j != t} max(0, 1 - (y_t - y_j))^2
  CrossEntropy = 2,        // -log softmax(y)_t, from logits (max subtracted)
};
constexpr int32_t kClassLossCount = 3;

// out[0] = scale * sum_i loss(y[i], t[i]); param is delta for PseudoHuber (ignored otherwise).
void pointwise_loss_forward(PointwiseLoss kind, const float* y, const float* t, float* out,
                            int64_t n, float param, float scale) noexcept;
// dy[i] += scale * d loss(y[i], t[i]) / d y[i].
void pointwise_loss_backward(ThreadPool& pool, PointwiseLoss kind, const float* y,
                             const float* t, float* dy, int64_t n, float param,
                             float scale) noexcept;

// y is (N, C), t is (N): out[0] = scale * sum_r loss(y[r, :], t[r]).
void class_loss_forward(ClassLoss kind, const float* y, const float* t, float* out, int64_t N,
                        int64_t C, float scale) noexcept;
// dy[r, j] += scale * d loss(y[r, :], t[r]) / d y[r, j].
void class_loss_backward(ThreadPool& pool, ClassLoss kind, const float* y, const float* t,
                         float* dy, int64_t N, int64_t C, float scale) noexcept;

}  // namespace neurite
