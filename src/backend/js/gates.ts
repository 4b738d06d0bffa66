/**
 * Gate math shared by the recurrent cells (rnn, lstm, gru, mgu), mirroring
 * native/kernels/gates.h: activations, and the recurrent GEMM on sub-blocks of a buffer.
 */
import { gemm } from './gemm';

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * C[cOff..] (rows, n; ldc) = beta * C + A[aOff..] (rows, k; lda) times op(W[wOff..]): W is
 * (n, k) when transW (the forward product h W^T), (k, n) otherwise (the backward product).
 */
export function gemmBlock(
  transW: boolean, rows: number, n: number, k: number, A: Float32Array, aOff: number, lda: number,
  W: Float32Array, wOff: number, ldw: number, beta: number, C: Float32Array, cOff: number, ldc: number,
): void {
  if (rows === 0 || n === 0) return;
  gemm.sgemm(false, transW, rows, n, k, 1, A.subarray(aOff), lda, W.subarray(wOff), ldw, beta, C.subarray(cOff), ldc);
}

/** True when row b takes a real step (no mask, or a non-zero mask value). */
export function live(mask: Float32Array, b: number): boolean {
  return mask.length === 0 || mask[b] !== 0;
}

/**
 * Step k of a sequence kernel: time t = k (T-1-k when reverse), reading state slot prev and
 * writing slot cur (see LstmKernels.lstmSequenceForward).
 */
export function seqStep(T: number, reverse: boolean, k: number): { t: number; prev: number; cur: number } {
  const t = reverse ? T - 1 - k : k;
  return { t, prev: reverse ? t + 1 : t, cur: reverse ? t : t + 1 };
}
