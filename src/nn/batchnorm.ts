/**
 * BatchNorm2d, as torch.nn.BatchNorm2d: parameters weight and bias (C), buffers running_mean,
 * running_var (C) and num_batches_tracked (a one-element count), PyTorch's names so state
 * dicts load by name. Training mode normalizes with the batch statistics and updates the
 * running ones; eval mode uses the running ones.
 */
import { full } from '../ops/creation';
import { batchNorm2d } from '../ops/normalization';
import type { Tensor } from '../tensor';
import { Module } from './module';
import { registerModuleClass } from './registry';

export class BatchNorm2d extends Module {
  static override className = 'BatchNorm2d';
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;
  readonly numBatchesTracked: Tensor;
  readonly eps: number;
  readonly momentum: number;
  readonly affine: boolean;

  constructor(readonly numFeatures: number, options: { eps?: number; momentum?: number; affine?: boolean } = {}) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new RangeError(`BatchNorm2d: numFeatures must be a positive integer, got ${numFeatures}`);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    this.affine = options.affine ?? true;
    this.weight = this.affine ? this.registerParameter('weight', full([numFeatures], 1)) : null;
    this.bias = this.affine ? this.registerParameter('bias', full([numFeatures], 0)) : null;
    this.runningMean = this.registerBuffer('running_mean', full([numFeatures], 0));
    this.runningVar = this.registerBuffer('running_var', full([numFeatures], 1));
    // PyTorch keeps an int64 scalar; neurite stores it as a one-element float tensor.
    this.numBatchesTracked = this.registerBuffer('num_batches_tracked', full([], 0));
  }

  forward(x: Tensor): Tensor {
    if (this.training) this.numBatchesTracked.data[0] += 1;
    return batchNorm2d(x, {
      weight: this.weight, bias: this.bias, runningMean: this.runningMean, runningVar: this.runningVar,
      training: this.training, momentum: this.momentum, eps: this.eps,
    });
  }

  override getConfig(): Record<string, unknown> {
    return { numFeatures: this.numFeatures, eps: this.eps, momentum: this.momentum, affine: this.affine };
  }

  static fromConfig(c: Record<string, unknown>): BatchNorm2d {
    return new BatchNorm2d(c.numFeatures as number, c as { eps?: number; momentum?: number; affine?: boolean });
  }
}

registerModuleClass(BatchNorm2d);
