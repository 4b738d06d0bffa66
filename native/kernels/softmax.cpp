// Softmax family (see softmax.h). Row sums accumulate in double, like the JS reference.
#include "softmax.h"

#include <algorithm>
#include <cmath>

namespace neurite {
namespace {

int64_t row_grain(int64_t cols) { return std::max<int64_t>(1, (1 << 14) / std::max<int64_t>(cols, 1)); }

float row_max(const float* x, int64_t cols) {
  float m = -INFINITY;
  for (int64_t j = 0; j < cols; ++j) {
    if (x[j] != x[j]) return x[j];  // NaN in, NaN out
    m = std::max(m, x[j]);
  }
  return m;
}

}  // namespace

void softmax_forward(ThreadPool& pool, const float* x, float* y, int64_t rows,
                     int64_t cols) noexcept {
  if (rows == 0 || cols == 0) return;
  pool.parallel_for(rows, row_grain(cols), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const float* xr = x + r * cols;
      float* yr = y + r * cols;
      const float m = row_max(xr, cols);
      double sum = 0.0;
      for (int64_t j = 0; j < cols; ++j) {
        yr[j] = std::exp(xr[j] - m);
        sum += yr[j];
      }
      const float inv = static_cast<float>(1.0 / sum);
      for (int64_t j = 0; j < cols; ++j) yr[j] *= inv;
    }
  });
}

void softmax_backward(ThreadPool& pool, const float* y, const float* dout, float* dx,
                      int64_t rows, int64_t cols) noexcept {
  if (rows == 0 || cols == 0) return;
  pool.parallel_for(rows, row_grain(cols), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const float* yr = y + r * cols;
      const float* gr = dout + r * cols;
      float* dr = dx + r * cols;
      double dot = 0.0;
      for (int64_t j = 0; j < cols; ++j) dot += static_cast<double>(gr[j]) * yr[j];
      const float d = static_cast<float>(dot);
      for (int64_t j = 0; j < cols; ++j) dr[j] += yr[j] * (gr[j] - d);
    }
  });
}

void log_softmax_forward(ThreadPool& pool, const float* x, float* y, int64_t rows,
                         int64_t cols) noexcept {
  if (rows == 0 || cols == 0) return;
  pool.parallel_for(rows, row_grain(cols), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const float* xr = x + r * cols;
      float* yr = y + r * cols;
      const float m = row_max(xr, cols);
      double sum = 0.0;
      for (int64_t j = 0; j < cols; ++j) sum += std::exp(static_cast<double>(xr[j] - m));
      // (x - m) - log(sum) rather than x - (m + log(sum)): for large logits m + log(sum)
      // would round away the small part.
      const float log_sum = static_cast<float>(std::log(sum));
      for (int64_t j = 0; j < cols; ++j) yr[j] = (xr[j] - m) - log_sum;
    }
  });
}

void log_softmax_backward(ThreadPool& pool, const float* y, const float* dout, float* dx,
                          int64_t rows, int64_t cols) noexcept {
  if (rows == 0 || cols == 0) return;
  pool.parallel_for(rows, row_grain(cols), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const float* yr = y + r * cols;
      const float* gr = dout + r * cols;
      float* dr = dx + r * cols;
      double sum = 0.0;
      for (int64_t j = 0; j < cols; ++j) sum += gr[j];
      const float s = static_cast<float>(sum);
      for (int64_t j = 0; j < cols; ++j) dr[j] += gr[j] - std::exp(yr[j]) * s;
    }
  });
}

}  // namespace neurite
