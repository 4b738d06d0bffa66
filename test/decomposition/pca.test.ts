import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PCA, symmetricEigen } from '../../src/decomposition/pca';
import { getBackend, setBackend, sum, tensor, Random } from '../../src/index';
import { BACKEND_NAMES } from '../helpers/backends';

/** A random D x D orthogonal matrix (rows orthonormal), by Gram-Schmidt on normal draws. */
function randomOrthogonal(D: number, rng: Random): Float64Array[] {
  const rows: Float64Array[] = [];
  while (rows.length < D) {
    const v = Float64Array.from({ length: D }, () => rng.normal());
    for (const q of rows) {
      let d = 0;
      for (let j = 0; j < D; j++) d += v[j]! * q[j]!;
      for (let j = 0; j < D; j++) v[j] -= d * q[j]!;
    }
    const norm = Math.hypot(...v);
    if (norm < 1e-6) continue;
    rows.push(v.map((x) => x / norm));
  }
  return rows;
}

/**
 * Data whose scatter matrix is exactly sum_j lambda_j q_j q_j^T: the 2D points m +/- sqrt(D lambda_j) q_j.
 */
function dataWithSpectrum(q: Float64Array[], lambdas: number[], m: number[]): number[][] {
  const D = q.length;
  const rows: number[][] = [];
  for (let j = 0; j < D; j++) {
    const r = Math.sqrt(D * lambdas[j]!);
    for (const s of [1, -1]) rows.push(m.map((mk, k) => mk + s * r * q[j]![k]!));
  }
  return rows;
}

describe('symmetricEigen', () => {
  it('recovers a matrix with a known spectrum', () => {
    const D = 6;
    const rng = new Random(3);
    const q = randomOrthogonal(D, rng);
    const lambdas = [9, 5, 4, 2.5, 1, 0.25];
    const a = new Float64Array(D * D);
    for (let k = 0; k < D; k++) for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) a[i * D + j] += lambdas[k]! * q[k]![i]! * q[k]![j]!;
    const { values, vectors } = symmetricEigen(a, D);
    values.forEach((v, k) => expect(v).toBeCloseTo(lambdas[k]!, 10));
    vectors.forEach((v, k) => {
      let dot = 0;
      for (let j = 0; j < D; j++) dot += v[j]! * q[k]![j]!;
      expect(Math.abs(dot)).toBeCloseTo(1, 10);
    });
  });
});

describe.each(BACKEND_NAMES)('PCA on %s', (name) => {
  let previous: 'js' | 'native';
  beforeAll(() => { previous = getBackend(); setBackend(name); });
  afterAll(() => setBackend(previous));

  const D = 8;
  const lambdas = [16, 8, 4, 2, 1, 0.5, 0.25, 0.125];
  const rng = new Random(11);
  const q = randomOrthogonal(D, rng);
  const m = Array.from({ length: D }, (_, k) => k - 3.5);
  const rows = dataWithSpectrum(q, lambdas, m);
  const x = tensor(rows);

  it('finds the eigenvalues, eigenvectors and mean of a known scatter matrix', () => {
    const pca = new PCA({ nComponents: 3 }).fit(x);
    for (let k = 0; k < 3; k++) expect(pca.explainedVariance[k]).toBeCloseTo(lambdas[k]!, 3);
    const total = lambdas.reduce((a, b) => a + b, 0);
    expect(pca.totalVariance).toBeCloseTo(total, 3);
    for (let k = 0; k < 3; k++) expect(pca.explainedVarianceRatio[k]).toBeCloseTo(lambdas[k]! / total, 4);
    const W = pca.components!.data;
    for (let k = 0; k < 3; k++) {
      let dot = 0;
      for (let j = 0; j < D; j++) dot += W[k * D + j]! * q[k]![j]!;
      expect(Math.abs(dot)).toBeCloseTo(1, 4);
    }
    pca.mean!.toArray().forEach((v, j) => expect(v).toBeCloseTo(m[j]!, 4));
  });

  it('reconstruction error is the sum of the discarded eigenvalues', () => {
    for (const K of [1, 4, 8]) {
      const pca = new PCA({ nComponents: K }).fit(x);
      const z = pca.transform(x);
      expect(z.shape).toEqual([2 * D, K]);
      const back = pca.inverseTransform(z);
      let err = 0;
      for (let i = 0; i < x.size; i++) err += (back.data[i]! - x.data[i]!) ** 2;
      err /= rows.length;
      const expected = lambdas.slice(K).reduce((a, b) => a + b, 0);
      expect(err).toBeCloseTo(expected, 3);
      // The codes have the component variances on the diagonal of their covariance.
      for (let k = 0; k < K; k++) {
        let v = 0;
        for (let i = 0; i < rows.length; i++) v += z.data[i * K + k]! ** 2;
        expect(v / rows.length).toBeCloseTo(lambdas[k]!, 3);
      }
    }
  });

  it('gives the same components on a refit (deterministic signs)', () => {
    const a = new PCA({ nComponents: 2 }).fit(x).components!.toArray();
    const b = new PCA({ nComponents: 2 }).fit(x).components!.toArray();
    expect(b).toEqual(a);
  });

  it('lets gradients flow through transform', () => {
    const pca = new PCA({ nComponents: 2 }).fit(x);
    const input = tensor(rows.slice(0, 3));
    input.requiresGrad = true;
    sum(pca.transform(input)).backward();
    // d(sum z)/dx = sum over k of component k.
    const W = pca.components!.data;
    for (let j = 0; j < D; j++) expect(input.grad!.data[j]).toBeCloseTo(W[j]! + W[D + j]!, 5);
  });

  it('rejects bad arguments', () => {
    expect(() => new PCA({ nComponents: 0 })).toThrow(RangeError);
    expect(() => new PCA({ nComponents: 9 }).fit(x)).toThrow(/exceeds the number of features/);
    expect(() => new PCA({ nComponents: 2 }).transform(x)).toThrow(/fit\(\) first/);
    const pca = new PCA({ nComponents: 2 }).fit(x);
    expect(() => pca.transform(tensor([[1, 2]]))).toThrow(RangeError);
    expect(() => pca.inverseTransform(tensor([[1, 2, 3]]))).toThrow(/2 columns/);
    expect(() => pca.fit(tensor([1, 2, 3]))).toThrow(/2-D/);
  });
});
