/**
 * What `neurite bench` runs: every benchmark workload of the package, by group. Each kernel
 * family and model adds its entries here as it lands (the workloads themselves live next to
 * the harness in src/bench/).
 */
import { CONV_SHAPES, conv2dWorkloads, pool2dWorkloads, POOL_SHAPES } from '../bench/conv';
import { sgemmWorkload, SQUARE_SIZES, trainingSgemmShapes } from '../bench/gemm';
import { cellStepWorkload, rnnTrainingStepWorkload } from '../bench/rnn';
import { linearStepFlops, trainingStepWorkload } from '../bench/steps';
import type { Workload } from '../bench/workload';
import { lenet5 } from '../models/lenet';
import { GRU, LSTM } from '../nn/recurrent';
import { SequenceClassifier } from '../nn/sequence';
import { smallCnn } from '../zoo/cifar-cnn';
import { mlp } from '../zoo/mlp';

export interface BenchEntry {
  workload: Workload;
  /** 'kernel' for one kernel call, 'step' for a whole training step. */
  group: 'kernel' | 'step';
  /** false when the js backend would take too long (it is then run only with --backend js). */
  js: boolean;
}

export function benchSuite(): BenchEntry[] {
  const entries: BenchEntry[] = [];
  for (const n of SQUARE_SIZES) entries.push({ workload: sgemmWorkload({ M: n, N: n, K: n }), group: 'kernel', js: true });
  // The forward GEMM of each training-sized linear layer (x·Wᵀ).
  for (const s of trainingSgemmShapes().filter((s) => !s.transA && s.transB)) {
    entries.push({ workload: sgemmWorkload(s), group: 'kernel', js: true });
  }
  for (const s of CONV_SHAPES) for (const w of conv2dWorkloads(s)) entries.push({ workload: w, group: 'kernel', js: true });
  for (const s of POOL_SHAPES) for (const w of pool2dWorkloads(s)) entries.push({ workload: w, group: 'kernel', js: true });
  for (const cell of ['lstm', 'gru'] as const) entries.push({ workload: cellStepWorkload({ cell, B: 64, H: 256 }), group: 'kernel', js: true });

  // Whole training steps (forward, cross-entropy, backward, Adam) on one batch.
  const step = (workload: Workload, js = true) => entries.push({ workload, group: 'step', js });
  step(trainingStepWorkload({
    name: 'train step mlp 784-256-128-10 b64', build: () => mlp(), input: [64, 784], classes: 10,
    flops: linearStepFlops(64, [784, 256, 128, 10]),
  }));
  step(trainingStepWorkload({ name: 'train step lenet5 28x28 b64', build: () => lenet5({ inputSize: 28 }), input: [64, 1, 28, 28], classes: 10 }));
  step(trainingStepWorkload({ name: 'train step cnn cifar 3x32x32 b32', build: () => smallCnn(), input: [32, 3, 32, 32], classes: 10 }));
  for (const [cell, Layer] of [['lstm', LSTM], ['gru', GRU]] as const) {
    step(trainingStepWorkload({
      name: `train step ${cell} rows T28 I28 H128 b64`, input: [64, 28, 28], classes: 10,
      build: () => new SequenceClassifier(new Layer(28, 128, { batchFirst: true }), 10),
    }));
  }
  // Forward and BPTT of a recurrent layer alone at the recurrent networks' target shape.
  for (const cell of ['lstm', 'gru'] as const) step(rnnTrainingStepWorkload({ cell, T: 50, B: 32, I: 64, H: 128 }));
  return entries;
}
