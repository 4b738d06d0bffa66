// Softmax family (see softmax.h). Forward row sums: float lanes gathered into double (see
// vec_exp_sum in vec_math.h); backward row sums in double (lane_sum), like the JS reference.
#include "softmax.h"
#include "lane_sum.h"
#include "simd_loop.h"
#include "vec_math.h"

#include <algorithm>
#include <cmath>

namespace neurite {
namespace {

int64_t row_grain(int64_t cols) { return std::max<int64_t>(1, (1 << 14) / std::max<int64_t>(cols, 1)); }

constexpr int kLanes = 8;

// sum_j a[j] * b[j] in double over kLanes lanes (lane_sum's order).
double lane_dot(const float* a, const float* b, int64_t cols) {
  double acc[kLanes] = {0};
  int64_t j = 0;
  for (; j + kLanes <= cols; j += kLanes)
    for (int k = 0; k < kLanes; ++k) acc[k] += static_cast<double>(a[j + k]) * b[j + k];
  for (; j < cols; ++j) acc[j % kLanes] += static_cast<double>(a[j]) * b[j];
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
      // Two passes over x (the maximum, then e^(x - max) with its sum) and one over y in
      // cache (the scale).
      const bool more = r + 1 < end;
      const double sum = vec_exp_sum(xr, vec_max(xr, cols), yr, cols, more ? xr + cols : nullptr,
                                     more ? yr + cols : nullptr);
      vec_scale(yr, static_cast<float>(1.0 / sum), cols);
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
      const float m = vec_max(xr, cols);
      // y is used as scratch for the exponentials, then overwritten.
      const bool more = r + 1 < end;
      const double sum = vec_exp_sum(xr, m, yr, cols, more ? xr + cols : nullptr,
                                     more ? yr + cols : nullptr);
      // (x - m) - log(sum) rather than x - (m + log(sum)): for large logits m + log(sum)
      // would round away the small part.
      const float log_sum = static_cast<float>(std::log(sum));
      simd_loop(0, cols, [xr, yr, m, log_sum](int64_t j) { yr[j] = (xr[j] - m) - log_sum; });
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
      const float s = static_cast<float>(lane_sum(gr, cols));
      simd_loop(0, cols, [yr, gr, dr, s](int64_t j) { dr[j] += gr[j] - exp_f(yr[j]) * s; });
    }
  });
}

}  // namespace neurite
