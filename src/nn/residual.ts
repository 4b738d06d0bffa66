/**
 * Residual BasicBlock (torchvision's resnet BasicBlock): two 3x3 convolutions with BatchNorm,
 * plus the input added back before the last ReLU. When the stride or the width changes, the
 * skip path is `downsample` (1x1 convolution + BatchNorm). Parameter names follow torchvision:
 * conv1, bn1, conv2, bn2, downsample.0, downsample.1.
 */
import { add } from '../ops/binary';
import { relu } from '../ops/unary';
import type { Tensor } from '../tensor';
import { Sequential } from './layers';
import { BatchNorm2d } from './batchnorm';
import { Conv2d } from './conv';
import { Module } from './module';
import { registerModuleClass } from './registry';

export class BasicBlock extends Module {
  static override className = 'BasicBlock';
  static readonly expansion = 1;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly downsample: Sequential | null;

  constructor(readonly inPlanes: number, readonly planes: number, readonly stride = 1) {
    super();
    this.conv1 = this.registerModule('conv1', new Conv2d(inPlanes, planes, 3, { stride, padding: 1, bias: false }));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(planes));
    this.conv2 = this.registerModule('conv2', new Conv2d(planes, planes, 3, { padding: 1, bias: false }));
    this.bn2 = this.registerModule('bn2', new BatchNorm2d(planes));
    this.downsample =
      stride !== 1 || inPlanes !== planes
        ? this.registerModule('downsample', new Sequential(new Conv2d(inPlanes, planes, 1, { stride, bias: false }), new BatchNorm2d(planes)))
        : null;
  }

  forward(x: Tensor): Tensor {
    const out = this.bn2.forward(this.conv2.forward(relu(this.bn1.forward(this.conv1.forward(x)))));
    const identity = this.downsample ? this.downsample.forward(x) : x;
    return relu(add(out, identity));
  }

  override getConfig(): Record<string, unknown> {
    return { inPlanes: this.inPlanes, planes: this.planes, stride: this.stride };
  }

  static fromConfig(c: Record<string, unknown>): BasicBlock {
    return new BasicBlock(c.inPlanes as number, c.planes as number, c.stride as number | undefined);
  }
}

registerModuleClass(BasicBlock);
