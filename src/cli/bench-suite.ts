/**
 * What `neurite bench` runs: every benchmark workload of the package, by group. Each kernel
 * family and model adds its entries here as it lands (the workloads themselves live next to
 * the harness in src/bench/).
 */
import { sgemmWorkload, SQUARE_SIZES, trainingSgemmShapes } from '../bench/gemm';
import { linearStepFlops, trainingStepWorkload } from '../bench/steps';
import type { Workload } from '../bench/workload';
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
  return entries;
}
