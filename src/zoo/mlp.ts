/**
 * The multilayer perceptron of the default demo (`npm start`, `neurite train`): 784-256-128-10
 * with ReLU, trained with softmax cross-entropy and Adam. Its layers are a Sequential, so the
 * parameter names are PyTorch's for the same nn.Sequential: 0.weight, 0.bias, 2.weight, ...
 */
import { Dropout, Linear, ReLU, Sequential } from '../nn/layers';
import type { Module } from '../nn/module';
import { describe, formatShape } from '../tensor';
import { trainClassifier, type ClassifierTrainOptions, type ClassifierTrainResult, type LabelledSplit } from './classifier';

export interface MlpOptions {
  /** Input features (default 784, a flattened 28x28 image). */
  inputSize?: number;
  /** Hidden layer widths (default [256, 128]). */
  hidden?: number[];
  /** Output classes (default 10). */
  classes?: number;
  /** Dropout after each hidden ReLU, as the probability of dropping a unit (default 0: none). */
  dropProbability?: number;
}

/** Sequential(Linear, ReLU, [Dropout,] ..., Linear): outputs logits (N, classes). */
export function mlp(options: MlpOptions = {}): Sequential {
  const sizes = [options.inputSize ?? 784, ...(options.hidden ?? [256, 128])];
  const model = new Sequential();
  for (let i = 1; i < sizes.length; i++) {
    model.add(new Linear(sizes[i - 1]!, sizes[i]!)).add(new ReLU());
    if (options.dropProbability) model.add(new Dropout(options.dropProbability));
  }
  return model.add(new Linear(sizes[sizes.length - 1]!, options.classes ?? 10));
}

export type { LabelledSplit };

export interface TrainMlpOptions extends MlpOptions, ClassifierTrainOptions {}

export type TrainMlpResult = ClassifierTrainResult<Module>;

function flat(name: string, split: LabelledSplit, inputSize: number): LabelledSplit {
  if (!split || typeof split !== 'object') throw new TypeError(`trainMlp: ${name} must be { x, y }, got ${describe(split)}`);
  const n = split.x.shape[0]!;
  if (split.x.size !== n * inputSize) {
    throw new RangeError(`trainMlp: ${name}.x ${formatShape(split.x.shape)} does not hold ${inputSize} features per sample`);
  }
  return { x: split.x.rank === 2 ? split.x : split.x.reshape([n, inputSize]), y: split.y };
}

/**
 * Builds the MLP (seeded) and trains it on `train`, then reports loss and accuracy on `test`.
 *
 *   const { train, test } = loadFashionMnist({ layout: 'flat' });
 *   const { testAccuracy } = await trainMlp({ train, test, callbacks: { onEpochEnd: console.log } });
 */
export async function trainMlp(options: TrainMlpOptions): Promise<TrainMlpResult> {
  const inputSize = options.inputSize ?? 784;
  const train = flat('train', options.train, inputSize);
  const test = flat('test', options.test, inputSize);
  return trainClassifier<Module>(() => mlp(options), train, test, options, 1e-3);
}
