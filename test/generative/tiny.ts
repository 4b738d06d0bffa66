/** Helpers for the generative tests: small layers, data with a known covariance, principal angles. */
import { symmetricEigen } from '../../src/decomposition/pca';
import { Linear, ReLU, Sequential, Sigmoid, Tanh, tensor, type Module, type Random, type Tensor } from '../../src/index';

export type Act = 'none' | 'relu' | 'sigmoid' | 'tanh';

/** A Linear layer, followed by the activation `act` unless it is 'none'. */
export function dense(inFeatures: number, outFeatures: number, act: Act = 'none', rng?: Random): Module {
  const layer = new Linear(inFeatures, outFeatures, { rng });
  if (act === 'none') return layer;
  return new Sequential(layer, act === 'relu' ? new ReLU() : act === 'sigmoid' ? new Sigmoid() : new Tanh());
}

/** N rows with covariance Q^T diag(lambdas) Q (Q a random rotation) around mean m. */
export function gaussianData(N: number, lambdas: number[], rng: Random, shift = 0.5): Tensor {
  const D = lambdas.length;
  const q: Float64Array[] = [];
  while (q.length < D) {
    const v = Float64Array.from({ length: D }, () => rng.normal());
    for (const u of q) { let d = 0; for (let j = 0; j < D; j++) d += v[j]! * u[j]!; for (let j = 0; j < D; j++) v[j] -= d * u[j]!; }
    const n = Math.hypot(...v);
    q.push(v.map((x) => x / n));
  }
  const out = new Float32Array(N * D);
  for (let i = 0; i < N; i++) {
    for (let k = 0; k < D; k++) {
      const c = Math.sqrt(lambdas[k]!) * rng.normal();
      for (let j = 0; j < D; j++) out[i * D + j] += c * q[k]![j]!;
    }
    for (let j = 0; j < D; j++) out[i * D + j] += shift * (j % 3);
  }
  return tensor(out, [N, D]);
}

/** Cosines of the principal angles between the row spaces of a (K, D) and b (K, D). */
export function principalCosines(a: Float32Array, b: Float32Array, K: number, D: number): number[] {
  const ortho = (m: Float32Array) => {
    const rows: Float64Array[] = [];
    for (let k = 0; k < K; k++) {
      const v = Float64Array.from(m.subarray(k * D, (k + 1) * D));
      for (const u of rows) { let d = 0; for (let j = 0; j < D; j++) d += v[j]! * u[j]!; for (let j = 0; j < D; j++) v[j] -= d * u[j]!; }
      const n = Math.hypot(...v);
      rows.push(v.map((x) => x / n));
    }
    return rows;
  };
  const A = ortho(a), B = ortho(b);
  const M = A.map((u) => B.map((v) => u.reduce((s, x, j) => s + x * v[j]!, 0)));
  const MtM = new Float64Array(K * K);
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) for (let k = 0; k < K; k++) MtM[i * K + j] += M[k]![i]! * M[k]![j]!;
  return symmetricEigen(MtM, K).values.map((v) => Math.sqrt(Math.max(0, v)));
}

