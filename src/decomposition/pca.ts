/**
 * PCA computed directly: the eigenvectors of the scatter matrix
 *
 *   S = 1/n sum_i (x_i - m)(x_i - m)^T        (D x D, m the mean of the rows)
 *
 * for its K largest eigenvalues. S is accumulated in chunks of rows with the sgemm kernel of the
 * active backend (Xc^T Xc, float32 products summed into float64), and the symmetric
 * eigendecomposition is ml-matrix's EVD (Householder tridiagonalization + implicit QL, float64):
 * about 3 s for D = 784 on one core.
 *
 * Eigenvector signs are made deterministic: the entry of largest magnitude in each component is
 * positive (sklearn's svd_flip does the same), so two fits of the same data agree.
 *
 * Not an incremental or randomized PCA: the whole D x D matrix is decomposed, which suits D up
 * to a few thousand.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { backend } from '../backend/registry';
import { acquire, release } from '../memory';
import { add, sub } from '../ops/binary';
import { linear, matmul } from '../ops/matmul';
import { keep } from '../scope';
import { describe, formatShape, Tensor } from '../tensor';

/** Rows per sgemm call when accumulating the scatter matrix (bounds the centred copy). */
const CHUNK_ROWS = 2048;

export interface PCAConfig {
  /** K, the number of principal components kept. */
  nComponents: number;
}

export class PCA {
  readonly nComponents: number;
  /** (D) mean of the training rows; set by fit(). */
  mean: Tensor | null = null;
  /** (K, D): row k is the unit eigenvector of S for its k-th largest eigenvalue. */
  components: Tensor | null = null;
  /** (K) eigenvalues of S, largest first: the variance of the data along each component. */
  explainedVariance: Float64Array = new Float64Array(0);
  /** (K) explainedVariance / trace(S): the fraction of the total variance each component holds. */
  explainedVarianceRatio: Float64Array = new Float64Array(0);
  /** trace(S), the total variance (sum of all D eigenvalues). */
  totalVariance = 0;

  constructor(config: PCAConfig) {
    const k = config?.nComponents as unknown;
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) {
      throw new RangeError(`PCA: nComponents must be a positive integer, got ${describe(k)}`);
    }
    this.nComponents = k;
  }

  /** Fits on x (N, D), N >= 1 rows of D features. Returns this. */
  fit(x: Tensor): this {
    checkMatrix('PCA.fit', x);
    const [N, D] = x.shape as [number, number];
    if (N < 1) throw new RangeError('PCA.fit: x has no rows');
    if (this.nComponents > D) {
      throw new RangeError(`PCA.fit: nComponents (${this.nComponents}) exceeds the number of features (${D})`);
    }
    const data = x.data;

    // Mean in float64.
    const mean = new Float64Array(D);
    for (let i = 0; i < N; i++) {
      const row = i * D;
      for (let j = 0; j < D; j++) mean[j] += data[row + j]!;
    }
    for (let j = 0; j < D; j++) mean[j] /= N;

    // S = 1/n Xc^T Xc, one chunk of centred rows at a time.
    const scatter = new Float64Array(D * D);
    const rowsPerChunk = Math.min(N, CHUNK_ROWS);
    const centred = acquire(rowsPerChunk * D);
    const partial = acquire(D * D);
    const B = backend();
    try {
      for (let start = 0; start < N; start += rowsPerChunk) {
        const rows = Math.min(rowsPerChunk, N - start);
        for (let i = 0; i < rows; i++) {
          const src = (start + i) * D, dst = i * D;
          for (let j = 0; j < D; j++) centred[dst + j] = data[src + j]! - mean[j]!;
        }
        B.sgemm(true, false, D, D, rows, 1 / N, centred, D, centred, D, 0, partial, D);
        for (let k = 0; k < D * D; k++) scatter[k] += partial[k]!;
      }
    } finally {
      release(centred);
      release(partial);
    }

    const { values, vectors } = symmetricEigen(scatter, D);
    let trace = 0;
    for (let j = 0; j < D; j++) trace += scatter[j * D + j]!;

    const K = this.nComponents;
    const components = new Float32Array(K * D);
    for (let k = 0; k < K; k++) {
      const v = vectors[k]!;
      let big = 0;
      for (let j = 0; j < D; j++) if (Math.abs(v[j]!) > Math.abs(v[big]!)) big = j;
      const sign = v[big]! < 0 ? -1 : 1;
      for (let j = 0; j < D; j++) components[k * D + j] = sign * v[j]!;
    }

    this.dispose();
    this.mean = keep(new Tensor(Float32Array.from(mean), [D]));
    this.components = keep(new Tensor(components, [K, D]));
    // Rounding can leave tiny negative eigenvalues for rank-deficient data: clamp them at 0.
    this.explainedVariance = Float64Array.from(values.slice(0, K), (v) => Math.max(v, 0));
    this.totalVariance = trace;
    this.explainedVarianceRatio = this.explainedVariance.map((v) => (trace > 0 ? v / trace : 0));
    return this;
  }

  /** Codes z = (x - m) W^T: x is (N, D), the result (N, K). Differentiable in x. */
  transform(x: Tensor): Tensor {
    const { mean, components } = this.fitted('transform');
    checkMatrix('PCA.transform', x);
    if (x.shape[1] !== mean.size) {
      throw new RangeError(`PCA.transform: x ${formatShape(x.shape)} must have ${mean.size} features`);
    }
    const centred = sub(x, mean);
    const z = linear(centred, components);
    // Disposing an intermediate cuts the graph, so keep it while gradients flow through it.
    if (!centred.requiresGrad) centred.dispose();
    return z;
  }

  /** Reconstructions x' = z W + m: z is (N, K), the result (N, D). Differentiable in z. */
  inverseTransform(z: Tensor): Tensor {
    const { mean, components } = this.fitted('inverseTransform');
    checkMatrix('PCA.inverseTransform', z);
    if (z.shape[1] !== this.nComponents) {
      throw new RangeError(`PCA.inverseTransform: z ${formatShape(z.shape)} must have ${this.nComponents} columns`);
    }
    const projected = matmul(z, components);
    const out = add(projected, mean);
    if (!projected.requiresGrad) projected.dispose();
    return out;
  }

  /** fit(x) then transform(x). */
  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  /** Frees the fitted tensors. */
  dispose(): void {
    this.mean?.dispose();
    this.components?.dispose();
    this.mean = null;
    this.components = null;
  }

  getConfig(): PCAConfig {
    return { nComponents: this.nComponents };
  }

  private fitted(fn: string): { mean: Tensor; components: Tensor } {
    if (!this.mean || !this.components) throw new Error(`PCA.${fn}: call fit() first`);
    return { mean: this.mean, components: this.components };
  }
}

function checkMatrix(fn: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${fn}: expected a Tensor, got ${describe(x)}`);
  if (x.rank !== 2) throw new RangeError(`${fn}: expected a 2-D tensor (N, D), got ${formatShape(x.shape)}`);
}

/**
 * Eigenvalues (descending) and unit eigenvectors of the symmetric D x D matrix `a` (row-major,
 * float64). vectors[k] goes with values[k].
 */
export function symmetricEigen(a: Float64Array, D: number): { values: number[]; vectors: Float64Array[] } {
  if (a.length !== D * D) throw new RangeError(`symmetricEigen: expected ${D * D} values, got ${a.length}`);
  const m = new Matrix(D, D);
  // Average the two triangles: float32 products leave S symmetric only up to rounding.
  for (let i = 0; i < D; i++) {
    for (let j = 0; j < D; j++) m.set(i, j, 0.5 * (a[i * D + j]! + a[j * D + i]!));
  }
  const evd = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  const vecs = evd.eigenvectorMatrix;
  const order = values.map((_, i) => i).sort((p, q) => values[q]! - values[p]!);
  return {
    values: order.map((i) => values[i]!),
    vectors: order.map((i) => Float64Array.from(vecs.getColumn(i))),
  };
}
