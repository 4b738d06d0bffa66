// Softmax family (see softmax.h). Row sums accumulate in double, like the JS reference.
#include "softmax.h"
#include "simd_loop.h"
#include "vec_math.h"

#include <algorithm>
#include <cmath>

namespace neurite {
namespace {

int64_t row_grain(int64_t cols) { return std::max<int64_t>(1, (1 << 14) / std::max<int64_t>(cols, 1)); }

constexpr int kLanes = 8;

// Row maximum; NaN if the row holds one. Lane-wise so it vectorizes: NaN compares false and is
// skipped by the max, and is tracked separately.
float row_max(const float* x, int64_t cols) {
  float m[kLanes];
  int nan[kLanes] = {0};
  for (int k = 0; k < kLanes; ++k) m[k] = -INFINITY;
  int64_t j = 0;
  for (; j + kLanes <= cols; j += kLanes) {
    for (int k = 0; k < kLanes; ++k) {
      const float v = x[j + k];
      m[k] = v > m[k] ? v : m[k];
      nan[k] |= v != v;
    }
  }
  float best = -INFINITY;
  int any_nan = 0;
  for (; j < cols; ++j) {
    best = x[j] > best ? x[j] : best;
    any_nan |= x[j] != x[j];
  }
  for (int k = 0; k < kLanes; ++k) {
    best = m[k] > best ? m[k] : best;
    any_nan |= nan[k];
  }
  return any_nan ? NAN : best;
}

// y[j] = exp(x[j] - m), returning sum_j y[j] accumulated in double over kLanes lanes.
double exp_shifted(const float* x, float m, float* y, int64_t cols) {
  simd_loop(0, cols, [x, m, y](int64_t j) { y[j] = exp_f(x[j] - m); });
  double acc[kLanes] = {0};
  int64_t j = 0;
  for (; j + kLanes <= cols; j += kLanes)
    for (int k = 0; k < kLanes; ++k) acc[k] += y[j + k];
  for (; j < cols; ++j) acc[0] += y[j];
  double s = 0.0;
  for (int k = 0; k < kLanes; ++k) s += acc[k];
  return s;
}

// sum_j a[j] * b[j] (b may be null: sum_j a[j]) in double over kLanes lanes.
double lane_dot(const float* a, const float* b, int64_t cols) {
  double acc[kLanes] = {0};
  int64_t j = 0;
  if (b) {
    for (; j + kLanes <= cols; j += kLanes)
      for (int k = 0; k < kLanes; ++k) acc[k] += static_cast<double>(a[j + k]) * b[j + k];
    for (; j < cols; ++j) acc[0] += static_cast<double>(a[j]) * b[j];
  } else {
    for (; j + kLanes <= cols; j += kLanes)
      for (int k = 0; k < kLanes; ++k) acc[k] += a[j + k];
    for (; j < cols; ++j) acc[0] += a[j];
  }
  double s = 0.0;
  for (int k = 0; k < kLanes; ++k) s += acc[k];
  return s;
}

}  // namespace

void softmax_forward(ThreadPool& pool, const float* x, float* y, int64_t rows,
                     int64_t cols) noexcept {
  if (rows == 0 || cols == 0) return;
  pool.parallel_for(rows, row_grain(cols), [x, y, cols](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const float* xr = x + r * cols;
      float* yr = y + r * cols;
      const double sum = exp_shifted(xr, row_max(xr, cols), yr, cols);
      const float inv = static_cast<float>(1.0 / sum);
      for (int64_t j = 0; j < cols; ++j) yr[j] *= inv;
    }
  });
}

void softmax_backward(ThreadPool& pool, const float* y, const float* dout, float* dx,
                      int64_t rows, int64_t cols) noexcept {
  if (rows == 0 || cols == 0) return;
  pool.parallel_for(rows, row_grain(cols), [y, dout, dx, cols](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const float* yr = y + r * cols;
      const float* gr = dout + r * cols;
      float* dr = dx + r * cols;
      const float d = static_cast<float>(lane_dot(gr, yr, cols));
      for (int64_t j = 0; j < cols; ++j) dr[j] += yr[j] * (gr[j] - d);
    }
  });
}

void log_softmax_forward(ThreadPool& pool, const float* x, float* y, int64_t rows,
                         int64_t cols) noexcept {
  if (rows == 0 || cols == 0) return;
  pool.parallel_for(rows, row_grain(cols), [x, y, cols](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const float* xr = x + r * cols;
      float* yr = y + r * cols;
      const float m = row_max(xr, cols);
      // y is used as scratch for the exponentials, then overwritten.
      const double sum = exp_shifted(xr, m, yr, cols);
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
  pool.parallel_for(rows, row_grain(cols), [y, dout, dx, cols](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const float* yr = y + r * cols;
      const float* gr = dout + r * cols;
      float* dr = dx + r * cols;
      const float s = static_cast<float>(lane_dot(gr, nullptr, cols));
      simd_loop(0, cols, [yr, gr, dr, s](int64_t j) { dr[j] += gr[j] - exp_f(yr[j]) * s; });
    }
  });
}

}  // namespace neurite
