/**
 * Convolution layers: Conv2d (PyTorch's layout and parameter names: weight (OC, C/groups, KH,
 * KW), bias (OC)) and LocallyConnected2d (unshared weights per output position).
 */
import { randUniform } from '../ops/creation';
import { conv2d, locallyConnected2d, conv2dOutputSize, type Conv2dOptions } from '../ops/conv';
import { pair, padding, type Pair, type Padding } from '../ops/window';
import type { Random } from '../random';
import type { Tensor } from '../tensor';
import { Module } from './module';
import { registerModuleClass } from './registry';

export interface Conv2dLayerOptions {
  stride?: Pair;
  padding?: Padding;
  dilation?: Pair;
  groups?: number;
  /** Add a learned bias (default true). */
  bias?: boolean;
  /** Generator for the initial weights (default: the global one). */
  rng?: Random;
}

/** PyTorch's default init: U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for weights and biases. */
function uniformInit(shape: number[], fanIn: number, rng?: Random): Tensor {
  const bound = 1 / Math.sqrt(Math.max(fanIn, 1));
  return randUniform(shape, -bound, bound, rng ? { rng } : {});
}

/**
 * 2-D convolution layer, as torch.nn.Conv2d. Input (N, inChannels, H, W), output
 * (N, outChannels, OH, OW).
 */
export class Conv2d extends Module {
  static override className = 'Conv2d';
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly kernelSize: [number, number];
  readonly options: Conv2dOptions;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Pair, options: Conv2dLayerOptions = {}) {
    super();
    const fn = 'Conv2d';
    const groups = options.groups ?? 1;
    for (const [name, v] of [['inChannels', inChannels], ['outChannels', outChannels], ['groups', groups]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`${fn}: ${name} must be a positive integer, got ${v}`);
    }
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new RangeError(`${fn}: inChannels (${inChannels}) and outChannels (${outChannels}) must be divisible by groups (${groups})`);
    }
    this.kernelSize = pair(fn, 'kernelSize', kernelSize, 1, 1);
    this.options = {
      stride: pair(fn, 'stride', options.stride, 1, 1),
      padding: padding(fn, options.padding),
      dilation: pair(fn, 'dilation', options.dilation, 1, 1),
      groups,
    };
    const [KH, KW] = this.kernelSize;
    const fanIn = (inChannels / groups) * KH * KW;
    this.weight = this.registerParameter('weight', uniformInit([outChannels, inChannels / groups, KH, KW], fanIn, options.rng));
    this.bias = options.bias === false ? null : this.registerParameter('bias', uniformInit([outChannels], fanIn, options.rng));
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, this.options);
  }

  /** Output (OH, OW) for an H x W input. */
  outputSize(H: number, W: number): [number, number] {
    const { groups: _g, ...rest } = this.options;
    return conv2dOutputSize(H, W, this.kernelSize, rest);
  }

  override getConfig(): Record<string, unknown> {
    return {
      inChannels: this.inChannels, outChannels: this.outChannels, kernelSize: this.kernelSize,
      stride: this.options.stride, padding: this.options.padding, dilation: this.options.dilation,
      groups: this.options.groups, bias: this.bias !== null,
    };
  }

  static fromConfig(c: Record<string, unknown>): Conv2d {
    return new Conv2d(c.inChannels as number, c.outChannels as number, c.kernelSize as Pair, c as Conv2dLayerOptions);
  }
}

/**
 * Locally-connected 2-D layer (Keras's LocallyConnected2D, NCHW): convolution windows, but
 * each output position has its own weights. The input size must be fixed at construction.
 * weight (OH, OW, outChannels, inChannels, KH, KW), bias (outChannels, OH, OW).
 */
export class LocallyConnected2d extends Module {
  static override className = 'LocallyConnected2d';
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly kernelSize: [number, number];
  readonly options: Omit<Conv2dOptions, 'groups'>;
  readonly outputShape: [number, number];

  constructor(
    readonly inChannels: number, readonly outChannels: number, readonly inputSize: Pair, kernelSize: Pair,
    options: Omit<Conv2dLayerOptions, 'groups'> = {},
  ) {
    super();
    const fn = 'LocallyConnected2d';
    for (const [name, v] of [['inChannels', inChannels], ['outChannels', outChannels]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`${fn}: ${name} must be a positive integer, got ${v}`);
    }
    const [H, W] = pair(fn, 'inputSize', inputSize, 1, 1);
    this.kernelSize = pair(fn, 'kernelSize', kernelSize, 1, 1);
    this.options = { stride: pair(fn, 'stride', options.stride, 1, 1), padding: padding(fn, options.padding), dilation: pair(fn, 'dilation', options.dilation, 1, 1) };
    this.outputShape = conv2dOutputSize(H, W, this.kernelSize, this.options);
    const [OH, OW] = this.outputShape;
    const [KH, KW] = this.kernelSize;
    const fanIn = inChannels * KH * KW;
    this.weight = this.registerParameter('weight', uniformInit([OH, OW, outChannels, inChannels, KH, KW], fanIn, options.rng));
    this.bias = options.bias === false ? null : this.registerParameter('bias', uniformInit([outChannels, OH, OW], fanIn, options.rng));
  }

  forward(x: Tensor): Tensor {
    return locallyConnected2d(x, this.weight, this.bias, this.options);
  }

  override getConfig(): Record<string, unknown> {
    return {
      inChannels: this.inChannels, outChannels: this.outChannels, inputSize: this.inputSize, kernelSize: this.kernelSize,
      stride: this.options.stride, padding: this.options.padding, dilation: this.options.dilation, bias: this.bias !== null,
    };
  }

  static fromConfig(c: Record<string, unknown>): LocallyConnected2d {
    return new LocallyConnected2d(c.inChannels as number, c.outChannels as number, c.inputSize as Pair, c.kernelSize as Pair, c as Conv2dLayerOptions);
  }
}

for (const cls of [Conv2d, LocallyConnected2d]) registerModuleClass(cls);
