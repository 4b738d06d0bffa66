/** Reductions over one axis of a tensor viewed as (outer, n, inner), row-major. */
export interface ReduceKernels {
  /** out[o, i] = scale * sum over j of x[o, j, i]; scale = 1/n gives the mean. */
  reduceSumForward(
    x: Float32Array, out: Float32Array, outer: number, n: number, inner: number, scale: number,
  ): void;
  /** dx[o, j, i] += scale * dout[o, i]. */
  reduceSumBackward(
    dout: Float32Array, dx: Float32Array, outer: number, n: number, inner: number, scale: number,
  ): void;
}

export const REDUCE_KERNELS = {
  reduceSumForward: true,
  reduceSumBackward: true,
} as const satisfies Record<keyof ReduceKernels, true>;
