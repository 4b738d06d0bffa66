/**
 * Batch normalization over the channels of an NCHW tensor, on the fused batchnorm kernels
 * (backend/interface/batchnorm.ts): one forward pass computes the statistics, the output and
 * the running-stat update; one backward pass gives dx, dweight and dbias.
 */
import { gradBuffer, record } from '../autograd';
import { backend } from '../backend/registry';
import { acquire } from '../memory';
import { describe, formatShape, Tensor } from '../tensor';

export interface BatchNorm2dOptions {
  /** Per-channel scale (C), or null for 1. */
  weight?: Tensor | null;
  /** Per-channel shift (C), or null for 0. */
  bias?: Tensor | null;
  /** Running mean and variance (C): used in eval mode, updated in training mode. */
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  /** Normalize with batch statistics (and update the running ones) when true. */
  training?: boolean;
  /** Weight of the new batch in the running averages (PyTorch's default 0.1). */
  momentum?: number;
  eps?: number;
}

/**
 * torch.nn.functional.batch_norm for (N, C, H, W) input: y = (x - mean) / sqrt(var + eps) *
 * weight + bias. In training the batch mean and biased variance normalize, and the running
 * statistics move by `momentum` towards the batch mean and the unbiased variance.
 */
export function batchNorm2d(x: Tensor, options: BatchNorm2dOptions = {}): Tensor {
  const fn = 'batchNorm2d';
  if (!(x instanceof Tensor)) throw new TypeError(`${fn}: x must be a Tensor, got ${describe(x)}`);
  if (x.rank !== 4) throw new RangeError(`${fn}: input must be 4-D (N, C, H, W), got ${formatShape(x.shape)}`);
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const eps = options.eps ?? 1e-5;
  const momentum = options.momentum ?? 0.1;
  const training = options.training ?? true;
  for (const [name, t] of [['weight', options.weight], ['bias', options.bias], ['runningMean', options.runningMean], ['runningVar', options.runningVar]] as const) {
    if (t === null || t === undefined) continue;
    if (!(t instanceof Tensor)) throw new TypeError(`${fn}: ${name} must be a Tensor, got ${describe(t)}`);
    if (t.size !== C) throw new RangeError(`${fn}: ${name} must have ${C} elements (one per channel), got ${formatShape(t.shape)}`);
  }
  const HW = H * W;
  if (training && N * HW < 2) throw new RangeError(`${fn}: training needs more than one value per channel, got input ${formatShape(x.shape)}`);
  if (!training && (!options.runningMean || !options.runningVar)) throw new RangeError(`${fn}: eval mode needs runningMean and runningVar`);
  const none = new Float32Array(0);
  const weight = options.weight ?? null, bias = options.bias ?? null;
  const out = new Tensor(acquire(N * C * HW), [N, C, H, W]);
  // Kept by the backward closure: the mean and 1/sqrt(var + eps) the output was normalized with.
  const saveMean = new Float32Array(C), saveInvstd = new Float32Array(C);
  if (training) {
    backend().batchNorm2dForwardTrain(
      x.data, weight?.data ?? none, bias?.data ?? none, out.data, saveMean, saveInvstd,
      options.runningMean?.data ?? none, options.runningVar?.data ?? none, N, C, HW, momentum, eps,
    );
  } else {
    backend().batchNorm2dForwardEval(
      x.data, weight?.data ?? none, bias?.data ?? none, options.runningMean!.data, options.runningVar!.data,
      out.data, saveMean, saveInvstd, N, C, HW, eps,
    );
  }
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return record(out, 'batchNorm2d', inputs, (dout) => {
    const dx = gradBuffer(x), dweight = weight ? gradBuffer(weight) : null, dbias = bias ? gradBuffer(bias) : null;
    if (!dx && !dweight && !dbias) return;
    backend().batchNorm2dBackward(
      dout, x.data, weight?.data ?? none, saveMean, saveInvstd, dx ?? none, dweight ?? none, dbias ?? none, N, C, HW, training,
    );
  });
}
