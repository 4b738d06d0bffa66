/**
 * GEMM family. Row-major BLAS semantics:
 *
 *   C := alpha * op(A) * op(B) + beta * C
 *
 * op(A) is (M, K): A is stored (M, K) with lda >= K, or (K, M) with lda >= M when transA.
 * op(B) is (K, N): B is stored (K, N) with ldb >= N, or (N, K) with ldb >= K when transB.
 * C is (M, N) with ldc >= N. When beta is 0, C is not read (it may hold NaN).
 */
export interface GemmKernels {
  sgemm(
    transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
    A: Float32Array, lda: number, B: Float32Array, ldb: number, beta: number,
    C: Float32Array, ldc: number,
  ): void;
  /** `batch` GEMMs; matrix b of each operand starts at b * stride elements. */
  sgemmBatched(
    transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
    A: Float32Array, lda: number, strideA: number, B: Float32Array, ldb: number, strideB: number,
    beta: number, C: Float32Array, ldc: number, strideC: number, batch: number,
  ): void;
}

export const GEMM_KERNELS = {
  sgemm: true,
  sgemmBatched: true,
} as const satisfies Record<keyof GemmKernels, true>;
