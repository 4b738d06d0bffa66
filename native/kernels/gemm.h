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

// B packed once, reused by many products (a recurrent layer's weight, used at every time
// step). The packed form is op(B) (K, N) cut into the KC x NR micro-panels the active ISA's
// micro-kernel reads, zero-padded: pack and use it under the same active ISA (common/cpu.h).
//
// sgemm_packed_b computes C := alpha * op(A) * op(B) + beta * C from it with sgemm's loops and
// micro-kernel, so whenever sgemm_packs(M, N, K) (sgemm itself packs the operands rather than
// taking its small-product path) the result is bit-identical to sgemm's, for any thread count
// and for any split of the rows of C between calls.

// The packed layout for the active ISA: KC-row blocks one after another, each holding its rows
// in NR-column panels; element (k, n) of op(B) sits at
//   pc * round_up(N, NR) + (n / NR) * kc * NR + (k - pc) * NR + n % NR,
// with pc = k / KC * KC and kc = min(KC, K - pc); columns past N in the last panel are zero.
// Producers other than sgemm_pack_b (im2col_packed) write it directly.
struct PackedBLayout {
  int64_t kc;
  int64_t nr;
};
PackedBLayout sgemm_packed_b_layout() noexcept;

// Floats of a packed op(B) of K rows and N columns for the active ISA.
int64_t sgemm_packed_b_size(int64_t K, int64_t N) noexcept;

// packed (64-byte aligned, sgemm_packed_b_size(K, N) floats) := op(B); B is (K, N) with
// ldb >= N, or (N, K) with ldb >= K when trans_b.
void sgemm_pack_b(ThreadPool& pool, bool trans_b, int64_t K, int64_t N, const float* B,
                  int64_t ldb, float* packed) noexcept;

void sgemm_packed_b(ThreadPool& pool, bool trans_a, int64_t M, int64_t N, int64_t K, float alpha,
                    const float* A, int64_t lda, const float* packed, float beta, float* C,
                    int64_t ldc) noexcept;

// The same on the calling thread only (for kernels that split their own work across the pool).
void sgemm_packed_b_serial(bool trans_a, int64_t M, int64_t N, int64_t K, float alpha,
                           const float* A, int64_t lda, const float* packed, float beta, float* C,
                           int64_t ldc) noexcept;

// True when sgemm runs an (M, N, K) product through packed panels (K > 0 and the product is
// not one of the small ones it computes directly); sgemm_packed_b then matches it exactly.
bool sgemm_packs(int64_t M, int64_t N, int64_t K) noexcept;

}  // namespace neurite
