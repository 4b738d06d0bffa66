/** Stochastic gradient descent with momentum, Nesterov momentum and weight decay (torch.optim.SGD). */
import { backend } from '../backend/registry';
import type { Tensor } from '../tensor';
import { Optimizer, type ParamGroup, type ParamGroupInput, type RegularizationOptions } from './optimizer';

export interface SGDOptions {
  /** Learning rate (default 0.01). */
  lr: number;
  /** Momentum factor (default 0). */
  momentum: number;
  /** Dampening of the momentum (default 0). */
  dampening: number;
  /** PyTorch weight decay: adds weightDecay * w to the gradient (default 0). */
  weightDecay: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening 0). */
  nesterov: boolean;
}

const EMPTY: Float32Array = new Float32Array(0);

/**
 * SGD as PyTorch computes it: g = grad + weightDecay * w; with momentum, buf = g on the first
 * step and buf = momentum * buf + (1 - dampening) * g after; g = nesterov ? g + momentum * buf : buf;
 * w -= lr * g.
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<SGDOptions>>, options: Partial<SGDOptions> & RegularizationOptions = {}) {
    super(params, { lr: 0.01, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false }, options);
  }

  protected checkOptions(o: SGDOptions): void {
    for (const k of ['momentum', 'dampening', 'weightDecay'] as const) {
      if (typeof o[k] !== 'number' || !(o[k] >= 0)) throw new RangeError(`SGD: ${k} must be a number >= 0, got ${String(o[k])}`);
    }
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new RangeError('SGD: Nesterov momentum needs momentum > 0 and dampening 0');
    }
  }

  protected stateNames(): string[] {
    return ['momentum_buffer'];
  }

  protected update(p: Tensor, grad: Float32Array, o: ParamGroup<SGDOptions>['options']): void {
    let buf: Float32Array = EMPTY, first = false;
    if (o.momentum !== 0) {
      first = !this.hasState(p, 'momentum_buffer');
      buf = this.stateOf(p, 'momentum_buffer').data;
    }
    backend().sgdStep(p.data, grad, buf, p.size, o.lr, o.momentum, o.dampening, o.weightDecay, o.nesterov, first);
  }
}
