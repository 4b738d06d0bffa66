// Single-precision GEMM with BLAS semantics on row-major data.
//
//   C := alpha * op(A) * op(B) + beta * C
//
// op(A) is (M, K): A is stored (M, K) with leading dimension lda >= K, or (K, M) with
// lda >= M when trans_a. op(B) is (K, N): B is (K, N) with ldb >= N, or (N, K) with
// ldb >= K when trans_b. C is (M, N) with ldc >= N. When beta == 0, C is never read
// (it may hold NaN). When K == 0 or alpha == 0, C is only scaled by beta.
#pragma once

#include <cstdint>

#include "../common/thread_pool.h"

namespace neurite {

void sgemm(ThreadPool& pool, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K,
           float alpha, const float* A, int64_t lda, const float* B, int64_t ldb, float beta,
           float* C, int64_t ldc) noexcept;

// `batch` independent GEMMs; matrix b of each operand starts at b * stride.
void sgemm_batched(ThreadPool& pool, bool trans_a, bool trans_b, int64_t M, int64_t N,
                   int64_t K, float alpha, const float* A, int64_t lda, int64_t stride_a,
                   const float* B, int64_t ldb, int64_t stride_b, float beta, float* C,
                   int64_t ldc, int64_t stride_c, int64_t batch) noexcept;

}  // namespace neurite
