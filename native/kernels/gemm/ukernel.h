// sgemm micro-kernels: one per dispatch target, each in its own file and compiled with only
// that target's flags (ukernel_<isa>.cpp). Contract (flame/blis docs/KernelsHowTo.md):
//
//   a  packed MR x k micro-panel of A, column by column: a[p * MR + i] (alpha already applied)
//   b  packed k x NR micro-panel of B, row by row:       b[p * NR + j]
//   c  (m, n) tile of C, row-major with row stride ldc; 1 <= m <= MR, 1 <= n <= NR
//
//   C[i][j] := beta * C[i][j] + sum_p a[p * MR + i] * b[p * NR + j]    for i < m, j < n
//
// The sum runs over p = 0, 1, ..., k-1 in order, one multiply-add per step into a float
// accumulator (so every element of a tile, edge tiles included, is computed the same way).
// When beta == 0, C is never read (it may hold NaN). Elements outside the m x n tile are
// never touched. Panels are 64-byte aligned; padding rows/columns of A and B hold zeros.
//
// Declarations only: no inline code, so including this from an ISA-flagged file is safe.
#pragma once

#include <cstdint>

namespace neurite {

using SgemmUkernel = void (*)(int64_t k, const float* a, const float* b, float* c, int64_t ldc,
                              int m, int n, float beta);

// Portable C++, 4 x 16: the fallback on any CPU.
void sgemm_ukernel_generic_4x16(int64_t k, const float* a, const float* b, float* c,
                                int64_t ldc, int m, int n, float beta);

// The oracle for every micro-kernel: the same contract with MR and NR as arguments, plain
// loops, no vectorization assumptions. Tests compare each ISA kernel with it on the same panels.
void sgemm_ukernel_reference(int mr, int nr, int64_t k, const float* a, const float* b,
                             float* c, int64_t ldc, int m, int n, float beta);

#if defined(__x86_64__) || defined(_M_X64)
// AVX2 + FMA, 6 x 16 (12 ymm accumulators).
void sgemm_ukernel_avx2_6x16(int64_t k, const float* a, const float* b, float* c, int64_t ldc,
                             int m, int n, float beta);
// AVX-512F, 14 x 32 (28 zmm accumulators).
void sgemm_ukernel_avx512_14x32(int64_t k, const float* a, const float* b, float* c,
                                int64_t ldc, int m, int n, float beta);
#endif

#if defined(__aarch64__) || defined(_M_ARM64)
// NEON, 8 x 12 (24 q-register accumulators).
void sgemm_ukernel_neon_8x12(int64_t k, const float* a, const float* b, float* c, int64_t ldc,
                             int m, int n, float beta);
#endif

}  // namespace neurite
