/** RMSprop (torch.optim.RMSprop, not centered). */
import { backend } from '../backend/registry';
import type { Tensor } from '../tensor';
import { Optimizer, type ParamGroup, type ParamGroupInput, type RegularizationOptions } from './optimizer';

export interface RMSpropOptions {
  /** Learning rate (default 0.01). */
  lr: number;
  /** Smoothing constant of the squared-gradient average (default 0.99). */
  alpha: number;
  /** Added to the denominator (default 1e-8). */
  eps: number;
  /** PyTorch weight decay: adds weightDecay * w to the gradient (default 0). */
  weightDecay: number;
  /** Momentum factor (default 0). */
  momentum: number;
}

const EMPTY: Float32Array = new Float32Array(0);

/**
 * RMSprop as PyTorch computes it: g = grad + weightDecay * w; s = alpha s + (1 - alpha) g^2;
 * with momentum, b = momentum b + g / (sqrt(s) + eps) and w -= lr b; else w -= lr g / (sqrt(s) + eps).
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<RMSpropOptions>>, options: Partial<RMSpropOptions> & RegularizationOptions = {}) {
    super(params, { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0 }, options);
  }

  protected checkOptions(o: RMSpropOptions): void {
    for (const k of ['alpha', 'eps', 'weightDecay', 'momentum'] as const) {
      if (typeof o[k] !== 'number' || !(o[k] >= 0)) throw new RangeError(`RMSprop: ${k} must be a number >= 0, got ${String(o[k])}`);
    }
  }

  protected stateNames(): string[] {
    return ['step', 'square_avg', 'momentum_buffer'];
  }

  protected update(p: Tensor, grad: Float32Array, o: ParamGroup<RMSpropOptions>['options']): void {
    this.stateOf(p, 'step', [1]).data[0]! += 1;
    const buf = o.momentum > 0 ? this.stateOf(p, 'momentum_buffer').data : EMPTY;
    backend().rmspropStep(p.data, grad, this.stateOf(p, 'square_avg').data, buf, p.size, o.lr, o.alpha, o.eps, o.weightDecay, o.momentum);
  }
}
