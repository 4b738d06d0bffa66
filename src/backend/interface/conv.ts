/**
 * conv2d on NCHW tensors by im2col + GEMM (cross-correlation, as PyTorch).
 *   x (N, C, H, W), weight (OC, C/groups, KH, KW), bias (OC) read only when hasBias,
 *   out (N, OC, OH, OW). OH/OW as in interface/im2col.ts.
 * Backward kernels accumulate (+=) into dx, dweight, dbias.
 */
export interface ConvKernels {
  conv2dForward(
    x: Float32Array, weight: Float32Array, bias: Float32Array, hasBias: boolean, out: Float32Array,
    N: number, C: number, H: number, W: number, OC: number, KH: number, KW: number,
    strideH: number, strideW: number, padTop: number, padBottom: number, padLeft: number, padRight: number,
    dilationH: number, dilationW: number, groups: number,
  ): void;
  /** dx += d(loss)/dx; with accumulate false, dx's contents are not read (as if zeros). */
  conv2dBackwardInput(
    dout: Float32Array, weight: Float32Array, dx: Float32Array,
    N: number, C: number, H: number, W: number, OC: number, KH: number, KW: number,
    strideH: number, strideW: number, padTop: number, padBottom: number, padLeft: number, padRight: number,
    dilationH: number, dilationW: number, groups: number, accumulate: boolean,
  ): void;
  /** dweight += d(loss)/dweight, the batch folded into one GEMM. */
  conv2dBackwardWeight(
    x: Float32Array, dout: Float32Array, dweight: Float32Array,
    N: number, C: number, H: number, W: number, OC: number, KH: number, KW: number,
    strideH: number, strideW: number, padTop: number, padBottom: number, padLeft: number, padRight: number,
    dilationH: number, dilationW: number, groups: number,
  ): void;
  /** dout (N, OC, P): dbias[oc] += sum over n and p. */
  conv2dBackwardBias(dout: Float32Array, dbias: Float32Array, N: number, OC: number, P: number): void;
}

export const CONV_KERNELS = {
  conv2dForward: true,
  conv2dBackwardInput: true,
  conv2dBackwardWeight: true,
  conv2dBackwardBias: true,
} as const satisfies Record<keyof ConvKernels, true>;
