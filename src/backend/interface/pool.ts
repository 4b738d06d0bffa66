/**
 * 2-D pooling on NCHW tensors, each (n, c) plane on its own (see native/kernels/pool.h).
 * OH/OW as in interface/im2col.ts (floor mode).
 *   max: padding never wins; argmax[i] = ih*W + iw within the plane (a float, exact while
 *        H*W <= 2^24), -1 if the window is all padding (out is then -Infinity). Backward skips
 *        entries outside [0, HW).
 *   avg: divisor KH*KW with countIncludePad (PyTorch's default), else the in-image count.
 *   adaptive avg: PyTorch's AdaptiveAvgPool2d bins; OH = OW = 1 is global average pooling.
 * Backward kernels accumulate (+=) into dx.
 */
export interface PoolKernels {
  maxPool2dForward(
    x: Float32Array, out: Float32Array, argmax: Float32Array,
    N: number, C: number, H: number, W: number, KH: number, KW: number,
    strideH: number, strideW: number, padTop: number, padBottom: number, padLeft: number, padRight: number,
    dilationH: number, dilationW: number,
  ): void;
  /**
   * dx[plane, argmax] += dout; NC planes of HW inputs and P outputs. W (the plane width) and K
   * say the windows tile the plane (K x K, stride K, no padding or dilation; K = 0 otherwise):
   * a hint for a faster loop, the result is the same for any argmax. With accumulate false,
   * dx's contents are not read (as if zeros).
   */
  maxPool2dBackward(
    dout: Float32Array, argmax: Float32Array, dx: Float32Array, NC: number, HW: number, P: number, W: number, K: number,
    accumulate: boolean,
  ): void;
  avgPool2dForward(
    x: Float32Array, out: Float32Array,
    N: number, C: number, H: number, W: number, KH: number, KW: number,
    strideH: number, strideW: number, padTop: number, padBottom: number, padLeft: number, padRight: number,
    countIncludePad: boolean,
  ): void;
  avgPool2dBackward(
    dout: Float32Array, dx: Float32Array,
    N: number, C: number, H: number, W: number, KH: number, KW: number,
    strideH: number, strideW: number, padTop: number, padBottom: number, padLeft: number, padRight: number,
    countIncludePad: boolean,
  ): void;
  adaptiveAvgPool2dForward(x: Float32Array, out: Float32Array, NC: number, H: number, W: number, OH: number, OW: number): void;
  adaptiveAvgPool2dBackward(dout: Float32Array, dx: Float32Array, NC: number, H: number, W: number, OH: number, OW: number): void;
}

export const POOL_KERNELS = {
  maxPool2dForward: true,
  maxPool2dBackward: true,
  avgPool2dForward: true,
  avgPool2dBackward: true,
  adaptiveAvgPool2dForward: true,
  adaptiveAvgPool2dBackward: true,
} as const satisfies Record<keyof PoolKernels, true>;
