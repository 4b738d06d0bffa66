/**
 * ResNet with BasicBlocks (He et al. 2015), torchvision's layout and parameter names: conv1,
 * bn1, layer1..layer4 (each a Sequential of BasicBlocks: layer2.0.conv1.weight,
 * layer2.0.downsample.0.weight, ...), fc. So torchvision's resnet18/resnet34 state dicts load
 * by name. `inputSize: 224` is torchvision's stem (7x7 stride-2 convolution and a 3x3 max
 * pool); `inputSize: 32` is the CIFAR stem (3x3 stride-1 convolution, no pool), with the same
 * parameter names.
 */
import { BatchNorm2d } from '../nn/batchnorm';
import { Conv2d } from '../nn/conv';
import { Module } from '../nn/module';
import { registerModuleClass } from '../nn/registry';
import { AdaptiveAvgPool2d, MaxPool2d } from '../nn/pooling';
import { BasicBlock } from '../nn/residual';
import { flatten } from '../ops/shape';
import { relu } from '../ops/unary';
import type { Tensor } from '../tensor';
import { Linear, Sequential } from '../nn/layers';

export interface ResNetOptions {
  /** Blocks per stage: [2, 2, 2, 2] is ResNet-18, [3, 4, 6, 3] is ResNet-34. */
  layers?: readonly [number, number, number, number];
  numClasses?: number;
  inChannels?: number;
  /** 224 (ImageNet stem) or 32 (CIFAR stem). Default 224. */
  inputSize?: 32 | 224;
  /** Channels of the first stage (default 64; stages double it). */
  width?: number;
}

export class ResNet extends Module {
  static override className = 'ResNet';
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly maxpool: MaxPool2d | null;
  readonly stages: Sequential[];
  readonly avgpool: AdaptiveAvgPool2d;
  fc: Linear;

  constructor(readonly options: ResNetOptions = {}) {
    super();
    const layers = options.layers ?? [2, 2, 2, 2];
    const imagenet = (options.inputSize ?? 224) === 224;
    if (options.inputSize !== undefined && options.inputSize !== 32 && options.inputSize !== 224) {
      throw new RangeError(`ResNet: inputSize must be 32 or 224, got ${String(options.inputSize)}`);
    }
    const width = options.width ?? 64;
    const inC = options.inChannels ?? 3;
    this.conv1 = this.registerModule('conv1', imagenet
      ? new Conv2d(inC, width, 7, { stride: 2, padding: 3, bias: false })
      : new Conv2d(inC, width, 3, { stride: 1, padding: 1, bias: false }));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(width));
    this.maxpool = imagenet ? this.registerModule('maxpool', new MaxPool2d(3, { stride: 2, padding: 1 })) : null;
    this.stages = [];
    let inPlanes = width;
    layers.forEach((blocks, i) => {
      const planes = width * 2 ** i;
      const stage = new Sequential();
      for (let b = 0; b < blocks; b++) {
        stage.add(new BasicBlock(inPlanes, planes, b === 0 && i > 0 ? 2 : 1));
        inPlanes = planes;
      }
      this.stages.push(this.registerModule(`layer${i + 1}`, stage));
    });
    this.avgpool = this.registerModule('avgpool', new AdaptiveAvgPool2d(1));
    this.fc = this.registerModule('fc', new Linear(inPlanes, options.numClasses ?? (imagenet ? 1000 : 10)));
  }

  forward(x: Tensor): Tensor {
    let y = relu(this.bn1.forward(this.conv1.forward(x)));
    if (this.maxpool) y = this.maxpool.forward(y);
    for (const stage of this.stages) y = stage.forward(y);
    return this.fc.forward(flatten(this.avgpool.forward(y), 1));
  }

  override replaceModule<M extends Module>(name: string, m: M): M {
    super.replaceModule(name, m);
    if (name === 'fc') this.fc = m as unknown as Linear;
    return m;
  }

  override getConfig(): Record<string, unknown> {
    return { ...this.options };
  }

  static fromConfig(c: Record<string, unknown>): ResNet {
    return new ResNet(c as ResNetOptions);
  }
}

/** ResNet-18: 11,689,512 parameters with the 224 stem and 1000 classes. */
export function resnet18(options: Omit<ResNetOptions, 'layers'> = {}): ResNet {
  return new ResNet({ ...options, layers: [2, 2, 2, 2] });
}

/** ResNet-34 (BasicBlocks [3, 4, 6, 3]). */
export function resnet34(options: Omit<ResNetOptions, 'layers'> = {}): ResNet {
  return new ResNet({ ...options, layers: [3, 4, 6, 3] });
}

registerModuleClass(ResNet);
