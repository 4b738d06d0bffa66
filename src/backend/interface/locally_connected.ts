/**
 * Locally-connected 2-D: convolution windows with unshared weights per output position.
 *   x (N, C, H, W), weight (OH, OW, OC, C, KH, KW), bias (OC, OH, OW) used only when hasBias,
 *   out (N, OC, OH, OW): out[n, oc, p] = sum_r weight[p, oc, r] * window_n,p[r] + bias[oc, p].
 * Backward kernels accumulate (+=).
 */
export interface LocallyConnectedKernels {
  locallyConnected2dForward(
    x: Float32Array, weight: Float32Array, bias: Float32Array, hasBias: boolean, out: Float32Array,
    N: number, C: number, H: number, W: number, OC: number, KH: number, KW: number,
    strideH: number, strideW: number, padTop: number, padBottom: number, padLeft: number, padRight: number,
    dilationH: number, dilationW: number,
  ): void;
  locallyConnected2dBackwardInput(
    dout: Float32Array, weight: Float32Array, dx: Float32Array,
    N: number, C: number, H: number, W: number, OC: number, KH: number, KW: number,
    strideH: number, strideW: number, padTop: number, padBottom: number, padLeft: number, padRight: number,
    dilationH: number, dilationW: number,
  ): void;
  /** dweight += ..., and when hasBias dbias += sum over the batch of dout. */
  locallyConnected2dBackwardWeight(
    x: Float32Array, dout: Float32Array, dweight: Float32Array, dbias: Float32Array, hasBias: boolean,
    N: number, C: number, H: number, W: number, OC: number, KH: number, KW: number,
    strideH: number, strideW: number, padTop: number, padBottom: number, padLeft: number, padRight: number,
    dilationH: number, dilationW: number,
  ): void;
}

export const LOCALLY_CONNECTED_KERNELS = {
  locallyConnected2dForward: true,
  locallyConnected2dBackwardInput: true,
  locallyConnected2dBackwardWeight: true,
} as const satisfies Record<keyof LocallyConnectedKernels, true>;
