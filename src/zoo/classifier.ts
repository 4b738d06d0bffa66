/**
 * The training recipe shared by the zoo's image classifiers (mlp, lenet5): seed, build,
 * Adam, fit with softmax cross-entropy and accuracy, then evaluate on the test split.
 */
import type { Module } from '../nn/module';
import { Adam } from '../optim/adam';
import { manualSeed } from '../random';
import type { Tensor } from '../tensor';
import { evaluate, fit, type Callbacks, type History } from '../train/fit';

export interface LabelledSplit {
  /** Images, values in [0, 1] (each zoo entry says which layouts it takes). */
  x: Tensor;
  /** Class indices (N). */
  y: Tensor;
}

export interface ClassifierTrainOptions {
  train: LabelledSplit;
  test: LabelledSplit;
  /** Default 8. */
  epochs?: number;
  /** Default 64. */
  batchSize?: number;
  /** Adam learning rate (each zoo entry has its own default). */
  lr?: number;
  /** Seeds initialization, shuffling and dropout (default 0). */
  seed?: number;
  callbacks?: Callbacks;
  signal?: AbortSignal;
  /** Evaluate on the test split after every epoch (reported as valLoss/valAccuracy; default true). */
  validateEachEpoch?: boolean;
}

export interface ClassifierTrainResult<M extends Module> {
  model: M;
  history: History;
  testLoss: number;
  testAccuracy: number;
  seconds: number;
}

/** Trains `build()`'s model on already-shaped splits and reports test loss and accuracy. */
export async function trainClassifier<M extends Module>(
  build: () => M, train: LabelledSplit, test: LabelledSplit, options: ClassifierTrainOptions, defaultLr: number,
): Promise<ClassifierTrainResult<M>> {
  const started = performance.now();
  const seed = options.seed ?? 0;
  // Seed before building, so initialization is part of what the seed fixes.
  manualSeed(seed);
  const model = build();
  const optimizer = new Adam(model.parameters(), { lr: options.lr ?? defaultLr });
  const history = await fit(model, train, {
    loss: 'crossEntropy', optimizer, epochs: options.epochs ?? 8, batchSize: options.batchSize ?? 64,
    metrics: ['accuracy'], seed: seed + 1, callbacks: options.callbacks, signal: options.signal,
    validation: options.validateEachEpoch === false ? undefined : test,
  });
  const result = await evaluate(model, test, { loss: 'crossEntropy', metrics: ['accuracy'] });
  return { model, history, testLoss: result.loss!, testAccuracy: result.accuracy!, seconds: (performance.now() - started) / 1000 };
}
