/**
 * LeNet-5 (LeCun et al. 1998) with ReLU and max pooling: conv 6@5x5, pool, conv 16@5x5, pool,
 * fc 120, fc 84, fc numClasses. On 32x32 inputs that is 61,706 parameters with 10 classes.
 * For 28x28 inputs (MNIST, Fashion-MNIST) the first convolution pads by 2, so the layer sizes
 * and the parameter count are the same.
 * Names: features.{0,3} (convolutions), classifier.{0,2,4} (linear layers).
 */
import { Conv2d } from '../nn/conv';
import { Module } from '../nn/module';
import { registerModuleClass } from '../nn/registry';
import { MaxPool2d } from '../nn/pooling';
import type { Random } from '../random';
import type { Tensor } from '../tensor';
import { Flatten, Linear, ReLU, Sequential } from '../nn/layers';

export interface LeNet5Options {
  /** Input height and width: 32 (the original) or 28 (padded first convolution). Default 32. */
  inputSize?: 28 | 32;
  inChannels?: number;
  numClasses?: number;
  rng?: Random;
}

export class LeNet5 extends Module {
  static override className = 'LeNet5';
  readonly features: Sequential;
  readonly classifier: Sequential;
  readonly inputSize: 28 | 32;
  readonly inChannels: number;
  readonly numClasses: number;

  constructor(options: LeNet5Options = {}) {
    super();
    this.inputSize = options.inputSize ?? 32;
    if (this.inputSize !== 28 && this.inputSize !== 32) throw new RangeError(`LeNet5: inputSize must be 28 or 32, got ${String(this.inputSize)}`);
    this.inChannels = options.inChannels ?? 1;
    this.numClasses = options.numClasses ?? 10;
    const rng = options.rng;
    this.features = this.registerModule('features', new Sequential(
      new Conv2d(this.inChannels, 6, 5, { padding: this.inputSize === 28 ? 2 : 0, rng }), new ReLU(), new MaxPool2d(2),
      new Conv2d(6, 16, 5, { rng }), new ReLU(), new MaxPool2d(2),
    ));
    this.classifier = this.registerModule('classifier', new Sequential(
      new Flatten(), new Linear(16 * 5 * 5, 120, { rng }), new ReLU(), new Linear(120, 84, { rng }), new ReLU(),
      new Linear(84, this.numClasses, { rng }),
    ));
  }

  forward(x: Tensor): Tensor {
    return this.classifier.forward(this.features.forward(x));
  }

  override getConfig(): Record<string, unknown> {
    return { inputSize: this.inputSize, inChannels: this.inChannels, numClasses: this.numClasses };
  }

  static fromConfig(c: Record<string, unknown>): LeNet5 {
    return new LeNet5(c as LeNet5Options);
  }
}

/** LeNet-5 builder: lenet5() for 32x32, lenet5({ inputSize: 28 }) for Fashion-MNIST. */
export function lenet5(options: LeNet5Options = {}): LeNet5 {
  return new LeNet5(options);
}

registerModuleClass(LeNet5);
