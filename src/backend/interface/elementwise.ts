/**
 * Elementwise family. Backward kernels accumulate into their gradient outputs (dx += ...),
 * so several consumers of one tensor add up without extra passes.
 */

/** Binary op codes, shared with native/kernels/elementwise.h. */
export const BinaryOp = { add: 0, sub: 1, mul: 2, div: 3, max: 4, min: 5 } as const;
export type BinaryOp = (typeof BinaryOp)[keyof typeof BinaryOp];

/** Unary op codes, shared with native/kernels/elementwise.h. */
export const UnaryOp = {
  relu: 0, leakyRelu: 1, sigmoid: 2, tanh: 3, exp: 4, log: 5,
  abs: 6, sqrt: 7, square: 8, neg: 9, softplus: 10,
} as const;
export type UnaryOp = (typeof UnaryOp)[keyof typeof UnaryOp];

/** Highest tensor rank the broadcasting kernels accept. */
export const MAX_RANK = 8;

export interface ElementwiseKernels {
  /**
   * out[i] = a[ia] op b[ib] over `shape` (out contiguous, row-major). The strides are element
   * strides per dimension of `shape`, 0 where that operand is broadcast.
   */
  binaryForward(
    op: BinaryOp, a: Float32Array, aStrides: number[], b: Float32Array, bStrides: number[],
    out: Float32Array, shape: number[],
  ): void;
  /** dx[ix] += dout[i] over `shape`: sums a broadcast gradient back onto its operand. */
  unbroadcastSum(dout: Float32Array, shape: number[], dx: Float32Array, dxStrides: number[]): void;
  /** out = f(x) on n elements; alpha is the LeakyReLU slope and ignored by other ops. */
  unaryForward(op: UnaryOp, x: Float32Array, out: Float32Array, n: number, alpha: number): void;
  /**
   * dx += dout * f'(x), with y = f(x) given as well. With accumulate false, dx's contents are
   * not read: the result is what adding into zeros gives.
   */
  unaryBackward(
    op: UnaryOp, x: Float32Array, y: Float32Array, dout: Float32Array, dx: Float32Array,
    n: number, alpha: number, accumulate: boolean,
  ): void;
  /** out = alpha * x (out may be x). */
  scale(x: Float32Array, alpha: number, out: Float32Array, n: number): void;
  /** y += alpha * x. */
  axpy(alpha: number, x: Float32Array, y: Float32Array, n: number): void;
  /** out is (M, N): out[m, n] += bias[n]. */
  biasAddForward(out: Float32Array, bias: Float32Array, M: number, N: number): void;
  /** dout is (M, N): dbias[n] += sum over m of dout[m, n]. */
  biasAddBackward(dout: Float32Array, dbias: Float32Array, M: number, N: number): void;
}

export const ELEMENTWISE_KERNELS = {
  binaryForward: true,
  unbroadcastSum: true,
  unaryForward: true,
  unaryBackward: true,
  scale: true,
  axpy: true,
  biasAddForward: true,
  biasAddBackward: true,
} as const satisfies Record<keyof ElementwiseKernels, true>;
