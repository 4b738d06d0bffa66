import { describe, expect, it } from 'vitest';
import { adamOracle, rmspropOracle, sgdOracle } from '../oracle/optim';
import { getIsa, setIsa, supportedIsas } from '../../src/info';
import { BACKEND_NAMES, expectClose, kernels, pattern, sameBits } from '../helpers/backends';

const n = 40000; // above the parallel grain, so the native kernels split over threads

describe.each(BACKEND_NAMES)('optim kernels on %s', (name) => {
  const K = () => kernels(name);

  it.each([
    { momentum: 0, dampening: 0, wd: 0, nesterov: false },
    { momentum: 0.9, dampening: 0, wd: 0.01, nesterov: false },
    { momentum: 0.9, dampening: 0, wd: 0, nesterov: true },
    { momentum: 0.5, dampening: 0.3, wd: 0.1, nesterov: false },
  ])('sgdStep over 3 steps matches the oracle: %o', (c) => {
    const p = pattern(n, 1), buf = new Float32Array(n);
    const op = Array.from(p), ob = new Array<number>(n).fill(0);
    for (let s = 0; s < 3; s++) {
      const g = pattern(n, 10 + s);
      K().sgdStep(p, g, buf, n, 0.1, c.momentum, c.dampening, c.wd, c.nesterov, s === 0);
      sgdOracle(op, Array.from(g), ob, { lr: 0.1, ...c, first: s === 0 });
    }
    expectClose(p, op, 1e-5, 1e-6);
    if (c.momentum !== 0) expectClose(buf, ob, 1e-5, 1e-6);
  });

  it.each([false, true])('adamStep over 3 steps matches the oracle (decoupled %s)', (decoupled) => {
    const p = pattern(n, 2), m = new Float32Array(n), v = new Float32Array(n);
    const op = Array.from(p), om = new Array<number>(n).fill(0), ov = new Array<number>(n).fill(0);
    for (let step = 1; step <= 3; step++) {
      const g = pattern(n, 20 + step);
      K().adamStep(p, g, m, v, n, 0.01, 0.9, 0.999, 1e-8, 0.05, step, decoupled);
      adamOracle(op, Array.from(g), om, ov, { lr: 0.01, b1: 0.9, b2: 0.999, eps: 1e-8, wd: 0.05, step, decoupled });
    }
    expectClose(p, op, 1e-5, 1e-6);
    expectClose(m, om, 1e-5, 1e-6);
    expectClose(v, ov, 1e-4, 1e-7);
  });

  it.each([0, 0.9])('rmspropStep over 3 steps matches the oracle (momentum %f)', (momentum) => {
    const p = pattern(n, 3), sq = new Float32Array(n), buf = new Float32Array(n);
    const op = Array.from(p), osq = new Array<number>(n).fill(0), ob = new Array<number>(n).fill(0);
    for (let s = 0; s < 3; s++) {
      const g = pattern(n, 30 + s);
      K().rmspropStep(p, g, sq, buf, n, 0.01, 0.99, 1e-8, 0.01, momentum);
      rmspropOracle(op, Array.from(g), osq, ob, { lr: 0.01, alpha: 0.99, eps: 1e-8, wd: 0.01, momentum });
    }
    expectClose(p, op, 1e-4, 1e-6);
  });

  it('penaltyGrad adds l1 sign(p) + 2 l2 p', () => {
    const p = new Float32Array([2, -1, 0, 0.5]), g = new Float32Array([1, 1, 1, 1]);
    K().penaltyGrad(p, g, 4, 0.1, 0.25);
    expectClose(g, [1 + 0.1 + 1, 1 - 0.1 - 0.5, 1, 1 + 0.1 + 0.25]);
  });

  it('maxNormRows clamps only rows above the limit', () => {
    const w = new Float32Array([3, 4, 0.3, 0.4, 0, 0]); // norms 5, 0.5, 0
    K().maxNormRows(w, 3, 2, 2);
    expectClose(w, [3 * 2 / 5, 4 * 2 / 5, 0.3, 0.4, 0, 0], 1e-6, 1e-7);
  });

  it('clipValue clamps and keeps NaN; sumSquares sums squares', () => {
    const x = new Float32Array([-5, 0.5, 7, NaN]);
    K().clipValue(x, 4, -1, 1);
    expect(Array.from(x)).toEqual([-1, 0.5, 1, NaN]);
    const out = new Float32Array(1);
    const big = pattern(n, 4);
    K().sumSquares(big, n, out);
    expectClose(out, [Array.from(big).reduce((s, v) => s + v * v, 0)], 1e-6, 0);
  });
});

describe('optim binding argument checks', () => {
  const native = () => kernels('native') as unknown as Record<string, (...args: unknown[]) => void>;
  it('rejects short buffers, step 0 and wrong types', () => {
    const f = new Float32Array(4);
    expect(() => native().adamStep(f, f, f, new Float32Array(2), 4, 0.1, 0.9, 0.999, 1e-8, 0, 1, false)).toThrow(/expAvgSq/);
    expect(() => native().adamStep(f, f, f, f, 4, 0.1, 0.9, 0.999, 1e-8, 0, 0, false)).toThrow(RangeError);
    expect(() => native().sgdStep(f, f, new Float32Array(0), 4, 0.1, 0.9, 0, 0, false, true)).toThrow(/buf/);
    expect(() => native().sgdStep(f, f, new Float32Array(0), 4, 0.1, 0, 0, 0, 'no', true)).toThrow(TypeError);
    expect(() => native().maxNormRows(f, 3, 2, 1)).toThrow(/rows\*cols/);
  });
});

describe('adamStep on every ISA', () => {
  // The AVX-512 loop (16 lanes), the SSE2 one (4) and the scalar tail compute the same
  // operations in the same order: the bits must not depend on the ISA. 40,003 elements
  // leave a tail for each.
  it('gives the same bits whichever ISA runs it', () => {
    const before = getIsa();
    const run = () => {
      const p = pattern(n + 3, 2), m = new Float32Array(n + 3), v = new Float32Array(n + 3);
      for (let step = 1; step <= 3; step++) {
        kernels('native').adamStep(p, pattern(n + 3, 20 + step), m, v, n + 3, 0.01, 0.9, 0.999, 1e-8, 0.05, step, step === 2);
      }
      return [p, m, v];
    };
    try {
      const results = supportedIsas().map((isa) => { setIsa(isa); return run(); });
      for (const r of results.slice(1)) for (let k = 0; k < 3; k++) expect(sameBits(r[k]!, results[0]![k]!)).toBe(true);
    } finally {
      setIsa(before);
    }
  });
});
