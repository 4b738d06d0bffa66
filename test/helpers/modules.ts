/**
 * Small registered modules for serialization tests, built only on main's ops (linear, relu),
 * with PyTorch's state-dict names: a TestSequential of TestLinear/TestReLU has "0.weight",
 * "0.bias", "2.weight", ... exactly like torch.nn.Sequential(Linear, ReLU, Linear).
 */
import { Module } from '../../src/nn/module';
import { moduleFromConfig, moduleToConfig, registerModuleClass, type ModuleConfig } from '../../src/nn/registry';
import { linear } from '../../src/ops/matmul';
import { relu } from '../../src/ops/unary';
import { randUniform } from '../../src/ops/creation';
import type { Tensor } from '../../src/tensor';

export class TestLinear extends Module {
  static override className = 'TestLinear';
  readonly weight: Tensor;
  readonly bias: Tensor;

  constructor(readonly inFeatures: number, readonly outFeatures: number) {
    super();
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = this.registerParameter('weight', randUniform([outFeatures, inFeatures], -bound, bound));
    this.bias = this.registerParameter('bias', randUniform([outFeatures], -bound, bound));
  }

  static fromConfig(c: Record<string, unknown>): TestLinear {
    return new TestLinear(c.inFeatures as number, c.outFeatures as number);
  }

  override getConfig(): Record<string, unknown> {
    return { inFeatures: this.inFeatures, outFeatures: this.outFeatures };
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}

export class TestReLU extends Module {
  static override className = 'TestReLU';
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

export class TestSequential extends Module {
  static override className = 'TestSequential';
  readonly layers: Module[];

  constructor(...layers: Module[]) {
    super();
    this.layers = layers.map((m, i) => this.registerModule(String(i), m));
  }

  static fromConfig(c: Record<string, unknown>): TestSequential {
    return new TestSequential(...(c.layers as ModuleConfig[]).map((l) => moduleFromConfig(l)));
  }

  override getConfig(): Record<string, unknown> {
    return { layers: this.layers.map((m) => moduleToConfig(m)) };
  }

  forward(x: Tensor): Tensor {
    for (const m of this.layers) x = m.forward(x);
    return x;
  }
}

registerModuleClass(TestLinear);
registerModuleClass(TestReLU);
registerModuleClass(TestSequential);

/** Linear(i, h) - ReLU - Linear(h, o), as torch.nn.Sequential would name it. */
export function testMlp(i: number, h: number, o: number): TestSequential {
  return new TestSequential(new TestLinear(i, h), new TestReLU(), new TestLinear(h, o));
}
