// Elementwise kernels (see elementwise.h). Written as simple loops the compiler vectorizes at
// the baseline ISA; large arrays are split over the thread pool.
#include "elementwise.h"
#include "lane_sum.h"
#include "simd_loop.h"
#include "vec_math.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace neurite {
namespace {

// Below this many elements a parallel split costs more than it saves.
constexpr int64_t kParallelGrain = 1 << 15;

inline float apply_binary(BinaryOp op, float a, float b) {
  switch (op) {
    case BinaryOp::Add: return a + b;
    case BinaryOp::Sub: return a - b;
    case BinaryOp::Mul: return a * b;
    case BinaryOp::Div: return a / b;
    // As JS Math.max/min: NaN if either is NaN, and +0 > -0.
    case BinaryOp::Max:
      if (a != a || b != b) return NAN;
      if (a != b) return a > b ? a : b;
      return std::signbit(a) ? b : a;
    case BinaryOp::Min:
      if (a != a || b != b) return NAN;
      if (a != b) return a < b ? a : b;
      return std::signbit(a) ? a : b;
  }
  return 0.0f;
}

// out[i] = f(x[i]) over [0, n), split over the pool above kParallelGrain elements, each chunk
// in a simd_loop (the widest vector ISA available). Pointers and f (with any scalar it holds)
// are captured by value: a float captured by reference could alias out[i], which would stop
// the loop from vectorizing.
template <typename F>
void map_unary(ThreadPool& pool, const float* x, float* out, int64_t n, F f) {
  pool.parallel_for(n, kParallelGrain, [x, out, f](int64_t begin, int64_t end) {
    simd_loop(begin, end, [x, out, f](int64_t i) { out[i] = f(x[i]); });
  });
}

// out[i] = f(x[i]) for the vec_math.h functions, with the same splitting as map_unary: each
// chunk runs the explicit SIMD loop of the active ISA (elementwise results do not depend on
// where a chunk starts, so any thread count gives the same bits).
void map_vec(ThreadPool& pool, VecFn f, const float* x, float* out, int64_t n) {
  pool.parallel_for(n, kParallelGrain, [f, x, out](int64_t begin, int64_t end) {
    vec_map(f, x + begin, out + begin, end - begin);
  });
}

// dx[i] += g(x[i], y[i], dout[i]) over [0, n), or dx[i] = 0 + g(...) (what adding into zeros
// gives, -0 included) without reading dx; same splitting as map_unary.
template <typename G>
void map_backward(ThreadPool& pool, const float* x, const float* y, const float* dout, float* dx,
                  int64_t n, bool accumulate, G g) {
  if (!accumulate) {
    pool.parallel_for(n, kParallelGrain, [x, y, dout, dx, g](int64_t begin, int64_t end) {
      simd_loop(begin, end,
                [x, y, dout, dx, g](int64_t i) { dx[i] = 0.0f + g(x[i], y[i], dout[i]); });
    });
    return;
  }
  pool.parallel_for(n, kParallelGrain, [x, y, dout, dx, g](int64_t begin, int64_t end) {
    simd_loop(begin, end, [x, y, dout, dx, g](int64_t i) { dx[i] += g(x[i], y[i], dout[i]); });
  });
}

// One output row segment: out[j] = a[j * ai] op b[j * bi] for j < len. The common stride
// patterns (both contiguous, one operand a broadcast scalar) get loops the compiler
// vectorizes; anything else takes the strided loop.
template <BinaryOp OP>
void binary_row(const float* a, int64_t ai, const float* b, int64_t bi, float* o, int64_t len) {
  if (ai == 1 && bi == 1) {
    for (int64_t j = 0; j < len; ++j) o[j] = apply_binary(OP, a[j], b[j]);
  } else if (ai == 1 && bi == 0) {
    const float bv = b[0];
    for (int64_t j = 0; j < len; ++j) o[j] = apply_binary(OP, a[j], bv);
  } else if (ai == 0 && bi == 1) {
    const float av = a[0];
    for (int64_t j = 0; j < len; ++j) o[j] = apply_binary(OP, av, b[j]);
  } else {
    for (int64_t j = 0; j < len; ++j) o[j] = apply_binary(OP, a[j * ai], b[j * bi]);
  }
}

// The general case: the output (contiguous) as rows of the last dim, each row cut into
// `parts` segments so that a few long rows still spread over the pool. Work units
// [unit_begin, unit_end) are (row, part) pairs in row-major order; an odometer over the outer
// dims follows the row.
template <BinaryOp OP>
void binary_strided(const float* a, const int64_t* as, const float* b, const int64_t* bs,
                    float* out, const int64_t* shape, int rank, int64_t parts,
                    int64_t unit_begin, int64_t unit_end) {
  const int64_t inner = shape[rank - 1];
  const int64_t ai = as[rank - 1], bi = bs[rank - 1];
  int64_t idx[kMaxRank] = {0};
  int64_t row = unit_begin / parts, part = unit_begin % parts;
  int64_t r = row;
  for (int d = rank - 2; d >= 0; --d) {
    idx[d] = r % shape[d];
    r /= shape[d];
  }
  for (int64_t u = unit_begin; u < unit_end; ++u) {
    int64_t ao = 0, bo = 0;
    for (int d = 0; d < rank - 1; ++d) {
      ao += idx[d] * as[d];
      bo += idx[d] * bs[d];
    }
    const int64_t j0 = inner * part / parts, j1 = inner * (part + 1) / parts;
    binary_row<OP>(a + ao + j0 * ai, ai, b + bo + j0 * bi, bi, out + row * inner + j0, j1 - j0);
    if (++part == parts) {
      part = 0;
      ++row;
      for (int d = rank - 2; d >= 0; --d) {
        if (++idx[d] < shape[d]) break;
        idx[d] = 0;
      }
    }
  }
}

template <BinaryOp OP>
void binary_dispatch(ThreadPool& pool, const float* a, const int64_t* as, const float* b,
                     const int64_t* bs, float* out, const int64_t* shape, int rank, int64_t n) {
  const int64_t inner = shape[rank - 1];
  const int64_t rows = n / inner;
  // Segments of at least kParallelGrain / 2 elements; units of about kParallelGrain.
  const int64_t parts = std::max<int64_t>(1, inner / (kParallelGrain / 2));
  const int64_t seg = inner / parts;
  const int64_t grain = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(seg, 1));
  pool.parallel_for(rows * parts, grain, [&](int64_t begin, int64_t end) {
    binary_strided<OP>(a, as, b, bs, out, shape, rank, parts, begin, end);
  });
}


}  // namespace

void binary_forward(ThreadPool& pool, BinaryOp op, const float* a, const int64_t* a_strides,
                    const float* b, const int64_t* b_strides, float* out, const int64_t* shape,
                    int rank) noexcept {
  // Zero-size first: a product over the other dims could overflow before reaching the 0.
  for (int d = 0; d < rank; ++d)
    if (shape[d] == 0) return;
  int64_t n = 1;
  for (int d = 0; d < rank; ++d) n *= shape[d];
  // Coalesce: drop size-1 dims and merge a dim into the next one wherever both operands
  // step through them as one (stride[d-1] == stride[d] * shape[d]); a broadcast over a
  // whole block of dims becomes one stride-0 dim. Long inner rows vectorize and split well.
  int64_t sh[kMaxRank], sa[kMaxRank], sb[kMaxRank];
  int r = 0;
  for (int d = 0; d < rank; ++d) {
    if (shape[d] == 1) continue;
    if (r > 0 && sa[r - 1] == a_strides[d] * shape[d] && sb[r - 1] == b_strides[d] * shape[d]) {
      sh[r - 1] *= shape[d];
      sa[r - 1] = a_strides[d];
      sb[r - 1] = b_strides[d];
    } else {
      sh[r] = shape[d];
      sa[r] = a_strides[d];
      sb[r] = b_strides[d];
      ++r;
    }
  }
  if (r == 0) {
    out[0] = apply_binary(op, a[0], b[0]);
    return;
  }
  switch (op) {
    case BinaryOp::Add: return binary_dispatch<BinaryOp::Add>(pool, a, sa, b, sb, out, sh, r, n);
    case BinaryOp::Sub: return binary_dispatch<BinaryOp::Sub>(pool, a, sa, b, sb, out, sh, r, n);
    case BinaryOp::Mul: return binary_dispatch<BinaryOp::Mul>(pool, a, sa, b, sb, out, sh, r, n);
    case BinaryOp::Div: return binary_dispatch<BinaryOp::Div>(pool, a, sa, b, sb, out, sh, r, n);
    case BinaryOp::Max: return binary_dispatch<BinaryOp::Max>(pool, a, sa, b, sb, out, sh, r, n);
    case BinaryOp::Min: return binary_dispatch<BinaryOp::Min>(pool, a, sa, b, sb, out, sh, r, n);
  }
}

namespace {

// Block size of a full reduction in unbroadcast_sum (fixed, so the sum does not depend on the
// thread count).
constexpr int64_t kSumBlock = 1 << 14;

// Rows per block when many rows of `cols` are summed into one: about 4 kSumBlock elements,
// so the partial rows add little traffic.
constexpr int64_t kSumRows(int64_t cols) {
  return std::max<int64_t>(1, 4 * kSumBlock / std::max<int64_t>(cols, 1));
}

// Rows of the coalesced unbroadcast: dout is contiguous with shape sh[0..r), dx is reached
// through strides sx (0 on reduced dims). Walks every dout row (all dims but the last) whose
// index on dim `split` lies in [lo, hi) (the columns themselves when split == r - 1), in
// row-major order, adding into dx. Each dx element therefore receives its terms in the same
// order whatever the range, so any split over `split` gives the sequential result.
void unbroadcast_rows(const float* dout, const int64_t* sh, const int64_t* sx, int r, int split,
                      int64_t lo, int64_t hi, float* dx) {
  const int64_t inner = sh[r - 1], xi = sx[r - 1];
  const bool split_inner = split == r - 1;
  const int64_t j0 = split_inner ? lo : 0, j1 = split_inner ? hi : inner;
  int64_t idx[kMaxRank] = {0}, ostride[kMaxRank];
  ostride[r - 1] = 1;
  for (int d = r - 2; d >= 0; --d) ostride[d] = ostride[d + 1] * sh[d + 1];
  if (!split_inner) idx[split] = lo;
  for (;;) {
    int64_t xo = 0, go = 0;
    for (int d = 0; d < r - 1; ++d) {
      xo += idx[d] * sx[d];
      go += idx[d] * ostride[d];
    }
    const float* g = dout + go;
    if (xi == 0) {
      // lane_sum rather than the loop written out here, where it had stayed scalar
      // (unbroadcastSum into a column at 1 thread: 0.44-0.50 of STREAM copy, now 0.87).
      dx[xo] += static_cast<float>(lane_sum(g + j0, j1 - j0));
    } else if (xi == 1) {
      float* d = dx + xo;
      for (int64_t j = j0; j < j1; ++j) d[j] += g[j];
    } else {
      for (int64_t j = j0; j < j1; ++j) dx[xo + j * xi] += g[j];
    }
    // Next row: odometer over dims r-2 .. 0, with the split dim confined to [lo, hi).
    int d = r - 2;
    for (; d >= 0; --d) {
      const int64_t end = (!split_inner && d == split) ? hi : sh[d];
      const int64_t begin = (!split_inner && d == split) ? lo : 0;
      if (++idx[d] < end) break;
      idx[d] = begin;
    }
    if (d < 0) return;
  }
}

}  // namespace

void unbroadcast_sum(ThreadPool& pool, const float* dout, const int64_t* shape, int rank,
                     float* dx, const int64_t* dx_strides) noexcept {
  for (int d = 0; d < rank; ++d)
    if (shape[d] == 0) return;
  int64_t n = 1;
  for (int d = 0; d < rank; ++d) n *= shape[d];
  // Coalesce as binary_forward does: drop size-1 dims, merge neighbours that dx steps through
  // as one (all reduced dims in a block become one reduced dim).
  int64_t sh[kMaxRank], sx[kMaxRank];
  int r = 0;
  for (int d = 0; d < rank; ++d) {
    if (shape[d] == 1) continue;
    if (r > 0 && sx[r - 1] == dx_strides[d] * shape[d]) {
      sh[r - 1] *= shape[d];
      sx[r - 1] = dx_strides[d];
    } else {
      sh[r] = shape[d];
      sx[r] = dx_strides[d];
      ++r;
    }
  }
  if (r == 0) {
    dx[0] += dout[0];
    return;
  }
  if (r == 1 && sx[0] == 0) {
    // Everything reduces to one element: fixed blocks (the same for any thread count), each
    // summed in double lanes, then added in block order.
    const int64_t blocks = (n + kSumBlock - 1) / kSumBlock;
    double partial_small[64];
    double* partial = partial_small;
    std::vector<double> partial_big;
    if (blocks > 64) {
      partial_big.resize(static_cast<size_t>(blocks));
      partial = partial_big.data();
    }
    pool.parallel_for(blocks, 2, [dout, n, partial](int64_t b0, int64_t b1) {
      for (int64_t b = b0; b < b1; ++b) {
        const int64_t j0 = b * kSumBlock, len = std::min(kSumBlock, n - j0);
        partial[b] = lane_sum(dout + j0, len);
      }
    });
    double total = 0.0;
    for (int64_t b = 0; b < blocks; ++b) total += partial[b];
    dx[0] += static_cast<float>(total);
    return;
  }
  if (r == 2 && sx[0] == 0 && sx[1] == 1 && sh[1] <= 4096 && sh[0] >= 2 * kSumRows(sh[1])) {
    // Many short rows summed into one (a bias gradient): fixed blocks of rows (they depend
    // on the shape only, so the sum is the same for any thread count), each summed into its
    // own partial row, then the partials added into dx in block order, split over the
    // columns. Splitting the columns of every row instead would leave each thread reading
    // half-rows, which streams far worse. At most 32 KiB of partial rows: a larger buffer
    // would come from fresh pages on every call, and first-touching them costs more than
    // the sum.
    const int64_t R = sh[0], C = sh[1];
    const int64_t max_blocks = std::max<int64_t>(2, 8192 / C);
    int64_t blocks = std::min<int64_t>(max_blocks, (R + kSumRows(C) - 1) / kSumRows(C));
    const int64_t rows = (R + blocks - 1) / blocks;
    blocks = (R + rows - 1) / rows;
    std::vector<float> partial(static_cast<size_t>(blocks * C));
    float* part = partial.data();
    pool.parallel_for(blocks, 1, [dout, part, R, C, rows](int64_t b0, int64_t b1) {
      for (int64_t b = b0; b < b1; ++b) {
        float* p = part + b * C;
        const int64_t r0 = b * rows, r1 = std::min(R, r0 + rows);
        const float* g = dout + r0 * C;
        for (int64_t j = 0; j < C; ++j) p[j] = g[j];
        for (int64_t q = r0 + 1; q < r1; ++q) {
          g = dout + q * C;
          for (int64_t j = 0; j < C; ++j) p[j] += g[j];
        }
      }
    });
    pool.parallel_for(C, std::max<int64_t>(1, kParallelGrain / blocks), [dx, part, blocks, C](int64_t j0, int64_t j1) {
      for (int64_t b = 0; b < blocks; ++b) {
        const float* p = part + b * C;
        for (int64_t j = j0; j < j1; ++j) dx[j] += p[j];
      }
    });
    return;
  }
  // Split over the outermost kept dim when the kept dims lay dx out densely (row-major, as
  // broadcasting produces): then distinct slices of that dim write distinct dx elements.
  // Other stride patterns (dx elements reached twice) run sequentially.
  int split = -1;
  bool dense = true;
  int64_t expect = 1;
  for (int d = r - 1; d >= 0; --d) {
    if (sx[d] == 0) continue;
    dense = dense && sx[d] == expect;
    expect *= sh[d];
    split = d;
  }
  if (!dense || split < 0) {
    unbroadcast_rows(dout, sh, sx, r, 0, 0, sh[0], dx);
    return;
  }
  const int64_t per_slice = n / sh[split];
  const int64_t grain = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(per_slice, 1));
  pool.parallel_for(sh[split], grain, [&](int64_t lo, int64_t hi) {
    unbroadcast_rows(dout, sh, sx, r, split, lo, hi, dx);
  });
}

void unary_forward(ThreadPool& pool, UnaryOp op, const float* x, float* out, int64_t n,
                   float alpha) noexcept {
  switch (op) {
    case UnaryOp::Relu:
      // v <= 0 is false for NaN, so NaN passes through.
      return map_unary(pool, x, out, n, [](float v) { return v <= 0.0f ? 0.0f : v; });
    case UnaryOp::LeakyRelu:
      return map_unary(pool, x, out, n, [alpha](float v) { return pick(v > 0.0f, v, alpha * v); });
    case UnaryOp::Sigmoid: return map_vec(pool, VecFn::Sigmoid, x, out, n);
    case UnaryOp::Tanh: return map_vec(pool, VecFn::Tanh, x, out, n);
    case UnaryOp::Exp: return map_vec(pool, VecFn::Exp, x, out, n);
    case UnaryOp::Log: return map_vec(pool, VecFn::Log, x, out, n);
    case UnaryOp::Abs:
      return map_unary(pool, x, out, n, [](float v) { return std::fabs(v); });
    case UnaryOp::Sqrt: return map_vec(pool, VecFn::Sqrt, x, out, n);
    case UnaryOp::Square:
      return map_unary(pool, x, out, n, [](float v) { return v * v; });
    case UnaryOp::Neg:
      return map_unary(pool, x, out, n, [](float v) { return -v; });
    case UnaryOp::Softplus: return map_vec(pool, VecFn::Softplus, x, out, n);
  }
}

void unary_backward(ThreadPool& pool, UnaryOp op, const float* x, const float* y,
                    const float* dout, float* dx, int64_t n, float alpha,
                    bool accumulate) noexcept {
  switch (op) {
    case UnaryOp::Relu:
      return map_backward(pool, x, y, dout, dx, n, accumulate,
                          [](float v, float, float g) { return v > 0.0f ? g : 0.0f; });
    case UnaryOp::LeakyRelu:
      return map_backward(pool, x, y, dout, dx, n, accumulate,
                          [alpha](float v, float, float g) {
                            return pick(v > 0.0f, g, alpha * g);
                          });
    case UnaryOp::Sigmoid:
      return map_backward(pool, x, y, dout, dx, n, accumulate,
                          [](float, float s, float g) { return g * s * (1.0f - s); });
    case UnaryOp::Tanh:
      return map_backward(pool, x, y, dout, dx, n, accumulate,
                          [](float, float t, float g) { return g * (1.0f - t * t); });
    case UnaryOp::Exp:
      return map_backward(pool, x, y, dout, dx, n, accumulate,
                          [](float, float e, float g) { return g * e; });
    case UnaryOp::Log:
      return map_backward(pool, x, y, dout, dx, n, accumulate,
                          [](float v, float, float g) { return g / v; });
    case UnaryOp::Abs:
      return map_backward(pool, x, y, dout, dx, n, accumulate, [](float v, float, float g) {
        return pick(v > 0.0f, g, pick(v < 0.0f, -g, 0.0f));
      });
    case UnaryOp::Sqrt:
      return map_backward(pool, x, y, dout, dx, n, accumulate,
                          [](float, float r, float g) { return g * 0.5f / r; });
    case UnaryOp::Square:
      return map_backward(pool, x, y, dout, dx, n, accumulate,
                          [](float v, float, float g) { return g * 2.0f * v; });
    case UnaryOp::Neg:
      return map_backward(pool, x, y, dout, dx, n, accumulate,
                          [](float, float, float g) { return -g; });
    case UnaryOp::Softplus:
      return map_backward(pool, x, y, dout, dx, n, accumulate,
                          [](float v, float, float g) { return g * sigmoid_f(v); });
  }
}

void scale(ThreadPool& pool, const float* x, float alpha, float* out, int64_t n) noexcept {
  map_unary(pool, x, out, n, [alpha](float v) { return alpha * v; });
}

void axpy(ThreadPool& pool, float alpha, const float* x, float* y, int64_t n) noexcept {
  pool.parallel_for(n, kParallelGrain, [alpha, x, y](int64_t begin, int64_t end) {
    const float a = alpha;
    const float* xs = x;
    float* ys = y;
    for (int64_t i = begin; i < end; ++i) ys[i] += a * xs[i];
  });
}

void bias_add_forward(ThreadPool& pool, float* out, const float* bias, int64_t M,
                      int64_t N) noexcept {
  if (M == 0 || N == 0) return;
  const int64_t grain = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(N, 1));
  pool.parallel_for(M, grain, [&](int64_t begin, int64_t end) {
    for (int64_t m = begin; m < end; ++m) {
      float* row = out + m * N;
      for (int64_t n = 0; n < N; ++n) row[n] += bias[n];
    }
  });
}

void bias_add_backward(const float* dout, float* dbias, int64_t M, int64_t N) noexcept {
  if (M == 0 || N == 0) return;
  for (int64_t m = 0; m < M; ++m) {
    const float* row = dout + m * N;
    for (int64_t n = 0; n < N; ++n) dbias[n] += row[n];
  }
}

}  // namespace neurite
