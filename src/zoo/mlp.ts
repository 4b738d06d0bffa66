/**
 * The multilayer perceptron of the default demo (`npm start`, `neurite train`): 784-256-128-10
 * with ReLU, trained with softmax cross-entropy and Adam. Its layers are a Sequential, so the
 * parameter names are PyTorch's for the same nn.Sequential: 0.weight, 0.bias, 2.weight, ...
 */
import { Dropout, Linear, ReLU, Sequential } from '../nn/layers';
import type { Module } from '../nn/module';
import { Adam } from '../optim/adam';
import { manualSeed } from '../random';
import { evaluate, fit, type Callbacks, type History } from '../train/fit';
import { describe, formatShape, type Tensor } from '../tensor';

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

export interface LabelledSplit {
  /** Images (N, 784) or (N, 28, 28), values in [0, 1]. */
  x: Tensor;
  /** Class indices (N). */
  y: Tensor;
}

export interface TrainMlpOptions extends MlpOptions {
  train: LabelledSplit;
  test: LabelledSplit;
  /** Default 8. */
  epochs?: number;
  /** Default 64. */
  batchSize?: number;
  /** Adam learning rate (default 1e-3). */
  lr?: number;
  /** Seeds initialization, shuffling and dropout (default 0). */
  seed?: number;
  callbacks?: Callbacks;
  signal?: AbortSignal;
  /** Evaluate on the test split after every epoch (reported as valLoss/valAccuracy; default true). */
  validateEachEpoch?: boolean;
}

export interface TrainMlpResult {
  model: Module;
  history: History;
  testLoss: number;
  testAccuracy: number;
  seconds: number;
}

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
  const started = performance.now();
  const inputSize = options.inputSize ?? 784;
  const train = flat('train', options.train, inputSize);
  const test = flat('test', options.test, inputSize);
  const seed = options.seed ?? 0;
  // Seed before building, so initialization is part of what the seed fixes.
  manualSeed(seed);
  const model = mlp(options);
  const optimizer = new Adam(model.parameters(), { lr: options.lr ?? 1e-3 });
  const history = await fit(model, train, {
    loss: 'crossEntropy', optimizer, epochs: options.epochs ?? 8, batchSize: options.batchSize ?? 64,
    metrics: ['accuracy'], seed: seed + 1, callbacks: options.callbacks, signal: options.signal,
    validation: options.validateEachEpoch === false ? undefined : test,
  });
  const result = await evaluate(model, test, { loss: 'crossEntropy', metrics: ['accuracy'] });
  return { model, history, testLoss: result.loss!, testAccuracy: result.accuracy!, seconds: (performance.now() - started) / 1000 };
}
