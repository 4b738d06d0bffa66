/** The simplest correct GEMM: a triple loop accumulating in float64. */
export function gemmOracle(
  transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
  A: ArrayLike<number>, lda: number, B: ArrayLike<number>, ldb: number, beta: number,
  C: ArrayLike<number>, ldc: number,
): Float64Array {
  const out = Float64Array.from(C);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const a = transA ? A[k * lda + m]! : A[m * lda + k]!;
        const b = transB ? B[n * ldb + k]! : B[k * ldb + n]!;
        s += a * b;
      }
      out[m * ldc + n] = alpha * s + (beta === 0 ? 0 : beta * C[m * ldc + n]!);
    }
  }
  return out;
}
