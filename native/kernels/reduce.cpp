// Axis reductions (see reduce.h). Sums accumulate in double: a mean over a 60k-sample axis
// keeps float precision, and the cost is hidden behind memory traffic.
#include "reduce.h"

#include <algorithm>
#include <vector>

#include "lane_sum.h"

namespace neurite {
namespace {

// Contiguous sums (inner == 1) are cut into blocks of this many elements at fixed positions;
// block sums are added in block order, so the result is the same for any thread count.
constexpr int64_t kBlock = 1 << 14;

void sum_rows(ThreadPool& pool, const float* x, float* out, int64_t outer, int64_t n,
              float scale) {
  const int64_t blocks = (n + kBlock - 1) / kBlock;
  if (blocks <= 1) {
    const int64_t grain = std::max<int64_t>(1, kBlock / std::max<int64_t>(n, 1));
    pool.parallel_for(outer, grain, [&](int64_t begin, int64_t end) {
      for (int64_t o = begin; o < end; ++o)
        out[o] = static_cast<float>(lane_sum(x + o * n, n) * scale);
    });
    return;
  }
  std::vector<double> partial(static_cast<size_t>(outer * blocks));
  pool.parallel_for(outer * blocks, 2, [&](int64_t begin, int64_t end) {
    for (int64_t u = begin; u < end; ++u) {
      const int64_t o = u / blocks, k = u % blocks;
      const int64_t j0 = k * kBlock, len = std::min(kBlock, n - j0);
      partial[static_cast<size_t>(u)] = lane_sum(x + o * n + j0, len);
    }
  });
  for (int64_t o = 0; o < outer; ++o) {
    double s = 0.0;
    for (int64_t k = 0; k < blocks; ++k) s += partial[static_cast<size_t>(o * blocks + k)];
    out[o] = static_cast<float>(s * scale);
  }
}

// A few slices (a sum over axis 0 of a matrix is one) with a long axis: the axis goes in
// blocks of rows at fixed positions (kAxisBlock rows, more when that would make over
// kMaxAxisBlocks), each summed into its own partial row, so that the threads share even one
// slice; the partials are added in block order. Chosen by shape only, so the result does not
// depend on the thread count.
constexpr int64_t kFewSlices = 8;
constexpr int64_t kAxisBlock = 256;
constexpr int64_t kMaxAxisBlocks = 64;

void sum_axis_blocks(ThreadPool& pool, const float* x, float* out, int64_t outer, int64_t n,
                     int64_t inner, float scale) {
  const int64_t rows = std::max(kAxisBlock, (n + kMaxAxisBlocks - 1) / kMaxAxisBlocks);
  const int64_t blocks = (n + rows - 1) / rows;
  std::vector<double> partial(static_cast<size_t>(outer * blocks * inner));
  pool.parallel_for(outer * blocks, 1, [&](int64_t begin, int64_t end) {
    for (int64_t u = begin; u < end; ++u) {
      const int64_t o = u / blocks, j0 = u % blocks * rows, j1 = std::min(n, j0 + rows);
      double* acc = partial.data() + u * inner;
      for (int64_t j = j0; j < j1; ++j) {
        const float* row = x + (o * n + j) * inner;
        for (int64_t i = 0; i < inner; ++i) acc[i] += row[i];
      }
    }
  });
  pool.parallel_for(outer * inner, 4096, [&](int64_t begin, int64_t end) {
    for (int64_t c = begin; c < end; ++c) {
      const int64_t o = c / inner, i = c % inner;
      double s = 0.0;
      for (int64_t k = 0; k < blocks; ++k) {
        s += partial[static_cast<size_t>((o * blocks + k) * inner + i)];
      }
      out[c] = static_cast<float>(s * scale);
    }
  });
}

}  // namespace

void reduce_sum_forward(ThreadPool& pool, const float* x, float* out, int64_t outer, int64_t n,
                        int64_t inner, float scale) noexcept {
  if (outer == 0 || inner == 0) return;  // nothing to write (n may be 0: the sums are 0)
  if (inner == 1) return sum_rows(pool, x, out, outer, n, scale);
  if (outer < kFewSlices && n > kAxisBlock) {
    return sum_axis_blocks(pool, x, out, outer, n, inner, scale);
  }
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
