// Axis reductions (see reduce.h). Sums accumulate in double: a mean over a 60k-sample axis
// keeps float precision, and the cost is hidden behind memory traffic.
#include "reduce.h"

#include <algorithm>
#include <vector>

namespace neurite {

void reduce_sum_forward(ThreadPool& pool, const float* x, float* out, int64_t outer, int64_t n,
                        int64_t inner, float scale) noexcept {
  if (outer == 0 || inner == 0) return;  // nothing to write (n may be 0: the sums are 0)
  const int64_t grain = std::max<int64_t>(1, (1 << 15) / std::max<int64_t>(n * inner, 1));
  pool.parallel_for(outer, grain, [&](int64_t begin, int64_t end) {
    std::vector<double> acc(static_cast<size_t>(inner));
    for (int64_t o = begin; o < end; ++o) {
      std::fill(acc.begin(), acc.end(), 0.0);
      const float* xo = x + o * n * inner;
      for (int64_t j = 0; j < n; ++j) {
        const float* row = xo + j * inner;
        for (int64_t i = 0; i < inner; ++i) acc[i] += row[i];
      }
      float* oo = out + o * inner;
      for (int64_t i = 0; i < inner; ++i) oo[i] = static_cast<float>(acc[i] * scale);
    }
  });
}

void reduce_sum_backward(ThreadPool& pool, const float* dout, float* dx, int64_t outer,
                         int64_t n, int64_t inner, float scale) noexcept {
  if (outer == 0 || n == 0 || inner == 0) return;
  const int64_t grain = std::max<int64_t>(1, (1 << 15) / std::max<int64_t>(n * inner, 1));
  pool.parallel_for(outer, grain, [&](int64_t begin, int64_t end) {
    for (int64_t o = begin; o < end; ++o) {
      const float* g = dout + o * inner;
      float* xo = dx + o * n * inner;
      for (int64_t j = 0; j < n; ++j) {
        float* row = xo + j * inner;
        for (int64_t i = 0; i < inner; ++i) row[i] += scale * g[i];
      }
    }
  });
}

}  // namespace neurite
