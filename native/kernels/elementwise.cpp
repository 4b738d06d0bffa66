// Elementwise kernels (see elementwise.h). Written as simple loops the compiler vectorizes at
// the baseline ISA; large arrays are split over the thread pool.
#include "elementwise.h"
#include "simd_loop.h"
#include "vec_math.h"

#include <algorithm>
#include <cmath>

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

// dx[i] += g(x[i], y[i], dout[i]) over [0, n); same splitting as map_unary.
template <typename G>
void map_backward(ThreadPool& pool, const float* x, const float* y, const float* dout, float* dx,
                  int64_t n, G g) {
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

void unbroadcast_sum(const float* dout, const int64_t* shape, int rank, float* dx,
                     const int64_t* dx_strides) noexcept {
  for (int d = 0; d < rank; ++d)
    if (shape[d] == 0) return;
  int64_t n = 1;
  for (int d = 0; d < rank; ++d) n *= shape[d];
  if (rank == 0) {
    dx[0] += dout[0];
    return;
  }
  // Sequential on purpose: several output elements can land on the same dx element.
  const int64_t inner = shape[rank - 1];
  const int64_t xi = dx_strides[rank - 1];
  int64_t idx[kMaxRank] = {0};
  for (int64_t row = 0; row < n / inner; ++row) {
    int64_t xo = 0;
    for (int d = 0; d < rank - 1; ++d) xo += idx[d] * dx_strides[d];
    const float* g = dout + row * inner;
    if (xi == 0) {
      float s = 0.0f;
      for (int64_t j = 0; j < inner; ++j) s += g[j];
      dx[xo] += s;
    } else {
      for (int64_t j = 0; j < inner; ++j) dx[xo + j * xi] += g[j];
    }
    for (int d = rank - 2; d >= 0; --d) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
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
                    const float* dout, float* dx, int64_t n, float alpha) noexcept {
  switch (op) {
    case UnaryOp::Relu:
      return map_backward(pool, x, y, dout, dx, n,
                          [](float v, float, float g) { return v > 0.0f ? g : 0.0f; });
    case UnaryOp::LeakyRelu:
      return map_backward(pool, x, y, dout, dx, n,
                          [alpha](float v, float, float g) { return pick(v > 0.0f, g, alpha * g); });
    case UnaryOp::Sigmoid:
      return map_backward(pool, x, y, dout, dx, n,
                          [](float, float s, float g) { return g * s * (1.0f - s); });
    case UnaryOp::Tanh:
      return map_backward(pool, x, y, dout, dx, n,
                          [](float, float t, float g) { return g * (1.0f - t * t); });
    case UnaryOp::Exp:
      return map_backward(pool, x, y, dout, dx, n, [](float, float e, float g) { return g * e; });
    case UnaryOp::Log:
      return map_backward(pool, x, y, dout, dx, n, [](float v, float, float g) { return g / v; });
    case UnaryOp::Abs:
      return map_backward(pool, x, y, dout, dx, n, [](float v, float, float g) {
        return pick(v > 0.0f, g, pick(v < 0.0f, -g, 0.0f));
      });
    case UnaryOp::Sqrt:
      return map_backward(pool, x, y, dout, dx, n,
                          [](float, float r, float g) { return g * 0.5f / r; });
    case UnaryOp::Square:
      return map_backward(pool, x, y, dout, dx, n,
                          [](float v, float, float g) { return g * 2.0f * v; });
    case UnaryOp::Neg:
      return map_backward(pool, x, y, dout, dx, n, [](float, float, float g) { return -g; });
    case UnaryOp::Softplus:
      return map_backward(pool, x, y, dout, dx, n,
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
