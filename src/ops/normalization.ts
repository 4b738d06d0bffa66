/**
 * Batch normalization over the channels of an NCHW tensor, composed from broadcasting ops so
 * autograd derives its gradient (a graph, not a chain: x feeds the mean, the variance and the
 * normalized output).
 */
import { noGrad } from '../autograd';
import { describe, formatShape, Tensor } from '../tensor';
import { add, div, mul, sub } from './binary';
import { mean } from './reduce';
import { reshape } from './shape';
import { sqrt, square } from './unary';

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
  const x3 = reshape(x, [N, C, H * W]);
  const perChannel = (t: Tensor) => reshape(t, [1, C, 1]);
  let y: Tensor;
  if (training) {
    const count = N * H * W;
    if (count < 2) throw new RangeError(`${fn}: training needs more than one value per channel, got input ${formatShape(x.shape)}`);
    const mu = mean(mean(x3, 2, true), 0, true);
    const xc = sub(x3, mu);
    const variance = mean(mean(square(xc), 2, true), 0, true);
    y = div(xc, sqrt(add(variance, eps)));
    if (options.runningMean || options.runningVar) {
      noGrad(() => {
        const rm = options.runningMean, rv = options.runningVar;
        if (rm) for (let c = 0; c < C; c++) rm.data[c] = (1 - momentum) * rm.data[c]! + momentum * mu.data[c]!;
        if (rv) {
          const unbias = count / (count - 1);
          for (let c = 0; c < C; c++) rv.data[c] = (1 - momentum) * rv.data[c]! + momentum * variance.data[c]! * unbias;
        }
      });
    }
  } else {
    if (!options.runningMean || !options.runningVar) throw new RangeError(`${fn}: eval mode needs runningMean and runningVar`);
    y = div(sub(x3, perChannel(options.runningMean)), sqrt(add(perChannel(options.runningVar), eps)));
  }
  if (options.weight) y = mul(y, perChannel(options.weight));
  if (options.bias) y = add(y, perChannel(options.bias));
  return reshape(y, [N, C, H, W]);
}
