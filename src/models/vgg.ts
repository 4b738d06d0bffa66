/**
 * VGG-style networks with torchvision's layout and names (features.N, avgpool, classifier.N).
 * A configuration lists output channels of 3x3 convolutions and 'M' for 2x2 max pooling;
 * 'vgg11' | 'vgg13' | 'vgg16' | 'vgg19' are torchvision's A, B, D, E. `batchNorm` adds
 * BatchNorm2d after each convolution (vgg16_bn). `small: true` is the 32x32 variant: a 1x1
 * adaptive pool and a classifier of `hidden` units (default 512) instead of 7x7 and 4096.
 */
import { BatchNorm2d } from '../nn/batchnorm';
import { Conv2d } from '../nn/conv';
import { Module } from '../nn/module';
import { registerModuleClass } from '../nn/registry';
import { AdaptiveAvgPool2d, MaxPool2d } from '../nn/pooling';
import { flatten } from '../ops/shape';
import type { Random } from '../random';
import type { Tensor } from '../tensor';
import { Dropout, Linear, ReLU, Sequential } from '../nn/layers';

export type VggConfig = readonly (number | 'M')[];

export const VGG_CONFIGS: Record<'vgg11' | 'vgg13' | 'vgg16' | 'vgg19', VggConfig> = {
  vgg11: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  vgg13: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  vgg16: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  vgg19: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
};

export interface VggOptions {
  config?: keyof typeof VGG_CONFIGS | VggConfig;
  batchNorm?: boolean;
  small?: boolean;
  numClasses?: number;
  inChannels?: number;
  hidden?: number;
  dropout?: number;
  rng?: Random;
}

export class VGG extends Module {
  static override className = 'VGG';
  readonly features: Sequential;
  readonly avgpool: AdaptiveAvgPool2d;
  readonly classifier: Sequential;

  constructor(readonly options: VggOptions = {}) {
    super();
    const cfg = typeof options.config === 'string' || options.config === undefined ? VGG_CONFIGS[options.config ?? 'vgg16'] : options.config;
    if (!cfg) throw new RangeError(`VGG: unknown config ${String(options.config)} (known: ${Object.keys(VGG_CONFIGS).join(', ')})`);
    const small = options.small ?? false, rng = options.rng;
    const layers: Module[] = [];
    let c = options.inChannels ?? 3;
    for (const v of cfg) {
      if (v === 'M') layers.push(new MaxPool2d(2));
      else {
        layers.push(new Conv2d(c, v, 3, { padding: 1, rng }));
        if (options.batchNorm) layers.push(new BatchNorm2d(v));
        layers.push(new ReLU());
        c = v;
      }
    }
    this.features = this.registerModule('features', new Sequential(...layers));
    const pool = small ? 1 : 7;
    const hidden = options.hidden ?? (small ? 512 : 4096), p = options.dropout ?? 0.5;
    const nc = options.numClasses ?? (small ? 10 : 1000);
    this.avgpool = this.registerModule('avgpool', new AdaptiveAvgPool2d(pool));
    this.classifier = this.registerModule('classifier', new Sequential(
      new Linear(c * pool * pool, hidden, { rng }), new ReLU(), new Dropout(p, { rng }),
      new Linear(hidden, hidden, { rng }), new ReLU(), new Dropout(p, { rng }),
      new Linear(hidden, nc, { rng }),
    ));
  }

  forward(x: Tensor): Tensor {
    return this.classifier.forward(flatten(this.avgpool.forward(this.features.forward(x)), 1));
  }

  override getConfig(): Record<string, unknown> {
    const { rng: _rng, ...rest } = this.options;
    return rest;
  }

  static fromConfig(c: Record<string, unknown>): VGG {
    return new VGG(c as VggOptions);
  }
}

export function vgg(options: VggOptions = {}): VGG {
  return new VGG(options);
}

registerModuleClass(VGG);
