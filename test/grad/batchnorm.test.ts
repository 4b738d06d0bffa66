import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { add, batchNorm2d, full, getBackend, manualSeed, mul, randNormal, randUniform, setBackend, sum, type Tensor } from '../../src/index';
import { BACKEND_NAMES } from '../helpers/backends';
import { gradCheck } from '../helpers/gradcheck';

function weightedSum(y: Tensor): Tensor {
  manualSeed(99);
  return sum(mul(y, randUniform(y.shape, 0.5, 1.5)));
}

describe.each(BACKEND_NAMES)('batchNorm2d gradients on %s', (name) => {
  let previous: 'js' | 'native';
  beforeAll(() => { previous = getBackend(); setBackend(name); });
  afterAll(() => setBackend(previous));
  const tol = { eps: 1e-2, rtol: 3e-2, atol: 3e-3 };

  it('training mode without affine parameters, tracking running stats', () => {
    manualSeed(11);
    const rm = full([3], 0), rv = full([3], 1);
    gradCheck((x) => weightedSum(batchNorm2d(x, { runningMean: rm, runningVar: rv, training: true })), [randNormal([2, 3, 2, 3])], tol);
  });

  it('training mode with 1x1 spatial size (statistics over the batch only)', () => {
    manualSeed(12);
    gradCheck((x, g, b) => weightedSum(batchNorm2d(x, { weight: g, bias: b, training: true })),
      [randNormal([5, 2, 1, 1]), randNormal([2]), randNormal([2])], tol);
  });

  it('eval mode (input, weight, bias) with the running stats as constants', () => {
    manualSeed(13);
    const rm = randNormal([3]), rv = randUniform([3], 0.5, 2);
    gradCheck((x, g, b) => weightedSum(batchNorm2d(x, { weight: g, bias: b, runningMean: rm, runningVar: rv, training: false })),
      [randNormal([2, 3, 3, 2]), randNormal([3]), randNormal([3])], tol);
  });

  it('an input used twice accumulates both gradients', () => {
    manualSeed(14);
    gradCheck((x, g) => weightedSum(add(batchNorm2d(x, { weight: g }), mul(x, batchNorm2d(x, { weight: g, eps: 1e-3 })))),
      [randNormal([3, 2, 2, 2]), randNormal([2])], tol);
  });

  it('updates the running stats as PyTorch does (unbiased variance, momentum)', () => {
    const x = randNormal([4, 2, 3, 3]);
    const rm = full([2], 0.5), rv = full([2], 2);
    batchNorm2d(x, { runningMean: rm, runningVar: rv, momentum: 0.2 });
    for (let c = 0; c < 2; c++) {
      const v: number[] = [];
      for (let n = 0; n < 4; n++) for (let i = 0; i < 9; i++) v.push(x.data[(n * 2 + c) * 9 + i]!);
      const m = v.reduce((s, a) => s + a, 0) / v.length;
      const unbiased = v.reduce((s, a) => s + (a - m) ** 2, 0) / (v.length - 1);
      expect(rm.data[c]).toBeCloseTo(0.8 * 0.5 + 0.2 * m, 5);
      expect(rv.data[c]).toBeCloseTo(0.8 * 2 + 0.2 * unbiased, 5);
    }
  });
});
