/**
 * AlexNet-style network with torchvision's layout and names (features.N, avgpool,
 * classifier.N). `variant: 'imagenet'` is torchvision's alexnet (224x224 inputs, 61.1M
 * parameters with 1000 classes); `'cifar'` is a small version for 32x32 inputs: 3x3
 * convolutions, three 2x2 poolings, a 2x2 adaptive pool and a smaller classifier.
 * Widths scale with `width` (1 = the original channel counts).
 */
import { Conv2d } from '../nn/conv';
import { Module } from '../nn/module';
import { registerModuleClass } from '../nn/registry';
import { AdaptiveAvgPool2d, MaxPool2d } from '../nn/pooling';
import { flatten } from '../ops/shape';
import type { Random } from '../random';
import type { Tensor } from '../tensor';
import { Dropout, Linear, ReLU, Sequential } from '../nn/layers';

export interface AlexNetOptions {
  variant?: 'imagenet' | 'cifar';
  numClasses?: number;
  inChannels?: number;
  /** Multiplies every channel count (default 1). */
  width?: number;
  /** Hidden units of the two fully-connected layers (default 4096, or 512 for cifar). */
  hidden?: number;
  dropout?: number;
  rng?: Random;
}

export class AlexNet extends Module {
  static override className = 'AlexNet';
  readonly features: Sequential;
  readonly avgpool: AdaptiveAvgPool2d;
  readonly classifier: Sequential;

  constructor(readonly config: AlexNetOptions = {}) {
    super();
    const variant = config.variant ?? 'imagenet';
    const w = (c: number) => Math.max(1, Math.round(c * (config.width ?? 1)));
    const inC = config.inChannels ?? 3, nc = config.numClasses ?? (variant === 'cifar' ? 10 : 1000);
    const hidden = config.hidden ?? (variant === 'cifar' ? 512 : 4096);
    const p = config.dropout ?? 0.5, rng = config.rng;
    const [c1, c2, c3, c4, c5] = [w(64), w(192), w(384), w(256), w(256)];
    if (variant === 'imagenet') {
      this.features = new Sequential(
        new Conv2d(inC, c1, 11, { stride: 4, padding: 2, rng }), new ReLU(), new MaxPool2d(3, { stride: 2 }),
        new Conv2d(c1, c2, 5, { padding: 2, rng }), new ReLU(), new MaxPool2d(3, { stride: 2 }),
        new Conv2d(c2, c3, 3, { padding: 1, rng }), new ReLU(),
        new Conv2d(c3, c4, 3, { padding: 1, rng }), new ReLU(),
        new Conv2d(c4, c5, 3, { padding: 1, rng }), new ReLU(), new MaxPool2d(3, { stride: 2 }),
      );
    } else if (variant === 'cifar') {
      this.features = new Sequential(
        new Conv2d(inC, c1, 3, { padding: 1, rng }), new ReLU(), new MaxPool2d(2),
        new Conv2d(c1, c2, 3, { padding: 1, rng }), new ReLU(), new MaxPool2d(2),
        new Conv2d(c2, c3, 3, { padding: 1, rng }), new ReLU(),
        new Conv2d(c3, c4, 3, { padding: 1, rng }), new ReLU(),
        new Conv2d(c4, c5, 3, { padding: 1, rng }), new ReLU(), new MaxPool2d(2),
      );
    } else throw new RangeError(`AlexNet: variant must be "imagenet" or "cifar", got ${String(variant)}`);
    this.registerModule('features', this.features);
    const pool = variant === 'imagenet' ? 6 : 2;
    this.avgpool = this.registerModule('avgpool', new AdaptiveAvgPool2d(pool));
    this.classifier = this.registerModule('classifier', new Sequential(
      new Dropout(p, { rng }), new Linear(c5 * pool * pool, hidden, { rng }), new ReLU(),
      new Dropout(p, { rng }), new Linear(hidden, hidden, { rng }), new ReLU(),
      new Linear(hidden, nc, { rng }),
    ));
  }

  forward(x: Tensor): Tensor {
    return this.classifier.forward(flatten(this.avgpool.forward(this.features.forward(x)), 1));
  }

  override getConfig(): Record<string, unknown> {
    const { rng: _rng, ...rest } = this.config;
    return rest;
  }

  static fromConfig(c: Record<string, unknown>): AlexNet {
    return new AlexNet(c as AlexNetOptions);
  }
}

export function alexnet(options: AlexNetOptions = {}): AlexNet {
  return new AlexNet(options);
}

registerModuleClass(AlexNet);
