import { describe, expect, it } from 'vitest';
import { adaptiveAvgOracle, outSize, poolOracle, type ConvCase } from '../oracle/conv';
import { BACKEND_NAMES, expectClose, kernels, pattern } from '../helpers/backends';

function randomCases(count: number, seed: number): ConvCase[] {
  let s = seed;
  const r = (n: number) => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return (s >>> 16) % n; };
  const cases: ConvCase[] = [];
  while (cases.length < count) {
    const KH = 1 + r(3), KW = 1 + r(3);
    const c: ConvCase = {
      N: 1 + r(2), C: 1 + r(3), H: 2 + r(8), W: 2 + r(8), OC: 0, KH, KW, sh: 1 + r(3), sw: 1 + r(3),
      // PyTorch's rule: padding at most half the kernel, so no window is all padding.
      pt: r(Math.floor(KH / 2) + 1), pb: r(Math.floor(KH / 2) + 1), pl: r(Math.floor(KW / 2) + 1), pr: r(Math.floor(KW / 2) + 1),
      dh: 1, dw: 1, groups: 1,
    };
    c.OC = c.C;
    const [OH, OW] = outSize(c);
    if (OH >= 1 && OW >= 1) cases.push(c);
  }
  return cases;
}

const cases = randomCases(20, 3);
const label = (c: ConvCase) => `x=[${c.N},${c.C},${c.H},${c.W}] k=${c.KH}x${c.KW} s=${c.sh},${c.sw} p=${c.pt},${c.pb},${c.pl},${c.pr}`;
/** The maxPool2dBackward hint: K when the windows tile the plane, else 0 (as src/ops/pool.ts). */
const tilingK = (c: ConvCase) =>
  (c.KH === c.KW && c.sh === c.KH && c.sw === c.KW && c.pt + c.pb + c.pl + c.pr === 0 && c.dh === 1 && c.dw === 1 ? c.KH : 0);
const win = (c: ConvCase) => [c.N, c.C, c.H, c.W, c.KH, c.KW, c.sh, c.sw, c.pt, c.pb, c.pl, c.pr] as const;

describe.each(BACKEND_NAMES)('pooling on %s vs the nested-loop oracle', (backend) => {
  it.each(cases.map((c, i) => ({ c, i, l: label(c) })))('max and avg $l', ({ c, i }) => {
    const K = kernels(backend);
    const [OH, OW] = outSize(c);
    const n = c.N * c.C * OH * OW, HW = c.H * c.W;
    const x = pattern(c.N * c.C * HW, 10 + i);
    const out = new Float32Array(n), argmax = new Float32Array(n);
    K.maxPool2dForward(x, out, argmax, ...win(c), 1, 1);
    const ref = poolOracle(c, x, 'max');
    expectClose(out, ref.out, 1e-7, 1e-12);
    expect(Array.from(argmax)).toEqual(Array.from(ref.argmax));
    // Max backward: the gradient goes to the argmax only.
    const dout = pattern(n, 20 + i);
    const dx = new Float32Array(x.length);
    K.maxPool2dBackward(dout, argmax, dx, c.N * c.C, HW, OH * OW, c.W, tilingK(c), true);
    const dref = new Float64Array(x.length);
    for (let k = 0; k < n; k++) dref[Math.floor(k / (OH * OW)) * HW + ref.argmax[k]!] += dout[k]!;
    expectClose(dx, dref, 1e-6, 1e-6);

    for (const includePad of [true, false]) {
      const avg = new Float32Array(n);
      K.avgPool2dForward(x, avg, ...win(c), includePad);
      expectClose(avg, poolOracle(c, x, 'avg', includePad).out, 1e-5, 1e-6);
      // Adjoint check: <avgPoolBackward(dout), x> == <dout, avgPool(x)>.
      const dxa = new Float32Array(x.length);
      K.avgPool2dBackward(dout, dxa, ...win(c), includePad);
      let lhs = 0, rhs = 0;
      for (let k = 0; k < x.length; k++) lhs += dxa[k]! * x[k]!;
      for (let k = 0; k < n; k++) rhs += dout[k]! * avg[k]!;
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4 * (1 + Math.abs(rhs)));
    }
  });

  it('max pooling with dilation', () => {
    const c: ConvCase = { N: 1, C: 2, H: 7, W: 8, OC: 2, KH: 2, KW: 3, sh: 1, sw: 2, pt: 1, pb: 0, pl: 1, pr: 1, dh: 2, dw: 2, groups: 1 };
    const [OH, OW] = outSize(c);
    const x = pattern(2 * 56, 5), out = new Float32Array(2 * OH * OW), am = new Float32Array(out.length);
    kernels(backend).maxPool2dForward(x, out, am, ...win(c), 2, 2);
    const ref = poolOracle(c, x, 'max');
    expectClose(out, ref.out, 1e-7, 1e-12);
    expect(Array.from(am)).toEqual(Array.from(ref.argmax));
  });

  it('adaptive average pooling (global and general bins)', () => {
    const K = kernels(backend);
    for (const [H, W, OH, OW] of [[5, 7, 1, 1], [5, 7, 2, 3], [6, 4, 4, 4], [3, 3, 5, 2]] as const) {
      const x = pattern(2 * 3 * H * W, H * W), out = new Float32Array(6 * OH * OW);
      K.adaptiveAvgPool2dForward(x, out, 6, H, W, OH, OW);
      expectClose(out, adaptiveAvgOracle(6, H, W, OH, OW, x), 1e-5, 1e-6);
      const dout = pattern(out.length, 3), dx = new Float32Array(x.length);
      K.adaptiveAvgPool2dBackward(dout, dx, 6, H, W, OH, OW);
      let lhs = 0, rhs = 0;
      for (let k = 0; k < x.length; k++) lhs += dx[k]! * x[k]!;
      for (let k = 0; k < out.length; k++) rhs += dout[k]! * out[k]!;
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4);
    }
  });

  // Windows that tile the image (K x K, stride K, no padding) take a fast path in the native
  // kernel; ties must still pick the first element in row-major window order, and the first NaN
  // of a window must win and stay.
  it.each([
    { K: 2, H: 8, W: 10 }, { K: 2, H: 7, W: 9 }, { K: 2, H: 28, W: 28 }, { K: 3, H: 9, W: 12 }, { K: 3, H: 10, W: 11 }, { K: 1, H: 3, W: 5 },
    // Output rows of 16 and more: the AVX-512 gather in the native backward (17 = 16 + 1 and
    // 8 + 8 + 1: full and masked steps).
    { K: 2, H: 6, W: 34 }, { K: 2, H: 9, W: 35 }, { K: 2, H: 64, W: 64 },
  ])('max pooling with tiling windows k=$K on $H x $W: ties and NaN', ({ K, H, W }) => {
    const c: ConvCase = { N: 2, C: 3, H, W, OC: 3, KH: K, KW: K, sh: K, sw: K, pt: 0, pb: 0, pl: 0, pr: 0, dh: 1, dw: 1, groups: 1 };
    const [OH, OW] = outSize(c);
    const n = c.N * c.C * OH * OW, HW = H * W;
    // Few distinct values, so most windows hold ties.
    const x = Float32Array.from(pattern(c.N * c.C * HW, 7 + K), (v) => Math.round(v * 2) / 2);
    const out = new Float32Array(n), argmax = new Float32Array(n);
    kernels(backend).maxPool2dForward(x, out, argmax, ...win(c), 1, 1);
    const ref = poolOracle(c, x, 'max');
    expect(Array.from(out)).toEqual(Array.from(ref.out));
    expect(Array.from(argmax)).toEqual(Array.from(ref.argmax));

    // NaN at every 7th position (some windows get two): the window's first NaN in scan order wins.
    const xn = x.slice();
    for (let k = 3; k < xn.length; k += 7) xn[k] = NaN;
    kernels(backend).maxPool2dForward(xn, out, argmax, ...win(c), 1, 1);
    for (let pl = 0; pl < c.N * c.C; pl++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          let best = -Infinity, arg = -1;
          for (let kh = 0; kh < K && !Number.isNaN(best); kh++)
            for (let kw = 0; kw < K; kw++) {
              const at = (oh * K + kh) * W + ow * K + kw, v = xn[pl * HW + at]!;
              if (arg < 0 || v > best || Number.isNaN(v)) { best = v; arg = at; }
              if (Number.isNaN(v)) break;
            }
          const o = (pl * OH + oh) * OW + ow;
          expect(Object.is(out[o], Math.fround(best)) || (Number.isNaN(out[o]) && Number.isNaN(best))).toBe(true);
          expect(argmax[o]).toBe(arg);
        }

    // Backward with the tiling hint (the native gather) against the generic scatter (K = 0)
    // and a plain scatter here: same bits, including the -0 left alone where no window points
    // and a NaN dout, plus a few argmax entries edited to point outside their own window (or
    // out of the plane, or NaN), which the gather must hand to the scatter.
    const P = OH * OW, NC = c.N * c.C;
    const dout = pattern(n, 30 + K);
    dout[0] = NaN;
    const am = argmax.slice();
    am[1] = 0; am[2] = HW; am[3] = NaN; am[n - 1] = -1;
    if (P > 1) am[P + 1] = am[P]!;
    const dx0 = Float32Array.from(pattern(NC * HW, 40 + K), (v, i) => (i % 5 === 0 ? -0 : v));
    const expected = dx0.slice();
    for (let k = 0; k < n; k++) {
      const a = am[k]!;
      if (a >= 0 && a < HW) expected[Math.floor(k / P) * HW + a] += dout[k]!;
    }
    const fast = dx0.slice(), generic = dx0.slice();
    kernels(backend).maxPool2dBackward(dout, am, fast, NC, HW, P, W, K, true);
    kernels(backend).maxPool2dBackward(dout, am, generic, NC, HW, P, W, 0, true);
    const same = (a: Float32Array, b: Float32Array) => a.every((v, i) => Object.is(v, b[i]));
    expect(same(generic, expected), 'generic vs scatter').toBe(true);
    expect(same(fast, expected), 'tiling hint vs scatter').toBe(true);
  });

  it('NaN propagates through max pooling', () => {
    const x = new Float32Array([1, NaN, 3, 4]), out = new Float32Array(1), am = new Float32Array(1);
    kernels(backend).maxPool2dForward(x, out, am, 1, 1, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1);
    expect(Number.isNaN(out[0])).toBe(true);
    expect(am[0]).toBe(1);
  });

  it('an output size below 1 is a RangeError with the formula', () => {
    expect(() => kernels(backend).avgPool2dForward(new Float32Array(4), new Float32Array(1), 1, 1, 2, 2, 3, 3, 1, 1, 0, 0, 0, 0, true))
      .toThrow(/output height is .*= floor\(\(2 \+ 0 \+ 0 - \(1\*\(3-1\)\+1\)\) \/ 1\) \+ 1 = 0/);
  });
});

describe('pool native binding checks', () => {
  const K = () => kernels('native');
  it('rejects short buffers and planes too large for float32 indices; backward skips indices outside the plane', () => {
    expect(() => K().maxPool2dForward(new Float32Array(3), new Float32Array(1), new Float32Array(1), 1, 1, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1))
      .toThrow(/x has 3 elements, needs at least 4/);
    expect(() => K().maxPool2dForward(new Float32Array(0), new Float32Array(0), new Float32Array(0), 0, 1, 4097, 4097, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1))
      .toThrow(/H\*W \(16785409\) must be at most 2\^24/);
    const dx = new Float32Array(4);
    K().maxPool2dBackward(new Float32Array([1, 2, 3, 4]), new Float32Array([4, -1, NaN, 2]), dx, 1, 4, 4, 2, 0, true);
    expect(Array.from(dx)).toEqual([0, 0, 4, 0]);
    // The same through the tiling path (W = 2, K = 1), and hints that do not fit the sizes.
    for (const [W, K1] of [[2, 1], [3, 1], [2, 7], [0, 2]] as const) {
      const d = new Float32Array(4);
      K().maxPool2dBackward(new Float32Array([1, 2, 3, 4]), new Float32Array([4, -1, NaN, 2]), d, 1, 4, 4, W, K1, true);
      expect(Array.from(d), `W=${W} K=${K1}`).toEqual([0, 0, 4, 0]);
    }
    expect(() => K().avgPool2dForward(new Float32Array(4), new Float32Array(1), 1, 1, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 1 as unknown as boolean))
      .toThrow(/countIncludePad\) must be a boolean/);
    expect(() => K().adaptiveAvgPool2dForward(new Float32Array(4), new Float32Array(1), 1, 2, 2, 0, 1)).toThrow(/OH/);
  });
});
