/**
 * GEMM in plain TypeScript: the reference for parity tests and the baseline for benchmarks.
 * Loop orders keep the innermost loop on contiguous memory (i-k-j, or i-j-k dot products
 * when B is transposed); no blocking or unrolling beyond that.
 */
import type { GemmKernels } from '../interface/gemm';

function sgemm(
  transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
  A: Float32Array, lda: number, B: Float32Array, ldb: number, beta: number,
  C: Float32Array, ldc: number, offA = 0, offB = 0, offC = 0,
): void {
  for (let m = 0; m < M; m++) {
    const c0 = offC + m * ldc;
    if (beta === 0) C.fill(0, c0, c0 + N);
    else if (beta !== 1) for (let n = 0; n < N; n++) C[c0 + n] *= beta;
    if (alpha === 0 || K === 0) continue;
    if (transB) {
      // B is (N, K): each C element is a contiguous dot product over k.
      for (let n = 0; n < N; n++) {
        const b0 = offB + n * ldb;
        let s = 0;
        if (transA) for (let k = 0; k < K; k++) s += A[offA + k * lda + m]! * B[b0 + k]!;
        else {
          const a0 = offA + m * lda;
          for (let k = 0; k < K; k++) s += A[a0 + k]! * B[b0 + k]!;
        }
        C[c0 + n] = Math.fround(C[c0 + n]! + alpha * s);
      }
    } else {
      for (let k = 0; k < K; k++) {
        const a = alpha * (transA ? A[offA + k * lda + m]! : A[offA + m * lda + k]!);
        const b0 = offB + k * ldb;
        for (let n = 0; n < N; n++) C[c0 + n] += a * B[b0 + n]!;
      }
    }
  }
}

export const gemm: GemmKernels = {
  sgemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc) {
    sgemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  },
  sgemmBatched(transA, transB, M, N, K, alpha, A, lda, strideA, B, ldb, strideB, beta, C, ldc, strideC, batch) {
    for (let b = 0; b < batch; b++) {
      sgemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, b * strideA, b * strideB, b * strideC);
    }
  },
};
