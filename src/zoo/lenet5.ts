/**
 * Zoo entry: LeNet-5 on Fashion-MNIST, for `neurite train --model lenet5` and scripts. The
 * 28x28 variant (first convolution padded by 2, 61,706 parameters) trained with softmax
 * cross-entropy and Adam through fit(). With the defaults it reaches at least 85% test
 * accuracy on the class-balanced 10,000/2,000-image subset neurite ships:
 *
 *   const { train, test } = loadFashionMnist({ layout: 'NCHW' });
 *   const { testAccuracy } = await trainLenet5({ train, test, callbacks: { onEpochEnd: console.log } });
 */
import { LeNet5, lenet5 } from '../models/lenet';
import { Adam } from '../optim/adam';
import { manualSeed } from '../random';
import { evaluate, fit, type Callbacks, type History } from '../train/fit';
import { describe, formatShape, type Tensor } from '../tensor';

export interface Lenet5Split {
  /** Images [N, 1, 28, 28] or [N, 28, 28] (or flat [N, 784]), values in [0, 1]. */
  x: Tensor;
  /** Class indices [N]. */
  y: Tensor;
}

export interface TrainLenet5Options {
  train: Lenet5Split;
  test: Lenet5Split;
  /** Default 8. */
  epochs?: number;
  /** Default 64. */
  batchSize?: number;
  /** Adam learning rate (default 2e-3). */
  lr?: number;
  /** Seeds initialization and shuffling (default 0). */
  seed?: number;
  callbacks?: Callbacks;
  signal?: AbortSignal;
  /** Evaluate on the test split after every epoch (valLoss/valAccuracy; default true). */
  validateEachEpoch?: boolean;
}

export interface TrainLenet5Result {
  model: LeNet5;
  history: History;
  testLoss: number;
  testAccuracy: number;
  seconds: number;
}

function nchw(name: string, split: Lenet5Split): Lenet5Split {
  if (!split || typeof split !== 'object' || !split.x || !split.y) throw new TypeError(`trainLenet5: ${name} must be { x, y }, got ${describe(split)}`);
  const n = split.x.shape[0]!;
  if (split.x.size !== n * 784) throw new RangeError(`trainLenet5: ${name}.x ${formatShape(split.x.shape)} does not hold 28x28 images`);
  return { x: split.x.rank === 4 ? split.x : split.x.reshape([n, 1, 28, 28]), y: split.y };
}

/** Builds LeNet-5 for 28x28 inputs (seeded), trains it on `train` and reports on `test`. */
export async function trainLenet5(options: TrainLenet5Options): Promise<TrainLenet5Result> {
  const started = performance.now();
  const train = nchw('train', options.train);
  const test = nchw('test', options.test);
  const seed = options.seed ?? 0;
  manualSeed(seed);
  const model = lenet5({ inputSize: 28 });
  const optimizer = new Adam(model.parameters(), { lr: options.lr ?? 2e-3 });
  const history = await fit(model, train, {
    loss: 'crossEntropy', optimizer, epochs: options.epochs ?? 8, batchSize: options.batchSize ?? 64,
    metrics: ['accuracy'], seed: seed + 1, callbacks: options.callbacks, signal: options.signal,
    validation: options.validateEachEpoch === false ? undefined : test,
  });
  const result = await evaluate(model, test, { loss: 'crossEntropy', metrics: ['accuracy'] });
  return { model, history, testLoss: result.loss!, testAccuracy: result.accuracy!, seconds: (performance.now() - started) / 1000 };
}
