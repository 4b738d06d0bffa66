/** Row-wise softmax and log-softmax over (rows, cols), stable for large logits. */
export interface SoftmaxKernels {
  softmaxForward(x: Float32Array, y: Float32Array, rows: number, cols: number): void;
  /** dx += y * (dout - sum(dout * y)) per row, y the softmax output. */
  softmaxBackward(y: Float32Array, dout: Float32Array, dx: Float32Array, rows: number, cols: number): void;
  logSoftmaxForward(x: Float32Array, y: Float32Array, rows: number, cols: number): void;
  /** dx += dout - exp(y) * sum(dout) per row, y the log-softmax output. */
  logSoftmaxBackward(y: Float32Array, dout: Float32Array, dx: Float32Array, rows: number, cols: number): void;
}

export const SOFTMAX_KERNELS = {
  softmaxForward: true,
  softmaxBackward: true,
  logSoftmaxForward: true,
  logSoftmaxBackward: true,
} as const satisfies Record<keyof SoftmaxKernels, true>;
