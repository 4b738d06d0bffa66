// Elementwise kernels: broadcasting binary ops, activations, scale/axpy, bias add.
// Plain C++ on raw pointers; callers (the N-API binding, or the standalone tests) check sizes.
// Backward kernels accumulate into their gradient outputs with +=.
#pragma once

#include <cstdint>

#include "../common/thread_pool.h"

namespace neurite {

enum class BinaryOp : int32_t { Add = 0, Sub = 1, Mul = 2, Div = 3, Max = 4, Min = 5 };
enum class UnaryOp : int32_t {
  Relu = 0, LeakyRelu = 1, Sigmoid = 2, Tanh = 3, Exp = 4, Log = 5,
  Abs = 6, Sqrt = 7, Square = 8, Neg = 9, Softplus = 10,
};
constexpr int32_t kBinaryOpCount = 6;
constexpr int32_t kUnaryOpCount = 11;
constexpr int kMaxRank = 8;

// out[i] = a[ia] op b[ib] over `shape` (rank <= kMaxRank, row-major, out contiguous);
// a_strides/b_strides are element strides per dim, 0 where that operand is broadcast.
void binary_forward(ThreadPool& pool, BinaryOp op, const float* a, const int64_t* a_strides,
                    const float* b, const int64_t* b_strides, float* out, const int64_t* shape,
                    int rank) noexcept;

// Sums dout (contiguous, `shape`) into dx through dx_strides (0 on broadcast dims): the
// gradient of a broadcast. dx += reduce(dout). Split over the pool (by dx elements, or by
// fixed blocks for a reduction to one element), with the same result for any thread count.
void unbroadcast_sum(ThreadPool& pool, const float* dout, const int64_t* shape, int rank,
                     float* dx, const int64_t* dx_strides) noexcept;

// out = f(x), n elements; `alpha` is the LeakyRelu slope (ignored by the others).
void unary_forward(ThreadPool& pool, UnaryOp op, const float* x, float* out, int64_t n,
                   float alpha) noexcept;

// dx += dout * f'(x), where y = f(x) is given too so each op uses whichever is cheaper.
// With accumulate false, dx's contents are not read: dx = 0 + dout * f'(x), the same bits
// as adding into zeros.
void unary_backward(ThreadPool& pool, UnaryOp op, const float* x, const float* y,
                    const float* dout, float* dx, int64_t n, float alpha,
                    bool accumulate) noexcept;

// out = alpha * x (out may be x).
void scale(ThreadPool& pool, const float* x, float alpha, float* out, int64_t n) noexcept;

// y += alpha * x.
void axpy(ThreadPool& pool, float alpha, const float* x, float* y, int64_t n) noexcept;

// out is (M, N) row-major: out[m, n] += bias[n].
void bias_add_forward(ThreadPool& pool, float* out, const float* bias, int64_t M,
                      int64_t N) noexcept;

// dout is (M, N): dbias[n] += sum_m dout[m, n].
void bias_add_backward(const float* dout, float* dbias, int64_t M, int64_t N) noexcept;

}  // namespace neurite
