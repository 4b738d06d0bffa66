// Row-wise softmax and log-softmax over (rows, cols), row-major, numerically stable
// (the row max is subtracted before exp).
#pragma once

#include <cstdint>

#include "../common/thread_pool.h"

namespace neurite {

void softmax_forward(ThreadPool& pool, const float* x, float* y, int64_t rows,
                     int64_t cols) noexcept;
// dx += y * (dout - sum(dout * y)), per row.
void softmax_backward(ThreadPool& pool, const float* y, const float* dout, float* dx,
                      int64_t rows, int64_t cols) noexcept;

void log_softmax_forward(ThreadPool& pool, const float* x, float* y, int64_t rows,
                         int64_t cols) noexcept;
// y is the log-softmax output: dx += dout - exp(y) * sum(dout), per row.
void log_softmax_backward(ThreadPool& pool, const float* y, const float* dout, float* dx,
                          int64_t rows, int64_t cols) noexcept;

}  // namespace neurite
