/**
 * Basic layers after torch.nn: Sequential, Linear, the activations, Dropout and Flatten.
 * Each has a static className and getConfig()/fromConfig() and is registered for
 * moduleFromConfig().
 */
import { linear } from '../ops/matmul';
import { dropout, checkDropProbability } from '../ops/dropout';
import { flatten } from '../ops/shape';
import { softmax } from '../ops/softmax';
import { leakyRelu, relu, sigmoid, tanh } from '../ops/unary';
import { empty } from '../ops/creation';
import type { Random } from '../random';
import { describe, Tensor } from '../tensor';
import { kaimingUniform, uniform_ } from './init';
import { Module } from './module';
import { moduleFromConfig, moduleToConfig, registerModuleClass, type ModuleConfig } from './registry';

/** Runs its children in order; they are named 0, 1, 2, ... (parameters `0.weight`, `2.bias`, ...). */
export class Sequential extends Module {
  static override className = 'Sequential';
  private readonly layers: Module[] = [];

  constructor(...layers: Module[]) {
    super();
    for (const layer of layers) this.add(layer);
  }

  /** Appends a layer under the next index. */
  add(layer: Module): this {
    if (!(layer instanceof Module)) throw new TypeError(`Sequential: layers must be Modules, got ${describe(layer)}`);
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

  override getConfig(): Record<string, unknown> {
    return { layers: this.layers.map(moduleToConfig) };
  }

  static fromConfig(config: Record<string, unknown>): Sequential {
    const layers = config.layers;
    if (!Array.isArray(layers)) throw new TypeError(`Sequential.fromConfig: layers must be an array, got ${describe(layers)}`);
    return new Sequential(...layers.map((l) => moduleFromConfig(l as ModuleConfig)));
  }
}

export interface LinearOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Generator for the initial weights (default: the global one). */
  rng?: Random;
}

function checkFeatures(cls: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new RangeError(`${cls}: ${name} must be a positive integer, got ${describe(v)}`);
  }
  return v;
}

/**
 * y = x W^T + b. x is (N, inFeatures), weight is (outFeatures, inFeatures), bias is
 * (outFeatures); y is (N, outFeatures). Initialized as PyTorch does: weight from
 * kaimingUniform(a = sqrt(5)), i.e. U(-1/sqrt(in), 1/sqrt(in)), and bias from U(-1/sqrt(in), 1/sqrt(in)).
 */
export class Linear extends Module {
  static override className = 'Linear';
  readonly inFeatures: number;
  readonly outFeatures: number;
  private readonly hasBias: boolean;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    this.inFeatures = checkFeatures('Linear', 'inFeatures', inFeatures);
    this.outFeatures = checkFeatures('Linear', 'outFeatures', outFeatures);
    const rng = options.rng;
    this.registerParameter('weight', kaimingUniform(empty([outFeatures, inFeatures]), { a: Math.sqrt(5), rng }));
    this.hasBias = options.bias ?? true;
    if (this.hasBias) {
      const bound = 1 / Math.sqrt(inFeatures);
      this.registerParameter('bias', uniform_(empty([outFeatures]), -bound, bound, { rng }));
    }
  }

  /** (outFeatures, inFeatures). */
  get weight(): Tensor {
    return this.getParameter('weight')!;
  }

  /** (outFeatures), or null when built with bias: false. */
  get bias(): Tensor | null {
    return this.hasBias ? this.getParameter('bias')! : null;
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override getConfig(): Record<string, unknown> {
    return { inFeatures: this.inFeatures, outFeatures: this.outFeatures, bias: this.hasBias };
  }

  static fromConfig(c: Record<string, unknown>): Linear {
    return new Linear(c.inFeatures as number, c.outFeatures as number, { bias: c.bias === undefined ? true : Boolean(c.bias) });
  }
}

export class ReLU extends Module {
  static override className = 'ReLU';
  forward(x: Tensor): Tensor { return relu(x); }
  static fromConfig(): ReLU { return new ReLU(); }
}

export class LeakyReLU extends Module {
  static override className = 'LeakyReLU';
  readonly negativeSlope: number;
  constructor(negativeSlope = 0.01) {
    super();
    if (typeof negativeSlope !== 'number' || !Number.isFinite(negativeSlope)) {
      throw new TypeError(`LeakyReLU: negativeSlope must be a finite number, got ${describe(negativeSlope)}`);
    }
    this.negativeSlope = negativeSlope;
  }
  forward(x: Tensor): Tensor { return leakyRelu(x, this.negativeSlope); }
  override getConfig(): Record<string, unknown> { return { negativeSlope: this.negativeSlope }; }
  static fromConfig(c: Record<string, unknown>): LeakyReLU { return new LeakyReLU(c.negativeSlope as number | undefined); }
}

export class Sigmoid extends Module {
  static override className = 'Sigmoid';
  forward(x: Tensor): Tensor { return sigmoid(x); }
  static fromConfig(): Sigmoid { return new Sigmoid(); }
}

export class Tanh extends Module {
  static override className = 'Tanh';
  forward(x: Tensor): Tensor { return tanh(x); }
  static fromConfig(): Tanh { return new Tanh(); }
}

/** Softmax over the last axis (dim -1). For training a classifier, prefer crossEntropy on logits. */
export class Softmax extends Module {
  static override className = 'Softmax';
  readonly dim: number;
  constructor(dim = -1) {
    super();
    this.dim = dim;
  }
  forward(x: Tensor): Tensor { return softmax(x, this.dim); }
  override getConfig(): Record<string, unknown> { return { dim: this.dim }; }
  static fromConfig(c: Record<string, unknown>): Softmax { return new Softmax(c.dim as number | undefined); }
}

/**
 * Inverted dropout (see ops/dropout.ts). `dropProbability` is the probability of DROPPING a
 * unit, as PyTorch's p; texts that define p as the probability of keeping a unit mean
 * dropProbability = 1 - p. Identity in eval() mode.
 */
export class Dropout extends Module {
  static override className = 'Dropout';
  readonly dropProbability: number;
  private readonly rng: Random | undefined;
  constructor(dropProbability = 0.5, options: { rng?: Random } = {}) {
    super();
    this.dropProbability = checkDropProbability('Dropout', dropProbability);
    this.rng = options.rng;
  }
  forward(x: Tensor): Tensor {
    return dropout(x, this.dropProbability, { training: this.training, rng: this.rng });
  }
  override getConfig(): Record<string, unknown> { return { dropProbability: this.dropProbability }; }
  static fromConfig(c: Record<string, unknown>): Dropout { return new Dropout(c.dropProbability as number | undefined); }
}

/** Flattens dims startDim..endDim (default 1..-1: everything but the batch). Shares data. */
export class Flatten extends Module {
  static override className = 'Flatten';
  readonly startDim: number;
  readonly endDim: number;
  constructor(startDim = 1, endDim = -1) {
    super();
    this.startDim = startDim;
    this.endDim = endDim;
  }
  forward(x: Tensor): Tensor { return flatten(x, this.startDim, this.endDim); }
  override getConfig(): Record<string, unknown> { return { startDim: this.startDim, endDim: this.endDim }; }
  static fromConfig(c: Record<string, unknown>): Flatten { return new Flatten(c.startDim as number | undefined, c.endDim as number | undefined); }
}

for (const cls of [Sequential, Linear, ReLU, LeakyReLU, Sigmoid, Tanh, Softmax, Dropout, Flatten]) registerModuleClass(cls);
