/**
 * Loss family: each loss is a fused forward (the reduced scalar) and a fused backward (the
 * gradient with respect to the prediction), mirroring native/kernels/loss.h.
 *
 * Pointwise losses take a prediction y and a target t of n elements. Class losses take scores
 * y as (N, C) and targets t as N class indices stored as floats (integers in [0, C)).
 * `scale` is the reduction: 1 for sum, 1/n for mean; backward takes scale * dout.
 */

/** Pointwise loss codes, shared with native/kernels/loss.h. */
export const PointwiseLoss = {
  hinge: 0, squaredHinge: 1, binaryCrossEntropy: 2, binaryCrossEntropyWithLogits: 3,
  mse: 4, l1: 5, pseudoHuber: 6,
} as const;
export type PointwiseLoss = (typeof PointwiseLoss)[keyof typeof PointwiseLoss];

/** Class loss codes, shared with native/kernels/loss.h. */
export const ClassLoss = { multiMargin: 0, squaredMultiMargin: 1, crossEntropy: 2 } as const;
export type ClassLoss = (typeof ClassLoss)[keyof typeof ClassLoss];

export interface LossKernels {
  /** out[0] = scale * sum over i of loss(y[i], t[i]); param is delta for pseudoHuber. */
  pointwiseLossForward(
    kind: PointwiseLoss, y: Float32Array, t: Float32Array, out: Float32Array, n: number,
    param: number, scale: number,
  ): void;
  /** dy[i] += scale * dloss(y[i], t[i]) / dy[i]. */
  pointwiseLossBackward(
    kind: PointwiseLoss, y: Float32Array, t: Float32Array, dy: Float32Array, n: number,
    param: number, scale: number,
  ): void;
  /** y is (N, C), t is (N) class indices: out[0] = scale * sum over rows of loss(y[r], t[r]). */
  classLossForward(
    kind: ClassLoss, y: Float32Array, t: Float32Array, out: Float32Array, N: number, C: number,
    scale: number,
  ): void;
  /** dy[r, j] += scale * dloss(y[r], t[r]) / dy[r, j]. */
  classLossBackward(
    kind: ClassLoss, y: Float32Array, t: Float32Array, dy: Float32Array, N: number, C: number,
    scale: number,
  ): void;
}

export const LOSS_KERNELS = {
  pointwiseLossForward: true,
  pointwiseLossBackward: true,
  classLossForward: true,
  classLossBackward: true,
} as const satisfies Record<keyof LossKernels, true>;
