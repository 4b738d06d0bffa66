/** Pooling layers: MaxPool2d, AvgPool2d, AdaptiveAvgPool2d (GlobalAvgPool2d is its 1x1 case). */
import { adaptiveAvgPool2d, avgPool2d, maxPool2d } from '../ops/pool';
import { pair, padding, type Pair, type Padding } from '../ops/window';
import type { Tensor } from '../tensor';
import { Module } from './module';
import { registerModuleClass } from './registry';

/** torch.nn.MaxPool2d (floor mode). stride defaults to the kernel size. */
export class MaxPool2d extends Module {
  static override className = 'MaxPool2d';
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number, number, number];
  readonly dilation: [number, number];

  constructor(kernelSize: Pair, options: { stride?: Pair; padding?: Padding; dilation?: Pair } = {}) {
    super();
    this.kernelSize = pair('MaxPool2d', 'kernelSize', kernelSize, 1, 1);
    this.stride = options.stride === undefined ? this.kernelSize : pair('MaxPool2d', 'stride', options.stride, 1, 1);
    this.padding = padding('MaxPool2d', options.padding);
    this.dilation = pair('MaxPool2d', 'dilation', options.dilation, 1, 1);
  }

  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, { stride: this.stride, padding: this.padding, dilation: this.dilation });
  }

  override getConfig(): Record<string, unknown> {
    return { kernelSize: this.kernelSize, stride: this.stride, padding: this.padding, dilation: this.dilation };
  }

  static fromConfig(c: Record<string, unknown>): MaxPool2d {
    return new MaxPool2d(c.kernelSize as Pair, c as { stride?: Pair; padding?: Padding; dilation?: Pair });
  }
}

/** torch.nn.AvgPool2d (floor mode; countIncludePad defaults to true). */
export class AvgPool2d extends Module {
  static override className = 'AvgPool2d';
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number, number, number];
  readonly countIncludePad: boolean;

  constructor(kernelSize: Pair, options: { stride?: Pair; padding?: Padding; countIncludePad?: boolean } = {}) {
    super();
    this.kernelSize = pair('AvgPool2d', 'kernelSize', kernelSize, 1, 1);
    this.stride = options.stride === undefined ? this.kernelSize : pair('AvgPool2d', 'stride', options.stride, 1, 1);
    this.padding = padding('AvgPool2d', options.padding);
    this.countIncludePad = options.countIncludePad ?? true;
  }

  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, { stride: this.stride, padding: this.padding, countIncludePad: this.countIncludePad });
  }

  override getConfig(): Record<string, unknown> {
    return { kernelSize: this.kernelSize, stride: this.stride, padding: this.padding, countIncludePad: this.countIncludePad };
  }

  static fromConfig(c: Record<string, unknown>): AvgPool2d {
    return new AvgPool2d(c.kernelSize as Pair, c as { stride?: Pair; padding?: Padding; countIncludePad?: boolean });
  }
}

/** torch.nn.AdaptiveAvgPool2d: any input size to outputSize; 1 gives global average pooling. */
export class AdaptiveAvgPool2d extends Module {
  static override className = 'AdaptiveAvgPool2d';
  readonly outputSize: [number, number];

  constructor(outputSize: Pair = 1) {
    super();
    this.outputSize = pair('AdaptiveAvgPool2d', 'outputSize', outputSize, 1, 1);
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }

  override getConfig(): Record<string, unknown> {
    return { outputSize: this.outputSize };
  }

  static fromConfig(c: Record<string, unknown>): AdaptiveAvgPool2d {
    return new AdaptiveAvgPool2d(c.outputSize as Pair);
  }
}

/** Global average pooling: (N, C, H, W) -> (N, C, 1, 1). */
export class GlobalAvgPool2d extends AdaptiveAvgPool2d {
  static override className = 'GlobalAvgPool2d';

  constructor() {
    super(1);
  }

  override getConfig(): Record<string, unknown> {
    return {};
  }

  static override fromConfig(): GlobalAvgPool2d {
    return new GlobalAvgPool2d();
  }
}

for (const cls of [MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, GlobalAvgPool2d]) registerModuleClass(cls);
