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
import { describe, formatShape } from '../tensor';
import { trainClassifier, type ClassifierTrainOptions, type ClassifierTrainResult, type LabelledSplit } from './classifier';

/** Images [N, 1, 28, 28] or [N, 28, 28] (or flat [N, 784]), values in [0, 1]; class indices [N]. */
export type Lenet5Split = LabelledSplit;

/** Adam's learning rate defaults to 2e-3 here. */
export type TrainLenet5Options = ClassifierTrainOptions;

export type TrainLenet5Result = ClassifierTrainResult<LeNet5>;

function nchw(name: string, split: Lenet5Split): Lenet5Split {
  if (!split || typeof split !== 'object' || !split.x || !split.y) throw new TypeError(`trainLenet5: ${name} must be { x, y }, got ${describe(split)}`);
  const n = split.x.shape[0]!;
  if (split.x.size !== n * 784) throw new RangeError(`trainLenet5: ${name}.x ${formatShape(split.x.shape)} does not hold 28x28 images`);
  return { x: split.x.rank === 4 ? split.x : split.x.reshape([n, 1, 28, 28]), y: split.y };
}

/** Builds LeNet-5 for 28x28 inputs (seeded), trains it on `train` and reports on `test`. */
export async function trainLenet5(options: TrainLenet5Options): Promise<TrainLenet5Result> {
  const train = nchw('train', options.train);
  const test = nchw('test', options.test);
  return trainClassifier(() => lenet5({ inputSize: 28 }), train, test, options, 2e-3);
}
