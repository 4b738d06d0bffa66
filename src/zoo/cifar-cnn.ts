/**
 * A small CNN for 32x32 colour images (CIFAR-10), used by `neurite train --model cnn`: the
 * CIFAR CNN of the performance targets (as in src/bench/conv.ts): conv 32@3x3, ReLU,
 * conv 32@3x3, ReLU, max pool 2, conv 64@3x3, ReLU, max pool 2, fc 256, ReLU, fc classes. Same-padded convolutions, so any H and W divisible by 4 work
 * (28x28 Fashion-MNIST too). A Sequential of registered layers: saveModel/loadModel round-trip.
 */
import { Conv2d } from '../nn/conv';
import { Flatten, Linear, ReLU, Sequential } from '../nn/layers';
import { MaxPool2d } from '../nn/pooling';

export interface SmallCnnOptions {
  inChannels?: number;
  /** Input height and width (default 32); both must be divisible by 4. */
  height?: number;
  width?: number;
  numClasses?: number;
}

/** Sequential(conv, ReLU, conv, ReLU, pool, conv, ReLU, pool, Flatten, Linear, ReLU, Linear): logits (N, classes). */
export function smallCnn(options: SmallCnnOptions = {}): Sequential {
  const c = options.inChannels ?? 3, h = options.height ?? 32, w = options.width ?? 32;
  if (h % 4 !== 0 || w % 4 !== 0) throw new RangeError(`smallCnn: height and width must be divisible by 4, got ${h}x${w}`);
  return new Sequential(
    new Conv2d(c, 32, 3, { padding: 1 }), new ReLU(), new Conv2d(32, 32, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2),
    new Conv2d(32, 64, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Linear(64 * (h / 4) * (w / 4), 256), new ReLU(), new Linear(256, options.numClasses ?? 10),
  );
}
