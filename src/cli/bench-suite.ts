/**
 * What `neurite bench` runs: every benchmark workload of the package, by group. Each kernel
 * family and model adds its entries here as it lands (the workloads themselves live next to
 * the harness in src/bench/).
 */
import { sgemmWorkload, SQUARE_SIZES, trainingSgemmShapes } from '../bench/gemm';
import type { Workload } from '../bench/workload';

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
  return entries;
}
