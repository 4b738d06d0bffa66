/**
 * im2col / col2im for one NCHW image (see native/kernels/im2col.h for the layout change):
 * col is (C*KH*KW, OH*OW), row (c*KH + kh)*KW + kw, column oh*OW + ow, zeros in the padding.
 * OH = floor((H + padTop + padBottom - (dilationH*(KH-1)+1)) / strideH) + 1, likewise OW.
 */
export interface Im2colKernels {
  /** col (C*KH*KW, OH*OW) <- windows of x (C, H, W). */
  im2col(
    x: Float32Array, col: Float32Array, C: number, H: number, W: number, KH: number, KW: number,
    strideH: number, strideW: number, padTop: number, padBottom: number, padLeft: number, padRight: number,
    dilationH: number, dilationW: number,
  ): void;
  /** dx (C, H, W) += the adjoint of im2col applied to col. */
  col2im(
    col: Float32Array, dx: Float32Array, C: number, H: number, W: number, KH: number, KW: number,
    strideH: number, strideW: number, padTop: number, padBottom: number, padLeft: number, padRight: number,
    dilationH: number, dilationW: number,
  ): void;
}

export const IM2COL_KERNELS = {
  im2col: true,
  col2im: true,
} as const satisfies Record<keyof Im2colKernels, true>;

/**
 * One output dimension: floor((size + padLo + padHi - (dilation*(kernel-1)+1)) / stride) + 1.
 * Below 1 is a RangeError that shows the formula with its numbers; `fn` and `what` name the
 * caller and the dimension ("height", "width").
 */
export function convOutputSize(
  fn: string, what: string, size: number, kernel: number, stride: number, padLo: number, padHi: number, dilation = 1,
): number {
  const out = Math.floor((size + padLo + padHi - (dilation * (kernel - 1) + 1)) / stride) + 1;
  if (!(out >= 1)) {
    throw new RangeError(
      `${fn}: output ${what} is floor((in + pad - (dilation*(kernel-1)+1)) / stride) + 1 = ` +
        `floor((${size} + ${padLo} + ${padHi} - (${dilation}*(${kernel}-1)+1)) / ${stride}) + 1 = ${out}, must be >= 1`,
    );
  }
  return out;
}
