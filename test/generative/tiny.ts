/**
 * Tiny layers and a plain gradient-descent step for the generative tests, written on the ops
 * so these tests do not depend on the layer library.
 */
import { Module } from '../../src/nn/module';
import { linear, randNormal, relu, sigmoid, tanh, zeros, type Random, type Tensor } from '../../src/index';

export type Act = 'none' | 'relu' | 'sigmoid' | 'tanh';

export class Dense extends Module {
  static override className = 'Dense';
  weight: Tensor;
  bias: Tensor;
  constructor(inFeatures: number, outFeatures: number, private readonly act: Act = 'none', rng?: Random, bias = true) {
    super();
    this.weight = this.registerParameter('weight', randNormal([outFeatures, inFeatures], 0, 1 / Math.sqrt(inFeatures), { rng }));
    this.bias = bias ? this.registerParameter('bias', zeros([outFeatures])) : (null as unknown as Tensor);
  }
  forward(x: Tensor): Tensor {
    const y = linear(x, this.weight, this.bias);
    return this.act === 'relu' ? relu(y) : this.act === 'sigmoid' ? sigmoid(y) : this.act === 'tanh' ? tanh(y) : y;
  }
}

export class Chain extends Module {
  static override className = 'Chain';
  private readonly layers: Module[];
  constructor(...layers: Module[]) {
    super();
    this.layers = layers.map((l, i) => this.registerModule(String(i), l));
  }
  forward(x: Tensor): Tensor {
    return this.layers.reduce((h, l) => l.forward(h), x);
  }
}

/** p -= lr * p.grad for every parameter that has a gradient. */
export class GradientDescent {
  constructor(private readonly params: Tensor[], private readonly lr: number) {}
  step(): void {
    for (const p of this.params) {
      if (!p.grad) continue;
      const d = p.data, g = p.grad.data;
      for (let i = 0; i < d.length; i++) d[i] -= this.lr * g[i]!;
    }
  }
}
