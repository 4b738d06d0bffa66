import { describe, expect, it } from 'vitest';
import { ClassLoss, PointwiseLoss } from '../../src/backend/interface/loss';
import { classOracle, pointwiseOracle, type ClassName, type PointwiseName } from '../oracle/loss';
import { BACKEND_NAMES, expectClose, kernels, pattern } from '../helpers/backends';

const POINTWISE = Object.keys(PointwiseLoss) as PointwiseName[];
const CLASS = Object.keys(ClassLoss) as ClassName[];

/** Predictions and targets in each loss's domain, away from kinks. */
function pointwiseInputs(kind: PointwiseName, n: number): { y: Float32Array; t: Float32Array } {
  const a = pattern(n, 11), b = pattern(n, 12);
  const y = new Float32Array(n), t = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (kind === 'hinge' || kind === 'squaredHinge') { y[i] = 3 * a[i]!; t[i] = b[i]! < 0 ? -1 : 1; }
    else if (kind === 'binaryCrossEntropy') { y[i] = 0.02 + 0.96 * (a[i]! + 1) / 2; t[i] = (b[i]! + 1) / 2; }
    else if (kind === 'binaryCrossEntropyWithLogits') { y[i] = 20 * a[i]!; t[i] = (b[i]! + 1) / 2; }
    else { y[i] = 4 * a[i]!; t[i] = 4 * b[i]!; }
  }
  return { y, t };
}

describe.each(BACKEND_NAMES)('loss kernels on %s', (name) => {
  const K = () => kernels(name);

  describe.each(POINTWISE)('%s', (kind) => {
    it.each([[1, 1], [7, 1 / 7], [1000, 1], [33333, 1 / 33333]])('n=%i scale=%f matches the oracle', (n, scale) => {
      const { y, t } = pointwiseInputs(kind, n);
      const delta = 1.5;
      const oracle = pointwiseOracle(kind, y, t, delta);
      const out = new Float32Array(1);
      K().pointwiseLossForward(PointwiseLoss[kind], y, t, out, n, delta, scale);
      expectClose(out, [oracle.values.reduce((s, v) => s + v, 0) * scale], 1e-5, 1e-6);
      const dy = pattern(n, 13); // backward accumulates onto what is there
      const before = Float32Array.from(dy);
      K().pointwiseLossBackward(PointwiseLoss[kind], y, t, dy, n, delta, 0.5);
      expectClose(dy, oracle.grads.map((g, i) => before[i]! + 0.5 * g), 1e-5, 1e-5);
    });
  });

  describe.each(CLASS)('%s', (kind) => {
    it.each([[1, 1], [5, 3], [64, 10], [300, 129]])('N=%i C=%i matches the oracle', (N, C) => {
      const y = pattern(N * C, 21).map((v) => 3 * v);
      const t = Float32Array.from(pattern(N, 22), (v) => Math.floor(((v + 1) / 2) * C));
      const oracle = classOracle(kind, y, t, N, C);
      const out = new Float32Array(1);
      K().classLossForward(ClassLoss[kind], y, t, out, N, C, 1 / N);
      expectClose(out, [oracle.values.reduce((s, v) => s + v, 0) / N], 1e-5, 1e-6);
      const dy = pattern(N * C, 23);
      const before = Float32Array.from(dy);
      K().classLossBackward(ClassLoss[kind], y, t, dy, N, C, 2);
      expectClose(dy, oracle.grads.map((g, i) => before[i]! + 2 * g), 1e-5, 1e-5);
    });
  });

  it('crossEntropy is finite for logits of 1e4', () => {
    const y = new Float32Array([1e4, 0, -1e4, 5e3]);
    const out = new Float32Array(1);
    K().classLossForward(ClassLoss.crossEntropy, y, new Float32Array([1, 0]), out, 2, 2, 1);
    expect(out[0]).toBe(1e4 + 1.5e4);
    const dy = new Float32Array(4);
    K().classLossBackward(ClassLoss.crossEntropy, y, new Float32Array([1, 0]), dy, 2, 2, 1);
    expect(Array.from(dy)).toEqual([1, -1, -1, 1]);
  });

  it('binaryCrossEntropyWithLogits is finite for logits of +-100', () => {
    const out = new Float32Array(1);
    K().pointwiseLossForward(PointwiseLoss.binaryCrossEntropyWithLogits, new Float32Array([100, -100]), new Float32Array([0, 1]), out, 2, 0, 1);
    expectClose(out, [200], 1e-6, 0);
  });

  it('rejects class indices out of range or fractional', () => {
    const y = new Float32Array(6), out = new Float32Array(1);
    for (const bad of [3, -1, 1.5, NaN]) {
      expect(() => K().classLossForward(ClassLoss.crossEntropy, y, new Float32Array([0, bad]), out, 2, 3, 1)).toThrow(RangeError);
      expect(() => K().classLossBackward(ClassLoss.multiMargin, y, new Float32Array([bad, 0]), new Float32Array(6), 2, 3, 1)).toThrow(/class index/);
    }
  });
});

describe('loss binding argument checks', () => {
  const native = () => kernels('native') as unknown as Record<string, (...args: unknown[]) => void>;
  it('names the argument on a short buffer, a bad kind or a wrong type', () => {
    const f = new Float32Array(4);
    expect(() => native().pointwiseLossForward(0, f, new Float32Array(2), f, 4, 0, 1)).toThrow(/\bt has 2 elements, needs at least 4/);
    expect(() => native().pointwiseLossForward(9, f, f, f, 4, 0, 1)).toThrow(RangeError);
    expect(() => native().classLossBackward(0, f, f, [0, 0, 0, 0], 2, 2, 1)).toThrow(TypeError);
    expect(() => native().classLossForward(2, f, f, f, 2, 3, 1)).toThrow(/N\*C/);
  });
});
