import { describe, expect, it } from 'vitest';
import { bnApplyOracle, bnBackwardOracle, bnRunningOracle, bnStatsOracle, type BnCase } from '../oracle/batchnorm';
import { BACKEND_NAMES, expectClose, kernels, pattern, withThreads } from '../helpers/backends';
import type { BackendName } from '../../src/backend/backend';

const cases: BnCase[] = [
  { N: 2, C: 3, HW: 5, affine: true, momentum: 0.1, eps: 1e-5 },
  { N: 1, C: 1, HW: 7, affine: true, momentum: 0.3, eps: 1e-3 },
  { N: 5, C: 4, HW: 1, affine: false, momentum: 0.1, eps: 1e-5 },
  { N: 3, C: 7, HW: 12, affine: true, momentum: 0.01, eps: 1e-5 },
  { N: 4, C: 16, HW: 64, affine: false, momentum: 0.5, eps: 1e-2 },
  { N: 8, C: 5, HW: 300, affine: true, momentum: 0.1, eps: 1e-5 },
];
const label = (c: BnCase) => `N=${c.N} C=${c.C} HW=${c.HW} affine=${c.affine}`;
const none = new Float32Array(0);

function inputs(c: BnCase, seed: number) {
  const x = pattern(c.N * c.C * c.HW, seed);
  // An offset and a scale per channel, so the statistics are far from 0 and 1.
  for (let k = 0; k < x.length; k++) {
    const ch = Math.floor(k / c.HW) % c.C;
    x[k] = x[k]! * (0.5 + ch) + 3 * (ch - 1);
  }
  return {
    x,
    weight: c.affine ? pattern(c.C, seed + 1) : none,
    bias: c.affine ? pattern(c.C, seed + 2) : none,
    runningMean: pattern(c.C, seed + 3),
    runningVar: pattern(c.C, seed + 4).map((v) => 1 + v * 0.5),
    dout: pattern(c.N * c.C * c.HW, seed + 5),
    dx0: pattern(c.N * c.C * c.HW, seed + 6),
    dw0: pattern(c.C, seed + 7),
    db0: pattern(c.C, seed + 8),
  };
}

/** Every kernel output for one case: forward in both modes, then backward into pre-filled gradients. */
function runAll(name: BackendName, c: BnCase, seed: number) {
  const K = kernels(name);
  const d = inputs(c, seed);
  const size = c.N * c.C * c.HW;
  const train = {
    out: new Float32Array(size), mean: new Float32Array(c.C), invstd: new Float32Array(c.C),
    rm: d.runningMean.slice(), rv: d.runningVar.slice(),
  };
  K.batchNorm2dForwardTrain(d.x, d.weight, d.bias, train.out, train.mean, train.invstd, train.rm, train.rv, c.N, c.C, c.HW, c.momentum, c.eps);
  const evalOut = { out: new Float32Array(size), mean: new Float32Array(c.C), invstd: new Float32Array(c.C) };
  K.batchNorm2dForwardEval(d.x, d.weight, d.bias, d.runningMean, d.runningVar, evalOut.out, evalOut.mean, evalOut.invstd, c.N, c.C, c.HW, c.eps);
  const grads = (training: boolean, mean: Float32Array, invstd: Float32Array) => {
    const g = { dx: d.dx0.slice(), dw: c.affine ? d.dw0.slice() : none, db: c.affine ? d.db0.slice() : none };
    K.batchNorm2dBackward(d.dout, d.x, d.weight, mean, invstd, g.dx, g.dw, g.db, c.N, c.C, c.HW, training);
    return g;
  };
  return { d, train, evalOut, trainGrads: grads(true, train.mean, train.invstd), evalGrads: grads(false, evalOut.mean, evalOut.invstd) };
}

const plus = (a: ArrayLike<number>, b: ArrayLike<number>) => Float64Array.from(a, (v, i) => v + b[i]!);

describe.each(BACKEND_NAMES)('batchnorm on %s vs the float64 oracle', (backend) => {
  it.each(cases.map((c, i) => ({ c, i, l: label(c) })))('$l', ({ c, i }) => {
    const r = runAll(backend, c, 10 * i + 1);
    const { d } = r;
    const w = c.affine ? d.weight : null, b = c.affine ? d.bias : null;
    const stats = bnStatsOracle(c, d.x);
    // Training forward: output, saved statistics, running stats.
    expectClose(r.train.out, bnApplyOracle(c, d.x, stats.mean, stats.variance, w, b), 1e-5, 1e-5);
    expectClose(r.train.mean, stats.mean, 1e-6, 1e-6);
    expectClose(r.train.invstd, stats.variance.map((v) => 1 / Math.sqrt(v + c.eps)), 1e-6, 1e-7);
    const running = bnRunningOracle(c, d.runningMean, d.runningVar, stats.mean, stats.variance);
    expectClose(r.train.rm, running.mean, 1e-6, 1e-6);
    expectClose(r.train.rv, running.variance, 1e-6, 1e-6);
    // Eval forward uses the running stats and leaves them alone.
    expectClose(r.evalOut.out, bnApplyOracle(c, d.x, d.runningMean, d.runningVar, w, b), 1e-5, 1e-5);
    // Backward accumulates into the pre-filled gradients.
    const gt = bnBackwardOracle(c, true, d.x, d.dout, stats.mean, stats.variance, w);
    expectClose(r.trainGrads.dx, plus(d.dx0, gt.dx), 1e-4, 1e-5);
    const ge = bnBackwardOracle(c, false, d.x, d.dout, d.runningMean, d.runningVar, w);
    expectClose(r.evalGrads.dx, plus(d.dx0, ge.dx), 1e-5, 1e-5);
    if (c.affine) {
      expectClose(r.trainGrads.dw, plus(d.dw0, gt.dweight), 1e-5, 1e-5);
      expectClose(r.trainGrads.db, plus(d.db0, gt.dbias), 1e-5, 1e-5);
      expectClose(r.evalGrads.dw, plus(d.dw0, ge.dweight), 1e-5, 1e-5);
      expectClose(r.evalGrads.db, plus(d.db0, ge.dbias), 1e-5, 1e-5);
    }
  });

  it('the training-mode dx sums to zero per channel and is orthogonal to xhat (the batch statistics absorb shifts and scales)', () => {
    const c: BnCase = { N: 4, C: 3, HW: 9, affine: true, momentum: 0.1, eps: 1e-5 };
    const K = kernels(backend);
    const d = inputs(c, 77);
    const out = new Float32Array(d.x.length), mean = new Float32Array(c.C), invstd = new Float32Array(c.C);
    K.batchNorm2dForwardTrain(d.x, d.weight, d.bias, out, mean, invstd, none, none, c.N, c.C, c.HW, c.momentum, c.eps);
    const dx = new Float32Array(d.x.length);
    K.batchNorm2dBackward(d.dout, d.x, d.weight, mean, invstd, dx, none, none, c.N, c.C, c.HW, true);
    for (let ch = 0; ch < c.C; ch++) {
      let s = 0, sx = 0, scale = 0;
      for (let n = 0; n < c.N; n++) {
        for (let i = 0; i < c.HW; i++) {
          const k = (n * c.C + ch) * c.HW + i;
          s += dx[k]!;
          sx += dx[k]! * (d.x[k]! - mean[ch]!) * invstd[ch]!;
          scale += Math.abs(dx[k]!);
        }
      }
      expect(Math.abs(s)).toBeLessThan(1e-5 * scale);
      expect(Math.abs(sx)).toBeLessThan(1e-4 * scale);
    }
  });
});

describe('batchnorm native vs js', () => {
  it.each(cases.map((c, i) => ({ c, i, l: label(c) })))('agree closely: $l', ({ c, i }) => {
    const a = runAll('native', c, 10 * i + 1), b = runAll('js', c, 10 * i + 1);
    expectClose(a.train.out, b.train.out, 1e-6, 1e-6);
    expectClose(a.train.rv, b.train.rv, 1e-6, 1e-7);
    expectClose(a.evalOut.out, b.evalOut.out, 1e-6, 1e-6);
    expectClose(a.trainGrads.dx, b.trainGrads.dx, 1e-5, 1e-6);
    expectClose(a.trainGrads.dw, b.trainGrads.dw, 1e-6, 1e-6);
  });

  it('native results are bit-identical for 1 and 2 threads', () => {
    const c: BnCase = { N: 6, C: 37, HW: 50, affine: true, momentum: 0.1, eps: 1e-5 };
    const one = withThreads(1, () => runAll('native', c, 5));
    const two = withThreads(2, () => runAll('native', c, 5));
    for (const [p, q] of [
      [one.train.out, two.train.out], [one.train.mean, two.train.mean], [one.train.invstd, two.train.invstd],
      [one.train.rm, two.train.rm], [one.train.rv, two.train.rv], [one.evalOut.out, two.evalOut.out],
      [one.trainGrads.dx, two.trainGrads.dx], [one.trainGrads.dw, two.trainGrads.dw], [one.trainGrads.db, two.trainGrads.db],
      [one.evalGrads.dx, two.evalGrads.dx],
    ] as const) expect(Buffer.from(p.buffer).equals(Buffer.from(q.buffer))).toBe(true);
  });

  it('the binding rejects short per-channel arrays with a RangeError naming them', () => {
    const K = kernels('native');
    const x = new Float32Array(12), out = new Float32Array(12), s = new Float32Array(3);
    expect(() => K.batchNorm2dForwardTrain(x, new Float32Array(2), none, out, s, s, none, none, 2, 3, 2, 0.1, 1e-5))
      .toThrow(/batchNorm2dForwardTrain.*weight has 2 elements, needs 0 \(absent\) or at least C \(3\)/);
    expect(() => K.batchNorm2dBackward(x, x, none, s, s, new Float32Array(5), none, none, 2, 3, 2, true)).toThrow(RangeError);
  });
});
