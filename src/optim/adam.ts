/** Adam and AdamW (torch.optim.Adam, torch.optim.AdamW). */
import { backend } from '../backend/registry';
import type { Tensor } from '../tensor';
import { Optimizer, type ParamGroup, type ParamGroupInput, type RegularizationOptions } from './optimizer';

export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  lr: number;
  /** Decay rates of the first and second moment estimates (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to the denominator (default 1e-8). */
  eps: number;
  /** Adam: L2 term added to the gradient; AdamW: decoupled decay (defaults 0 and 0.01). */
  weightDecay: number;
}

type Params = Iterable<Tensor> | Iterable<ParamGroupInput<AdamOptions>>;

abstract class AdamBase extends Optimizer<AdamOptions> {
  protected abstract readonly decoupled: boolean;

  protected checkOptions(o: AdamOptions): void {
    const name = this.constructor.name;
    if (!Array.isArray(o.betas) || o.betas.length !== 2 || !o.betas.every((b) => typeof b === 'number' && b >= 0 && b < 1)) {
      throw new RangeError(`${name}: betas must be two numbers in [0, 1), got ${JSON.stringify(o.betas)}`);
    }
    if (typeof o.eps !== 'number' || !(o.eps >= 0)) throw new RangeError(`${name}: eps must be a number >= 0, got ${String(o.eps)}`);
    if (typeof o.weightDecay !== 'number' || !(o.weightDecay >= 0)) {
      throw new RangeError(`${name}: weightDecay must be a number >= 0, got ${String(o.weightDecay)}`);
    }
  }

  protected stateNames(): string[] {
    return ['step', 'exp_avg', 'exp_avg_sq'];
  }

  protected update(p: Tensor, grad: Float32Array, o: ParamGroup<AdamOptions>['options']): void {
    const step = this.stateOf(p, 'step', [1]);
    const t = ++step.data[0]!;
    backend().adamStep(
      p.data, grad, this.stateOf(p, 'exp_avg').data, this.stateOf(p, 'exp_avg_sq').data, p.size,
      o.lr, o.betas[0], o.betas[1], o.eps, o.weightDecay, t, this.decoupled,
    );
  }
}

/**
 * Adam (Kingma and Ba) as PyTorch computes it: g = grad + weightDecay * w;
 * m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
 * w -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
 */
export class Adam extends AdamBase {
  protected readonly decoupled = false;
  constructor(params: Params, options: Partial<AdamOptions> & RegularizationOptions = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 }, options);
  }
}

/** AdamW (Loshchilov and Hutter): Adam with decoupled weight decay, w *= 1 - lr * weightDecay. */
export class AdamW extends AdamBase {
  protected readonly decoupled = true;
  constructor(params: Params, options: Partial<AdamOptions> & RegularizationOptions = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01 }, options);
  }
}
