/**
 * Elementwise family: native and js against the naive float64 oracle in test/oracle/elementwise.ts.
 *
 * Error bounds (per element, e = oracle rounded to float32):
 * - add, sub, mul, div, max, min, neg, abs, square, relu, leaky relu forward, scale, bias add:
 *   exact (correctly rounded float32, so identical bits on every backend);
 * - sigmoid, tanh, exp, log, sqrt, softplus forward: |a - e| <= 1e-6 |e| + 1e-7 (a few ulps);
 * - unary backward (dx + dout * f'(x)): |a - e| <= 1e-5 |e| + 1e-6 (products rounded in float);
 * - axpy and the broadcast gradient unbroadcastSum (float sums of up to S terms of size <= 1):
 *   |a - e| <= 1e-6 |e| + 1.2e-7 * S.
 * NaN must meet NaN and an infinity must meet the same infinity.
 * The native exp, sigmoid, tanh, log and softplus (native/kernels/vec_math.h) are also held to
 * their stated maximum errors over a dense sweep: exp <= 2 ulp, sigmoid <= 4 ulp, tanh <= 4 ulp,
 * log <= 2 ulp, softplus <= 4 ulp for normal results, and under 2e-45 absolute for subnormal ones.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BinaryOp, UnaryOp } from '../../src/backend/interface/elementwise';
import {
  BACKEND_NAMES, SPECIALS, closeness, concatFloats, expectClose, expectSameFloats, kernels, pattern, sameBits, withThreads,
} from '../helpers/backends';
import {
  BINARY_OPS, UNARY_OPS, biasAddBackwardOracle, biasAddOracle, binaryOracle, broadcastShape, size, stridesIn,
  unaryBackwardOracle, unaryOracle, unbroadcastOracle, type UnaryName,
} from '../oracle/elementwise';

// ---------------------------------------------------------------------------------------------
// Broadcasting cases: output rank 0..5, stretched dims at the front, middle and back, lower-rank
// operands, both operands broadcast, and random masks. Sizes are 1, odd and prime.

interface BroadcastCase { label: string; a: number[]; b: number[] }

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const DIMS = [2, 3, 5, 7, 13];
function broadcastCases(): BroadcastCase[] {
  const rnd = lcg(7);
  const pick = () => DIMS[Math.floor(rnd() * DIMS.length)]!;
  const cases: BroadcastCase[] = [];
  const add = (label: string, a: number[], b: number[]) => cases.push({ label: `${label}: a=[${a}] b=[${b}]`, a, b });
  const stretch = (s: number[], dims: number[]) => s.map((d, i) => (dims.includes(i) ? 1 : d));
  for (let rank = 0; rank <= 5; rank++) {
    // Keep the element count small: big dims for low ranks, small ones beyond.
    const out = Array.from({ length: rank }, () => (rank <= 2 ? pick() * pick() : pick()));
    add(`rank ${rank} same shape`, out, out);
    add(`rank ${rank} b scalar`, out, []);
    add(`rank ${rank} a scalar`, [], out);
    if (rank === 0) continue;
    add(`rank ${rank} b stretched back`, out, stretch(out, [rank - 1]));
    add(`rank ${rank} a stretched back`, stretch(out, [rank - 1]), out);
    add(`rank ${rank} b all ones`, out, out.map(() => 1));
    add(`rank ${rank} b lower rank`, out, out.slice(1));
    if (rank >= 2) {
      add(`rank ${rank} b stretched front`, out, stretch(out, [0]));
      add(`rank ${rank} both stretched (a back, b front)`, stretch(out, [rank - 1]), stretch(out, [0]));
      add(`rank ${rank} b lower rank and stretched`, out, stretch(out, [rank - 1]).slice(1));
    }
    if (rank >= 3) {
      const mid = Math.floor(rank / 2);
      add(`rank ${rank} b stretched middle`, out, stretch(out, [mid]));
      add(`rank ${rank} both stretched (a middle, b front and back)`, stretch(out, [mid]), stretch(out, [0, rank - 1]));
      add(`rank ${rank} a lower rank, b stretched middle`, out.slice(2), stretch(out, [mid]));
    }
    for (let k = 0; k < 2; k++) {
      const ma = out.map((_, i) => (rnd() < 0.4 ? i : -1)).filter((i) => i >= 0);
      const mb = out.map((_, i) => (rnd() < 0.4 ? i : -1)).filter((i) => i >= 0);
      const dropA = Math.floor(rnd() * (rank + 1));
      add(`rank ${rank} random masks ${k}`, stretch(out, ma).slice(dropA), stretch(out, mb));
    }
  }
  // A dim of 1 in the output itself, and 1-element tensors.
  add('output dim 1', [1, 7, 1], [5, 1, 1]);
  add('single element', [1], [1, 1]);
  return cases;
}
const BROADCAST = broadcastCases();

const OP_CODES: Record<string, BinaryOp> = BinaryOp;
const UNARY_CODES: Record<UnaryName, UnaryOp> = UnaryOp;

/** Inputs in each op's domain, kept at least 1e-2 away from kinks (0 for relu, leaky relu, abs). */
function unaryInput(op: UnaryName, n: number, seed: number): Float32Array {
  const x = pattern(n, seed);
  for (let i = 0; i < n; i++) {
    let v = x[i]!;
    switch (op) {
      case 'log': case 'sqrt': v = 0.05 + 5 * Math.abs(v); break;
      case 'exp': v = 10 * v; break;
      case 'relu': case 'leakyRelu': case 'abs': v = (Math.abs(v) < 0.01 ? 0.5 : v) * 4; break;
      default: v = 6 * v;
    }
    x[i] = v;
  }
  return x;
}

const EXACT_UNARY = new Set<UnaryName>(['relu', 'leakyRelu', 'abs', 'square', 'neg']);

describe.each(BACKEND_NAMES)('elementwise on %s', (name) => {
  const B = () => kernels(name);

  describe('binaryForward with broadcasting (exact)', () => {
    it.each(BROADCAST)('$label', ({ a: aShape, b: bShape }) => {
      const shape = broadcastShape(aShape, bShape);
      const a = pattern(size(aShape), 1), b = pattern(size(bShape), 2);
      // Keep divisors away from 0.
      for (let i = 0; i < b.length; i++) if (Math.abs(b[i]!) < 0.05) b[i] = 0.75;
      for (const op of BINARY_OPS) {
        const out = new Float32Array(size(shape)).fill(NaN);
        B().binaryForward(OP_CODES[op]!, a, stridesIn(aShape, shape), b, stridesIn(bShape, shape), out, shape);
        expectSameFloats(out, binaryOracle(op, a, aShape, b, bShape).out, `${op} [${aShape}] [${bShape}]`);
      }
    });

    it('writes in place when out is a (same shape)', () => {
      const a = pattern(101, 3), b = pattern(101, 4);
      const expected = binaryOracle('mul', a, [101], b, [101]).out;
      B().binaryForward(BinaryOp.mul, a, [1], b, [1], a, [101]);
      expectSameFloats(a, expected, 'in place');
    });

    it('max and min follow Math.max/min on signed zeros and NaN', () => {
      const a = new Float32Array([0, -0, NaN, 1, -0]), b = new Float32Array([-0, 0, 1, NaN, -0]);
      for (const op of ['max', 'min'] as const) {
        const out = new Float32Array(5);
        B().binaryForward(OP_CODES[op]!, a, [1], b, [1], out, [5]);
        expectSameFloats(out, binaryOracle(op, a, [5], b, [5]).out, op);
      }
    });
  });

  describe('unbroadcastSum (gradient of a broadcast)', () => {
    it.each(BROADCAST)('$label', ({ a: aShape, b: bShape }) => {
      const shape = broadcastShape(aShape, bShape);
      const dout = pattern(size(shape), 5);
      for (const [which, s] of [['a', aShape], ['b', bShape]] as const) {
        const dx = pattern(size(s), 6);
        const expected = unbroadcastOracle(dout, shape, s);
        for (let i = 0; i < expected.length; i++) expected[i] += dx[i]!;
        B().unbroadcastSum(dout, shape, dx, stridesIn(s, shape));
        const terms = size(shape) / Math.max(1, size(s));
        expectClose(dx, expected, 1e-6, 1.2e-7 * (terms + 1));
        void which;
      }
    });
  });

  describe('unbroadcastSum on shapes large enough to split over the pool', () => {
    it.each([
      { shape: [389, 521], s: [521] }, { shape: [389, 521], s: [389, 1] }, { shape: [389, 521], s: [] },
      { shape: [7, 13, 2047], s: [1, 13, 1] }, { shape: [2, 97, 521], s: [2, 1, 521] },
      { shape: [5, 3, 4099], s: [5, 3, 1] },
    ])('shape=$shape into $s', ({ shape, s }) => {
      const dout = pattern(size(shape), 60);
      const dx = pattern(size(s), 61);
      const expected = unbroadcastOracle(dout, shape, s);
      for (let i = 0; i < expected.length; i++) expected[i] += dx[i]!;
      withThreads(2, () => B().unbroadcastSum(dout, shape, dx, stridesIn(s, shape)));
      expectClose(dx, expected, 1e-6, 1.2e-7 * (size(shape) / Math.max(1, size(s)) + 1));
    });
  });

  describe('unary forward and backward', () => {
    const sizes = [1, 7, 97, 1031];
    it.each(UNARY_OPS.flatMap((op) => sizes.map((n) => ({ op, n }))))('$op n=$n', ({ op, n }) => {
      const x = unaryInput(op, n, n + 11);
      const alpha = op === 'leakyRelu' ? 0.1 : 0;
      const y = new Float32Array(n).fill(NaN);
      B().unaryForward(UNARY_CODES[op], x, y, n, alpha);
      const ey = unaryOracle(op, x, alpha);
      if (EXACT_UNARY.has(op)) expectSameFloats(y, ey, `${op} forward`);
      else expectClose(y, ey, 1e-6, 1e-7);

      const dout = pattern(n, n + 12), dx = pattern(n, n + 13);
      const edx = unaryBackwardOracle(op, x, dout, dx, alpha);
      B().unaryBackward(UNARY_CODES[op], x, y, dout, dx, n, alpha, true);
      expectClose(dx, edx, 1e-5, 1e-6);
    });

    it.each([0, 0.01, 0.2, 1, -0.5, 3])('leaky relu slope %s', (slope) => {
      const n = 257;
      const x = unaryInput('leakyRelu', n, 21);
      const y = new Float32Array(n);
      B().unaryForward(UnaryOp.leakyRelu, x, y, n, slope);
      expectSameFloats(y, unaryOracle('leakyRelu', x, slope), `slope ${slope}`);
      const dout = pattern(n, 22), dx = pattern(n, 23);
      const edx = unaryBackwardOracle('leakyRelu', x, dout, dx, slope);
      B().unaryBackward(UnaryOp.leakyRelu, x, y, dout, dx, n, slope, true);
      expectClose(dx, edx, 1e-6, 1e-7);
    });

    it('reads only n elements and leaves the rest of out alone', () => {
      const x = pattern(10, 1), out = new Float32Array(12).fill(7);
      B().unaryForward(UnaryOp.neg, x, out, 10, 0);
      expect([out[10], out[11]]).toEqual([7, 7]);
    });
  });

  describe('scale, axpy, bias add', () => {
    it.each([1, 2, 31, 1000])('scale and axpy n=%i', (n) => {
      const x = pattern(n, 30), y = pattern(n, 31);
      const out = new Float32Array(n);
      B().scale(x, -1.75, out, n);
      expectSameFloats(out, Array.from(x, (v) => -1.75 * v), 'scale');
      const ey = Array.from(y, (v, i) => v + Math.fround(0.3) * x[i]!);
      B().axpy(0.3, x, y, n);
      expectClose(y, ey, 1e-6, 1.2e-7);
    });

    it.each([[1, 1], [1, 13], [17, 1], [7, 31], [64, 3]])('biasAdd M=%i N=%i', (M, N) => {
      const out = pattern(M * N, 40), bias = pattern(N, 41);
      const e = biasAddOracle(out, bias, M, N);
      B().biasAddForward(out, bias, M, N);
      expectSameFloats(out, e, 'biasAddForward');
      const dout = pattern(M * N, 42), dbias = pattern(N, 43);
      const edb = biasAddBackwardOracle(dout, dbias, M, N);
      B().biasAddBackward(dout, dbias, M, N);
      expectClose(dbias, edb, 1e-6, 1.2e-7 * (M + 1));
    });
  });

  describe('NaN and Inf propagation', () => {
    it('binary ops on every pair of special values', () => {
      const k = SPECIALS.length;
      const a = Float32Array.from(SPECIALS), b = Float32Array.from(SPECIALS);
      for (const op of BINARY_OPS) {
        const out = new Float32Array(k * k);
        B().binaryForward(OP_CODES[op]!, a, [1, 0], b, [0, 1], out, [k, k]);
        expectSameFloats(out, binaryOracle(op, a, [k, 1], b, [1, k]).out, op);
      }
    });

    it.each(UNARY_OPS)('%s forward and backward on special values', (op) => {
      const xs = [...SPECIALS, 1e-40, 100, -100];
      const douts = [1, -2, Infinity, NaN, 0];
      const x = Float32Array.from(xs.flatMap((v) => douts.map(() => v)));
      const dout = Float32Array.from(xs.flatMap(() => douts));
      const n = x.length;
      const y = new Float32Array(n);
      B().unaryForward(UNARY_CODES[op], x, y, n, 0.25);
      const ey = unaryOracle(op, x, 0.25);
      expect(closeness(y, ey, 1e-6, 1e-7), `${op} forward`).toBeLessThanOrEqual(1);
      const dx = new Float32Array(n).fill(0.5);
      B().unaryBackward(UNARY_CODES[op], x, Float32Array.from(ey), dout, dx, n, 0.25, true);
      const edx = unaryBackwardOracle(op, x, dout, new Float32Array(n).fill(0.5), 0.25);
      const c = closeness(dx, edx, 1e-5, 1e-6);
      if (!(c <= 1)) {
        const bad = Array.from(dx).findIndex((v, i) => closeness([v], [edx[i]!], 1e-5, 1e-6) > 1);
        throw new Error(`${op} backward at x=${x[bad]} dout=${dout[bad]}: got ${dx[bad]}, expected ${edx[bad]}`);
      }
    });

    it('unbroadcastSum and bias add propagate NaN and Inf', () => {
      const dout = new Float32Array([1, NaN, 2, Infinity, -Infinity, 3]);
      const dx = new Float32Array(3);
      B().unbroadcastSum(dout, [2, 3], dx, [0, 1]);
      expectSameFloats(dx, [Infinity, NaN, 5], 'unbroadcastSum columns');
      const dr = new Float32Array(2);
      B().unbroadcastSum(dout, [2, 3], dr, [1, 0]);
      expectSameFloats(dr, [NaN, NaN], 'unbroadcastSum rows');
      const db = new Float32Array(3);
      B().biasAddBackward(dout, db, 2, 3);
      expectSameFloats(db, [Infinity, NaN, 5], 'biasAddBackward');
      const out = new Float32Array([0, 1, 2]);
      B().biasAddForward(out, new Float32Array([NaN, Infinity, -1]), 1, 3);
      expectSameFloats(out, [NaN, Infinity, 1], 'biasAddForward');
      const s = new Float32Array(3);
      B().scale(new Float32Array([NaN, Infinity, 3e38]), 2, s, 3);
      expectSameFloats(s, [NaN, Infinity, Infinity], 'scale overflow');
    });
  });
});

describe('elementwise native results do not depend on the thread count', () => {
  const native = () => kernels('native');
  const n = 3 * 65536 + 7;

  function acrossThreads(run: () => Float32Array): void {
    const outs = [1, 2, 3, 4].map((t) => withThreads(t, run));
    for (let t = 1; t < outs.length; t++) expect(sameBits(outs[t]!, outs[0]!), `${t + 1} threads vs 1`).toBe(true);
  }

  it.each(UNARY_OPS)('%s forward and backward', (op) => {
    const x = unaryInput(op, n, 50), dout = pattern(n, 51), dx0 = pattern(n, 52);
    acrossThreads(() => {
      const y = new Float32Array(n), dx = dx0.slice();
      native().unaryForward(UNARY_CODES[op], x, y, n, 0.1);
      native().unaryBackward(UNARY_CODES[op], x, y, dout, dx, n, 0.1, true);
      return concatFloats(y, dx);
    });
  });

  it.each([
    { a: [n], b: [n] }, { a: [n], b: [] }, { a: [389, 521], b: [521] }, { a: [389, 1], b: [1, 521] },
    { a: [3, 4099, 17], b: [3, 1, 17] }, { a: [2, 1, 65541], b: [1, 3, 1] },
  ])('binary a=$a b=$b', ({ a: aShape, b: bShape }) => {
    const shape = broadcastShape(aShape, bShape);
    const a = pattern(size(aShape), 53), b = pattern(size(bShape), 54);
    for (const op of BINARY_OPS) {
      acrossThreads(() => {
        const out = new Float32Array(size(shape));
        native().binaryForward(OP_CODES[op]!, a, stridesIn(aShape, shape), b, stridesIn(bShape, shape), out, shape);
        return out;
      });
    }
  });

  it('unbroadcastSum, scale, axpy, bias add', () => {
    const dout = pattern(389 * 521, 55);
    acrossThreads(() => {
      const d0 = new Float32Array(521), d1 = new Float32Array(389), all = new Float32Array(1);
      const mid = new Float32Array(13), outer = new Float32Array(2 * 521);
      native().unbroadcastSum(dout, [389, 521], d0, [0, 1]);
      native().unbroadcastSum(dout, [389, 521], d1, [1, 0]);
      native().unbroadcastSum(dout, [389, 521], all, [0, 0]);
      // A conv-bias-like gradient (reduce all but a middle dim) and a kept outer dim.
      native().unbroadcastSum(dout.subarray(0, 7 * 13 * 2047), [7, 13, 2047], mid, [0, 1, 0]);
      native().unbroadcastSum(dout.subarray(0, 2 * 97 * 521), [2, 97, 521], outer, [521, 0, 1]);
      expect(all[0]).toBeCloseTo(dout.reduce((a, b) => a + b, 0), 2);
      const s = new Float32Array(dout.length), y = pattern(dout.length, 56);
      native().scale(dout, 0.3, s, dout.length);
      native().axpy(-0.7, dout, y, dout.length);
      const o = pattern(dout.length, 57), db = new Float32Array(521);
      native().biasAddForward(o, d0, 389, 521);
      native().biasAddBackward(dout, db, 389, 521);
      return concatFloats(d0, d1, all, mid, outer, s, y, o, db);
    });
  });
});

describe('native exp, sigmoid, tanh, log and softplus stay within their documented error (native/kernels/vec_math.h)', () => {
  const FLT_MIN = 1.1754943508222875e-38;
  /** Spacing of float32 values at |v| (the ulp), for normal v. */
  const ulp = (v: number): number => {
    const f = new Float32Array([Math.abs(v)]);
    const i = new Int32Array(f.buffer);
    const below = f[0]!;
    i[0]! += 1;
    return f[0]! - below;
  };
  const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
  const cases = [
    { op: 'exp' as const, f: Math.exp, lo: -110, hi: 90, maxUlp: 2 },
    { op: 'sigmoid' as const, f: (x: number) => 1 / (1 + Math.exp(-x)), lo: -110, hi: 40, maxUlp: 4 },
    { op: 'tanh' as const, f: Math.tanh, lo: -12, hi: 12, maxUlp: 4 },
    { op: 'log' as const, f: Math.log, lo: 0, hi: 100, maxUlp: 2 },
    { op: 'softplus' as const, f: softplus, lo: -110, hi: 90, maxUlp: 4 },
  ];
  it.each(cases)('$op <= $maxUlp ulp on a dense sweep', ({ op, f, lo, hi, maxUlp }) => {
    const n = 1 << 18;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = lo + ((hi - lo) * i) / n;
    // Small magnitudes too (where tanh's m = e^2|x| - 1 is tiny), and for log every binade
    // from the subnormals up (positive only).
    for (let i = 0; i < 8192; i++) x[i] = (op === 'log' || i % 2 ? 1 : -1) * 1e-8 * Math.pow(1.002, i);
    if (op === 'log') for (let i = 0; i < 8192; i++) x[8192 + i] = 1e-45 * Math.pow(1.0105, i);
    const y = new Float32Array(n);
    kernels('native').unaryForward(UNARY_CODES[op], x, y, n, 0);
    let worst = 0, at = 0;
    for (let i = 0; i < n; i++) {
      const e = f(x[i]!);
      if (!Number.isFinite(Math.fround(e))) {
        // The correctly rounded result overflows: the kernel must give that infinity.
        if (y[i] !== Math.fround(e)) throw new Error(`${op}(${x[i]}) = ${y[i]}, expected ${Math.fround(e)}`);
        continue;
      }
      const err = Math.abs(y[i]! - e);
      const bound = Math.abs(e) >= FLT_MIN ? maxUlp * ulp(e) : 2e-45;
      if (!(err <= bound)) throw new Error(`${op}(${x[i]}) = ${y[i]}, exact ${e}: error ${err} > ${bound}`);
      if (Math.abs(e) >= FLT_MIN) {
        const u = err / ulp(e);
        if (u > worst) { worst = u; at = x[i]!; }
      }
    }
    expect(worst, `worst at x=${at}`).toBeLessThanOrEqual(maxUlp);
  });
});

describe('native results are the same bits on every SIMD path (NEURITE_ISA)', () => {
  // Each path is picked once per process, so each runs in a child and reports a digest of its
  // outputs for every unary op (forward and backward) and the softmax family.
  const script = `
    const { createHash } = require('node:crypto');
    const K = require('node-gyp-build')(process.cwd());
    const n = 70001, x = new Float32Array(n), g = new Float32Array(n);
    for (let i = 0; i < n; i++) { x[i] = 12 * Math.sin(i * 0.37); g[i] = Math.cos(i); }
    const h = createHash('sha256');
    for (let op = 0; op < 11; op++) {
      const y = new Float32Array(n), dx = new Float32Array(n).fill(0.5);
      K.unaryForward(op, x, y, n, 0.1);
      K.unaryBackward(op, x, y, g, dx, n, 0.1, true);
      h.update(Buffer.from(y.buffer)); h.update(Buffer.from(dx.buffer));
    }
    const rows = 7, cols = 10000;
    const s = new Float32Array(n - 1), ls = new Float32Array(n - 1), ds = new Float32Array(n - 1), dl = new Float32Array(n - 1);
    K.softmaxForward(x, s, rows, cols); K.logSoftmaxForward(x, ls, rows, cols);
    K.softmaxBackward(s, g, ds, rows, cols); K.logSoftmaxBackward(ls, g, dl, rows, cols);
    for (const a of [s, ls, ds, dl]) h.update(Buffer.from(a.buffer));
    console.log(h.digest('hex'));
  `;
  const run = (isa?: string) => {
    const r = spawnSync(process.execPath, ['-e', script], {
      cwd: join(__dirname, '..', '..'), encoding: 'utf8', env: { ...process.env, NEURITE_ISA: isa },
    });
    if (r.status !== 0) throw new Error(`NEURITE_ISA=${isa}: ${r.stderr}`);
    return r.stdout.trim();
  };
  const flags = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const paths = ['generic', ...(/\bavx2\b/.test(flags) ? ['avx2'] : [])];

  it.each(paths)('%s gives the same bits as the default path', (isa) => {
    expect(run(isa)).toBe(run(undefined));
  });
});
