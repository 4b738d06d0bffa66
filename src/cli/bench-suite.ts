/**
 * What `neurite bench` runs: every benchmark workload of the package, by group. Each kernel
 * family and model adds its entries here as it lands (the workloads themselves live next to
 * the harness in src/bench/).
 */
import { sgemmWorkload, SQUARE_SIZES, trainingSgemmShapes } from '../bench/gemm';
import { linearStepFlops, targetStepSpecs, trainingStepWorkload } from '../bench/steps';
import { conv2dWorkload, maxPool2dWorkload } from '../bench/conv';
import { cellStepWorkload, rnnTrainingStepWorkload } from '../bench/rnn';
import { batchNorm2dKernelWorkload, batchNorm2dLayerWorkload } from '../bench/batchnorm';
import type { Workload } from '../bench/workload';
import { GRU, LSTM } from '../nn/recurrent';
import { SequenceClassifier } from '../nn/sequence';
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
  // Whole training steps (forward, cross-entropy, backward, Adam) on one batch.
  entries.push({
    workload: trainingStepWorkload({
      name: 'train step mlp 784-256-128-10 b64', build: () => mlp(), input: [64, 784], classes: 10,
      flops: linearStepFlops(64, [784, 256, 128, 10]),
    }),
    group: 'step',
    js: true,
  });
  // CNN kernels: the convolutions of the two target networks, LeNet-5 at batch 64 (also on js)
  // and the CIFAR CNN at batch 32 (native only: seconds per call on js).
  const convLayers = [
    { shape: { N: 64, C: 6, H: 14, W: 14, OC: 16, K: 5 }, js: true },
    { shape: { N: 64, C: 1, H: 28, W: 28, OC: 6, K: 5, pad: 2 }, js: true },
    { shape: { N: 32, C: 3, H: 32, W: 32, OC: 32, K: 3, pad: 1 }, js: false },
    { shape: { N: 32, C: 32, H: 32, W: 32, OC: 32, K: 3, pad: 1 }, js: false },
    { shape: { N: 32, C: 32, H: 16, W: 16, OC: 64, K: 3, pad: 1 }, js: false },
  ];
  for (const { shape, js } of convLayers) {
    for (const pass of ['forward', 'input', 'weight'] as const) {
      entries.push({ workload: conv2dWorkload(shape, pass), group: 'kernel', js });
    }
  }
  entries.push({ workload: maxPool2dWorkload(64, 6, 28, 28), group: 'kernel', js: true });
  entries.push({ workload: batchNorm2dKernelWorkload(32, 64, 16, 16), group: 'kernel', js: true });
  entries.push({ workload: batchNorm2dLayerWorkload(32, 64, 16, 16), group: 'kernel', js: true });
  // Recurrent cells (one fused step, forward and backward) and recurrent training steps.
  for (const cell of ['lstm', 'gru'] as const) entries.push({ workload: cellStepWorkload({ cell, B: 64, H: 256 }), group: 'kernel', js: true });
  for (const [cell, Layer] of [['lstm', LSTM], ['gru', GRU]] as const) {
    entries.push({
      workload: trainingStepWorkload({
        name: `train step ${cell} rows T28 I28 H128 b64`, input: [64, 28, 28], classes: 10,
        build: () => new SequenceClassifier(new Layer(28, 128, { batchFirst: true }), 10),
      }),
      group: 'step',
      js: true,
    });
  }
  // Forward and BPTT of a recurrent layer alone at the recurrent networks' target shape.
  for (const cell of ['lstm', 'gru'] as const) entries.push({ workload: rnnTrainingStepWorkload({ cell, T: 50, B: 32, I: 64, H: 128 }), group: 'step', js: true });
  // The training steps of the performance targets, LeNet-5 and the CIFAR CNN among them
  // (PyTorch runs the same in npm run bench:peers).
  for (const spec of targetStepSpecs()) {
    entries.push({ workload: trainingStepWorkload(spec), group: 'step', js: spec.key === 'lenet5' || spec.key === 'mlp' || spec.key === 'lstm128' || spec.key === 'gru128' });
  }
  return entries;
}
