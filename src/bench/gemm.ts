/**
 * sgemm workloads: square products (M=N=K) and the shapes training runs into (a batch of 32-128
 * rows against layers 64-2048 wide, with every transpose: forward x·Wᵀ, dX = dY·W, dW = dYᵀ·X).
 *
 * Inputs are deterministic values in [-1, 1), allocated once in setup(); beta = 0.
 */
import { backend } from '../backend/registry';
import { filled, type Workload } from './workload';

export interface SgemmShape {
  M: number;
  N: number;
  K: number;
  transA?: boolean;
  transB?: boolean;
}

export function sgemmName(s: SgemmShape): string {
  const t = `${s.transA ? 'T' : 'N'}${s.transB ? 'T' : 'N'}`;
  return `sgemm ${t} ${s.M}x${s.N}x${s.K}`;
}

/** C (M, N) := op(A) (M, K) · op(B) (K, N) on the backend active at setup(). */
export function sgemmWorkload(s: SgemmShape): Workload {
  const { M, N, K } = s;
  const transA = s.transA ?? false, transB = s.transB ?? false;
  return {
    name: sgemmName(s),
    flops: 2 * M * N * K,
    bytes: 4 * (M * K + K * N + M * N),
    setup() {
      const A = filled(M * K, 1), B = filled(K * N, 2), C = new Float32Array(M * N);
      const lda = transA ? M : K, ldb = transB ? K : N;
      const kernels = backend();
      return () => kernels.sgemm(transA, transB, M, N, K, 1, A, lda, B, ldb, 0, C, N);
    },
  };
}

/** Square sizes benchmarked by default; 2048 is opt-in for the js backend (it takes seconds per call). */
export const SQUARE_SIZES = [64, 256, 1024] as const;
export const LARGE_SQUARE_SIZES = [2048] as const;

export function squareSgemmWorkloads(sizes: readonly number[] = SQUARE_SIZES): Workload[] {
  return sizes.map((n) => sgemmWorkload({ M: n, N: n, K: n }));
}

/** (rows, in, out) of linear layers in small training runs. */
const TRAINING_LAYERS: ReadonlyArray<readonly [number, number, number]> = [
  [128, 784, 512],
  [64, 2048, 256],
  [32, 512, 2048],
  [128, 1024, 64],
];

/**
 * The three GEMMs of each training layer with `rows` = batch: forward y = x·Wᵀ (NT),
 * input gradient dx = dy·W (NN), weight gradient dW = dyᵀ·x (TN), plus x·W for weights stored
 * (in, out) (the remaining TT case uses the forward shape).
 */
export function trainingSgemmShapes(): SgemmShape[] {
  const shapes: SgemmShape[] = [];
  for (const [rows, inp, out] of TRAINING_LAYERS) {
    shapes.push({ M: rows, N: out, K: inp, transA: false, transB: true });
    shapes.push({ M: rows, N: inp, K: out, transA: false, transB: false });
    shapes.push({ M: out, N: inp, K: rows, transA: true, transB: false });
    shapes.push({ M: rows, N: out, K: inp, transA: true, transB: true });
  }
  return shapes;
}

export function trainingSgemmWorkloads(): Workload[] {
  return trainingSgemmShapes().map(sgemmWorkload);
}
