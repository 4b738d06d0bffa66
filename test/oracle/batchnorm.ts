/**
 * Naive float64 reference for batch normalization over NCHW (viewed as N, C, HW): the textbook
 * formulas, one element at a time, with the statistics recomputed from scratch.
 */

export interface BnCase {
  N: number; C: number; HW: number;
  affine: boolean; momentum: number; eps: number;
}

const at = (c: BnCase, n: number, ch: number, i: number) => (n * c.C + ch) * c.HW + i;

/** Batch mean and biased variance per channel. */
export function bnStatsOracle(c: BnCase, x: ArrayLike<number>): { mean: Float64Array; variance: Float64Array } {
  const mean = new Float64Array(c.C), variance = new Float64Array(c.C);
  const count = c.N * c.HW;
  for (let ch = 0; ch < c.C; ch++) {
    let s = 0;
    for (let n = 0; n < c.N; n++) for (let i = 0; i < c.HW; i++) s += x[at(c, n, ch, i)]!;
    mean[ch] = s / count;
    let v = 0;
    for (let n = 0; n < c.N; n++) for (let i = 0; i < c.HW; i++) v += (x[at(c, n, ch, i)]! - mean[ch]!) ** 2;
    variance[ch] = v / count;
  }
  return { mean, variance };
}

/** y = (x - mean) / sqrt(var + eps) * weight + bias with the given per-channel statistics. */
export function bnApplyOracle(
  c: BnCase, x: ArrayLike<number>, mean: ArrayLike<number>, variance: ArrayLike<number>,
  weight: ArrayLike<number> | null, bias: ArrayLike<number> | null,
): Float64Array {
  const out = new Float64Array(c.N * c.C * c.HW);
  for (let n = 0; n < c.N; n++) {
    for (let ch = 0; ch < c.C; ch++) {
      for (let i = 0; i < c.HW; i++) {
        const k = at(c, n, ch, i);
        out[k] = ((x[k]! - mean[ch]!) / Math.sqrt(variance[ch]! + c.eps)) * (weight ? weight[ch]! : 1) + (bias ? bias[ch]! : 0);
      }
    }
  }
  return out;
}

/** PyTorch's running-stat update: r = (1 - momentum) r + momentum * stat, unbiased variance. */
export function bnRunningOracle(c: BnCase, rm: ArrayLike<number>, rv: ArrayLike<number>, mean: ArrayLike<number>, variance: ArrayLike<number>) {
  const count = c.N * c.HW;
  const m = Math.fround(c.momentum);
  return {
    mean: Float64Array.from(rm, (r, ch) => (1 - m) * r + m * mean[ch]!),
    variance: Float64Array.from(rv, (r, ch) => (1 - m) * r + (m * variance[ch]! * count) / (count - 1)),
  };
}

/**
 * Gradients of sum(dout * y) with respect to x, weight and bias. In training the statistics
 * are functions of x (the full chain rule, written out term by term); in eval they are constants.
 */
export function bnBackwardOracle(
  c: BnCase, training: boolean, x: ArrayLike<number>, dout: ArrayLike<number>,
  mean: ArrayLike<number>, variance: ArrayLike<number>, weight: ArrayLike<number> | null,
): { dx: Float64Array; dweight: Float64Array; dbias: Float64Array } {
  const count = c.N * c.HW;
  const dx = new Float64Array(c.N * c.C * c.HW), dweight = new Float64Array(c.C), dbias = new Float64Array(c.C);
  for (let ch = 0; ch < c.C; ch++) {
    const g = weight ? weight[ch]! : 1;
    const sd = Math.sqrt(variance[ch]! + c.eps);
    // dL/dxhat, dL/dvar and dL/dmean, as in the original batch-norm paper.
    let dvar = 0, dmean = 0;
    for (let n = 0; n < c.N; n++) {
      for (let i = 0; i < c.HW; i++) {
        const k = at(c, n, ch, i);
        const xhat = (x[k]! - mean[ch]!) / sd;
        dbias[ch] += dout[k]!;
        dweight[ch] += dout[k]! * xhat;
        const dxhat = dout[k]! * g;
        dvar += dxhat * (x[k]! - mean[ch]!) * -0.5 * sd ** -3;
        dmean += -dxhat / sd;
      }
    }
    for (let n = 0; n < c.N; n++) {
      for (let i = 0; i < c.HW; i++) {
        const k = at(c, n, ch, i);
        const dxhat = dout[k]! * g;
        dx[k] = training ? dxhat / sd + (dvar * 2 * (x[k]! - mean[ch]!)) / count + dmean / count : dxhat / sd;
      }
    }
  }
  return { dx, dweight, dbias };
}
