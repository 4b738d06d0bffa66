/**
 * Batch normalization over the channels of NCHW tensors (see native/kernels/batchnorm.h).
 * x, out, dout, dx are (N, C, HW) with HW = H*W; per-channel arrays are (C). weight, bias,
 * the running stats and the gradients are optional: pass an empty Float32Array when absent
 * (weight 1, bias 0, stats not tracked, gradient not needed).
 *   train:    batch mean and biased variance per channel (double sums); out = (x - mean) *
 *             weight * invstd + bias, invstd = 1/sqrt(var + eps); saveMean/saveInvstd keep
 *             them for backward; running stats r = (1 - momentum) r + momentum * stat with
 *             the unbiased variance (PyTorch's rule).
 *   eval:     the same map with the running stats; writes saveMean/saveInvstd as well.
 *   backward: accumulates (+=) dx, dweight = sum(dout * xhat), dbias = sum(dout); `training`
 *             selects the gradient through the batch statistics.
 */
export interface BatchnormKernels {
  batchNorm2dForwardTrain(
    x: Float32Array, weight: Float32Array, bias: Float32Array, out: Float32Array,
    saveMean: Float32Array, saveInvstd: Float32Array, runningMean: Float32Array, runningVar: Float32Array,
    N: number, C: number, HW: number, momentum: number, eps: number,
  ): void;
  batchNorm2dForwardEval(
    x: Float32Array, weight: Float32Array, bias: Float32Array, runningMean: Float32Array, runningVar: Float32Array,
    out: Float32Array, saveMean: Float32Array, saveInvstd: Float32Array,
    N: number, C: number, HW: number, eps: number,
  ): void;
  batchNorm2dBackward(
    dout: Float32Array, x: Float32Array, weight: Float32Array, saveMean: Float32Array, saveInvstd: Float32Array,
    dx: Float32Array, dweight: Float32Array, dbias: Float32Array,
    N: number, C: number, HW: number, training: boolean,
  ): void;
}

export const BATCHNORM_KERNELS = {
  batchNorm2dForwardTrain: true,
  batchNorm2dForwardEval: true,
  batchNorm2dBackward: true,
} as const satisfies Record<keyof BatchnormKernels, true>;
