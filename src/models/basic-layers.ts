/**
 * The few general layers the architectures need (Sequential, Linear, ReLU, Flatten, Dropout),
 * with the same names, parameter names and constructors as the general nn layers, so the
 * builders here do not depend on when those land. TODO: import them from ../nn once the
 * general layer set is on main, and delete this file.
 */
import { isGradEnabled } from '../autograd';
import { randUniform } from '../ops/creation';
import { mul } from '../ops/binary';
import { linear } from '../ops/matmul';
import { flatten } from '../ops/shape';
import { relu } from '../ops/unary';
import type { Random } from '../random';
import type { Tensor } from '../tensor';
import { Module } from '../nn/module';

/** Runs its children in order; they are named 0, 1, 2, ... (parameters `0.weight`, ...). */
export class Sequential extends Module {
  static override className = 'Sequential';
  private readonly layers: Module[] = [];

  constructor(...layers: Module[]) {
    super();
    for (const layer of layers) this.add(layer);
  }

  add(layer: Module): this {
    this.registerModule(String(this.layers.length), layer);
    this.layers.push(layer);
    return this;
  }

  get length(): number {
    return this.layers.length;
  }

  at(index: number): Module | undefined {
    return this.layers.at(index);
  }

  override replaceModule<M extends Module>(name: string, m: M): M {
    super.replaceModule(name, m);
    this.layers[Number(name)] = m;
    return m;
  }

  forward(x: Tensor): Tensor {
    let y = x;
    for (const layer of this.layers) y = layer.forward(y);
    return y;
  }
}

/** y = x W^T + b; weight (out, in), bias (out); PyTorch's default init. */
export class Linear extends Module {
  static override className = 'Linear';
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, options: { bias?: boolean; rng?: Random } = {}) {
    super();
    if (!Number.isInteger(inFeatures) || inFeatures < 1 || !Number.isInteger(outFeatures) || outFeatures < 1) {
      throw new RangeError(`Linear: inFeatures and outFeatures must be positive integers, got ${inFeatures}, ${outFeatures}`);
    }
    const bound = 1 / Math.sqrt(inFeatures);
    const opts = options.rng ? { rng: options.rng } : {};
    this.weight = this.registerParameter('weight', randUniform([outFeatures, inFeatures], -bound, bound, opts));
    this.bias = options.bias === false ? null : this.registerParameter('bias', randUniform([outFeatures], -bound, bound, opts));
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}

export class ReLU extends Module {
  static override className = 'ReLU';
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

export class Flatten extends Module {
  static override className = 'Flatten';
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
}

/** Inverted dropout: zeroes each value with probability p in training and scales by 1/(1-p). */
export class Dropout extends Module {
  static override className = 'Dropout';
  constructor(readonly dropProbability = 0.5, private readonly rng?: Random) {
    super();
  }
  forward(x: Tensor): Tensor {
    if (!this.training || this.dropProbability === 0 || !isGradEnabled()) return x;
    const keep = 1 - this.dropProbability;
    const mask = randUniform(x.shape, 0, 1, this.rng ? { rng: this.rng } : {});
    for (let i = 0; i < mask.size; i++) mask.data[i] = mask.data[i]! < keep ? 1 / keep : 0;
    return mul(x, mask);
  }
}
