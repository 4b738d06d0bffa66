// Elementwise kernels (see elementwise.h). Written as simple loops the compiler vectorizes at
// the baseline ISA; large arrays are split over the thread pool.
#include "elementwise.h"

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

template <typename F>
void map_contiguous(ThreadPool& pool, int64_t n, F f) {
  pool.parallel_for(n, kParallelGrain, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) f(i);
  });
}

template <BinaryOp OP>
void binary_same_shape(ThreadPool& pool, const float* a, const float* b, float* out, int64_t n) {
  map_contiguous(pool, n, [&](int64_t i) { out[i] = apply_binary(OP, a[i], b[i]); });
}

// The general case walks the output in row-major order with an odometer over the outer
// dims and a tight loop over the last dim.
void binary_strided(BinaryOp op, const float* a, const int64_t* as, const float* b,
                    const int64_t* bs, float* out, const int64_t* shape, int rank,
                    int64_t row_begin, int64_t row_end) {
  const int64_t inner = shape[rank - 1];
  const int64_t ai = as[rank - 1], bi = bs[rank - 1];
  int64_t idx[kMaxRank] = {0};
  // Position the odometer at row_begin.
  int64_t r = row_begin;
  for (int d = rank - 2; d >= 0; --d) {
    idx[d] = r % shape[d];
    r /= shape[d];
  }
  for (int64_t row = row_begin; row < row_end; ++row) {
    int64_t ao = 0, bo = 0;
    for (int d = 0; d < rank - 1; ++d) {
      ao += idx[d] * as[d];
      bo += idx[d] * bs[d];
    }
    float* o = out + row * inner;
    for (int64_t j = 0; j < inner; ++j) o[j] = apply_binary(op, a[ao + j * ai], b[bo + j * bi]);
    for (int d = rank - 2; d >= 0; --d) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}

// exp of a non-positive argument only, so very negative x gives a tiny (even subnormal) result
// instead of 1 / (1 + inf) = 0.
inline float sigmoid(float x) {
  const float e = std::exp(-std::fabs(x));
  return x >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
}

inline float softplus(float x) {
  // log(1 + e^x) without overflow for large x and without losing precision for small x.
  return x > 0.0f ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
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
  if (rank == 0) {
    out[0] = apply_binary(op, a[0], b[0]);
    return;
  }
  bool contiguous = true;
  int64_t expect = 1;
  for (int d = rank - 1; d >= 0; --d) {
    if (shape[d] != 1 && (a_strides[d] != expect || b_strides[d] != expect)) contiguous = false;
    expect *= shape[d];
  }
  if (contiguous) {
    switch (op) {
      case BinaryOp::Add: return binary_same_shape<BinaryOp::Add>(pool, a, b, out, n);
      case BinaryOp::Sub: return binary_same_shape<BinaryOp::Sub>(pool, a, b, out, n);
      case BinaryOp::Mul: return binary_same_shape<BinaryOp::Mul>(pool, a, b, out, n);
      case BinaryOp::Div: return binary_same_shape<BinaryOp::Div>(pool, a, b, out, n);
      case BinaryOp::Max: return binary_same_shape<BinaryOp::Max>(pool, a, b, out, n);
      case BinaryOp::Min: return binary_same_shape<BinaryOp::Min>(pool, a, b, out, n);
    }
  }
  const int64_t inner = shape[rank - 1];
  const int64_t rows = inner == 0 ? 0 : n / inner;
  const int64_t grain = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(inner, 1));
  pool.parallel_for(rows, grain, [&](int64_t begin, int64_t end) {
    binary_strided(op, a, a_strides, b, b_strides, out, shape, rank, begin, end);
  });
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
      return map_contiguous(pool, n, [&](int64_t i) { out[i] = x[i] > 0.0f ? x[i] : (x[i] != x[i] ? x[i] : 0.0f); });
    case UnaryOp::LeakyRelu:
      return map_contiguous(pool, n, [&](int64_t i) { out[i] = x[i] > 0.0f ? x[i] : alpha * x[i]; });
    case UnaryOp::Sigmoid:
      return map_contiguous(pool, n, [&](int64_t i) { out[i] = sigmoid(x[i]); });
    case UnaryOp::Tanh:
      return map_contiguous(pool, n, [&](int64_t i) { out[i] = std::tanh(x[i]); });
    case UnaryOp::Exp:
      return map_contiguous(pool, n, [&](int64_t i) { out[i] = std::exp(x[i]); });
    case UnaryOp::Log:
      return map_contiguous(pool, n, [&](int64_t i) { out[i] = std::log(x[i]); });
    case UnaryOp::Abs:
      return map_contiguous(pool, n, [&](int64_t i) { out[i] = std::fabs(x[i]); });
    case UnaryOp::Sqrt:
      return map_contiguous(pool, n, [&](int64_t i) { out[i] = std::sqrt(x[i]); });
    case UnaryOp::Square:
      return map_contiguous(pool, n, [&](int64_t i) { out[i] = x[i] * x[i]; });
    case UnaryOp::Neg:
      return map_contiguous(pool, n, [&](int64_t i) { out[i] = -x[i]; });
    case UnaryOp::Softplus:
      return map_contiguous(pool, n, [&](int64_t i) { out[i] = softplus(x[i]); });
  }
}

void unary_backward(ThreadPool& pool, UnaryOp op, const float* x, const float* y,
                    const float* dout, float* dx, int64_t n, float alpha) noexcept {
  switch (op) {
    case UnaryOp::Relu:
      return map_contiguous(pool, n, [&](int64_t i) { dx[i] += x[i] > 0.0f ? dout[i] : 0.0f; });
    case UnaryOp::LeakyRelu:
      return map_contiguous(pool, n, [&](int64_t i) { dx[i] += x[i] > 0.0f ? dout[i] : alpha * dout[i]; });
    case UnaryOp::Sigmoid:
      return map_contiguous(pool, n, [&](int64_t i) { dx[i] += dout[i] * y[i] * (1.0f - y[i]); });
    case UnaryOp::Tanh:
      return map_contiguous(pool, n, [&](int64_t i) { dx[i] += dout[i] * (1.0f - y[i] * y[i]); });
    case UnaryOp::Exp:
      return map_contiguous(pool, n, [&](int64_t i) { dx[i] += dout[i] * y[i]; });
    case UnaryOp::Log:
      return map_contiguous(pool, n, [&](int64_t i) { dx[i] += dout[i] / x[i]; });
    case UnaryOp::Abs:
      return map_contiguous(pool, n, [&](int64_t i) {
        dx[i] += x[i] > 0.0f ? dout[i] : (x[i] < 0.0f ? -dout[i] : 0.0f);
      });
    case UnaryOp::Sqrt:
      return map_contiguous(pool, n, [&](int64_t i) { dx[i] += dout[i] * 0.5f / y[i]; });
    case UnaryOp::Square:
      return map_contiguous(pool, n, [&](int64_t i) { dx[i] += dout[i] * 2.0f * x[i]; });
    case UnaryOp::Neg:
      return map_contiguous(pool, n, [&](int64_t i) { dx[i] -= dout[i]; });
    case UnaryOp::Softplus:
      return map_contiguous(pool, n, [&](int64_t i) { dx[i] += dout[i] * sigmoid(x[i]); });
  }
}

void scale(ThreadPool& pool, const float* x, float alpha, float* out, int64_t n) noexcept {
  map_contiguous(pool, n, [&](int64_t i) { out[i] = alpha * x[i]; });
}

void axpy(ThreadPool& pool, float alpha, const float* x, float* y, int64_t n) noexcept {
  map_contiguous(pool, n, [&](int64_t i) { y[i] += alpha * x[i]; });
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
