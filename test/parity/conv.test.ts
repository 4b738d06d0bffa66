import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIsa, setIsa, supportedIsas } from '../../src/info';
import { convBackwardOracle, convForwardOracle, outSize, type ConvCase } from '../oracle/conv';
import { BACKEND_NAMES, expectClose, kernels, pattern, withThreads } from '../helpers/backends';

/** Random conv shapes: stride 1-3, padding 0-2 per side, dilation 1-2, non-square, groups. */
function randomCases(count: number, seed: number): ConvCase[] {
  let s = seed;
  const r = (n: number) => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return (s >>> 16) % n; };
  const cases: ConvCase[] = [];
  while (cases.length < count) {
    const groups = [1, 1, 2, 3][r(4)]!;
    const c: ConvCase = {
      N: 1 + r(3), C: groups * (1 + r(3)), H: 3 + r(8), W: 3 + r(8), OC: groups * (1 + r(3)),
      KH: 1 + r(4), KW: 1 + r(4), sh: 1 + r(3), sw: 1 + r(3),
      pt: r(3), pb: r(3), pl: r(3), pr: r(3), dh: 1 + r(2), dw: 1 + r(2), groups,
    };
    const [OH, OW] = outSize(c);
    if (OH >= 1 && OW >= 1) cases.push(c);
  }
  return cases;
}

const fixed: ConvCase[] = [
  // 1x1 stride 1 (skips im2col), with groups, and 1x1 with stride / padding (does not).
  { N: 2, C: 4, H: 5, W: 3, OC: 6, KH: 1, KW: 1, sh: 1, sw: 1, pt: 0, pb: 0, pl: 0, pr: 0, dh: 1, dw: 1, groups: 1 },
  { N: 2, C: 4, H: 5, W: 3, OC: 6, KH: 1, KW: 1, sh: 1, sw: 1, pt: 0, pb: 0, pl: 0, pr: 0, dh: 1, dw: 1, groups: 2 },
  { N: 1, C: 3, H: 6, W: 7, OC: 2, KH: 1, KW: 1, sh: 2, sw: 1, pt: 1, pb: 0, pl: 0, pr: 1, dh: 1, dw: 1, groups: 1 },
  // Depthwise, and a batch large enough to be split over threads.
  { N: 3, C: 4, H: 7, W: 6, OC: 8, KH: 3, KW: 3, sh: 1, sw: 2, pt: 1, pb: 1, pl: 1, pr: 1, dh: 1, dw: 1, groups: 4 },
  { N: 5, C: 3, H: 9, W: 11, OC: 4, KH: 3, KW: 5, sh: 2, sw: 1, pt: 2, pb: 0, pl: 1, pr: 2, dh: 2, dw: 1, groups: 1 },
];
const cases = [...fixed, ...randomCases(24, 7)];

const name = (c: ConvCase) =>
  `x=[${c.N},${c.C},${c.H},${c.W}] w=[${c.OC},${c.C / c.groups},${c.KH},${c.KW}] s=${c.sh},${c.sw} ` +
  `p=${c.pt},${c.pb},${c.pl},${c.pr} d=${c.dh},${c.dw} g=${c.groups}`;

function dims(c: ConvCase) {
  return [c.N, c.C, c.H, c.W, c.OC, c.KH, c.KW, c.sh, c.sw, c.pt, c.pb, c.pl, c.pr, c.dh, c.dw, c.groups] as const;
}

function runAll(backend: 'js' | 'native', c: ConvCase, withBias: boolean) {
  const [OH, OW] = outSize(c);
  const K = kernels(backend);
  const x = pattern(c.N * c.C * c.H * c.W, 1);
  const w = pattern(c.OC * (c.C / c.groups) * c.KH * c.KW, 2);
  const b = withBias ? pattern(c.OC, 3) : new Float32Array(0);
  const dout = pattern(c.N * c.OC * OH * OW, 4);
  const out = new Float32Array(dout.length).fill(NaN);
  K.conv2dForward(x, w, b, withBias, out, ...dims(c));
  // Backward kernels accumulate: start from a known non-zero value.
  const dx = new Float32Array(x.length).fill(0.5), dw = new Float32Array(w.length).fill(0.5), db = new Float32Array(c.OC).fill(0.5);
  K.conv2dBackwardInput(dout, w, dx, ...dims(c), true);
  K.conv2dBackwardWeight(x, dout, dw, ...dims(c));
  K.conv2dBackwardBias(dout, db, c.N, c.OC, OH * OW);
  return { x, w, b, dout, out, dx, dw, db };
}

const plus = (a: Float64Array, v: number) => a.map((e) => e + v);

describe.each(BACKEND_NAMES)('conv2d on %s vs the nested-loop oracle', (backend) => {
  it.each(cases.map((c, i) => ({ c, i, label: name(c) })))('$label', ({ c, i }) => {
    const r = runAll(backend, c, i % 2 === 0);
    const ref = convForwardOracle(c, r.x, r.w, i % 2 === 0 ? r.b : null);
    const tol = 2e-6 * Math.sqrt((c.C / c.groups) * c.KH * c.KW) + 1e-6;
    expectClose(r.out, ref, 1e-5, tol);
    const g = convBackwardOracle(c, r.x, r.w, r.dout);
    expectClose(r.dx, plus(g.dx, 0.5), 1e-5, 1e-5);
    expectClose(r.dw, plus(g.dw, 0.5), 1e-5, 2e-6 * Math.sqrt(c.N * r.dout.length) + 1e-5);
    expectClose(r.db, plus(g.db, 0.5), 1e-5, 1e-5);
  });

  it('the worked examples: 7x7 with 3x3 gives 5x5 at stride 1 and 3x3 at stride 2', () => {
    const K = kernels(backend);
    for (const [s, o] of [[1, 5], [2, 3]] as const) {
      const out = new Float32Array(o * o);
      K.conv2dForward(pattern(49, 1), pattern(9, 2), new Float32Array(0), false, out, 1, 1, 7, 7, 1, 3, 3, s, s, 0, 0, 0, 0, 1, 1, 1);
      const c: ConvCase = { N: 1, C: 1, H: 7, W: 7, OC: 1, KH: 3, KW: 3, sh: s, sw: s, pt: 0, pb: 0, pl: 0, pr: 0, dh: 1, dw: 1, groups: 1 };
      expect(outSize(c)).toEqual([o, o]);
      expectClose(out, convForwardOracle(c, pattern(49, 1), pattern(9, 2), null), 1e-5, 1e-5);
    }
  });

  it('an output size below 1 is a RangeError showing the formula', () => {
    const K = kernels(backend);
    expect(() => K.conv2dForward(new Float32Array(4), new Float32Array(9), new Float32Array(0), false, new Float32Array(1), 1, 1, 2, 2, 1, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1))
      .toThrow(/output height is floor\(.*= floor\(\(2 \+ 0 \+ 0 - \(1\*\(3-1\)\+1\)\) \/ 1\) \+ 1 = 0, must be >= 1/);
  });
});

describe('conv2d native vs js', () => {
  // One chunk whose GEMMs are split, several chunks of images split over the threads (small
  // outputs go several images per GEMM), a pointwise convolution, a wide weight, and large
  // outputs.
  it.each([
    { N: 4, C: 6, H: 12, W: 10, OC: 8, KH: 3, KW: 3, sh: 1, sw: 1, pt: 1, pb: 1, pl: 1, pr: 1, dh: 1, dw: 1, groups: 2 },
    { N: 19, C: 6, H: 12, W: 12, OC: 16, KH: 3, KW: 3, sh: 1, sw: 1, pt: 1, pb: 1, pl: 1, pr: 1, dh: 1, dw: 1, groups: 1 },
    { N: 9, C: 8, H: 9, W: 9, OC: 12, KH: 1, KW: 1, sh: 1, sw: 1, pt: 0, pb: 0, pl: 0, pr: 0, dh: 1, dw: 1, groups: 2 },
    // Weights of 32 x 144: the weight gradient goes through sgemm rather than the dot tiles.
    { N: 6, C: 16, H: 9, W: 9, OC: 32, KH: 3, KW: 3, sh: 1, sw: 1, pt: 1, pb: 1, pl: 1, pr: 1, dh: 1, dw: 1, groups: 1 },
    // One image per GEMM, built a block of output rows at a time on one thread (7-row blocks
    // here, and 14-row blocks ending in a part panel below) but whole with 3 threads.
    { N: 2, C: 64, H: 24, W: 32, OC: 8, KH: 3, KW: 3, sh: 1, sw: 1, pt: 1, pb: 1, pl: 1, pr: 1, dh: 1, dw: 1, groups: 2 },
    { N: 2, C: 32, H: 33, W: 16, OC: 6, KH: 3, KW: 3, sh: 1, sw: 1, pt: 1, pb: 1, pl: 1, pr: 1, dh: 1, dw: 1, groups: 1 },
    // Wide weights over rows of 16 and 32 outputs: on AVX-512 the weight gradient packs col^T
    // straight from x (a part panel of 144 = 4.5 x 32 rows, blocks of 256 positions and less).
    { N: 3, C: 16, H: 20, W: 16, OC: 32, KH: 3, KW: 3, sh: 1, sw: 1, pt: 1, pb: 1, pl: 1, pr: 1, dh: 1, dw: 1, groups: 1 },
    { N: 2, C: 32, H: 17, W: 32, OC: 64, KH: 3, KW: 3, sh: 2, sw: 1, pt: 1, pb: 0, pl: 1, pr: 1, dh: 2, dw: 1, groups: 2 },
  ] as ConvCase[])('agree and are bit-identical for 1, 2 and 3 threads: $N images of $H x $W', (c) => {
    const js = runAll('js', c, true);
    const one = withThreads(1, () => runAll('native', c, true));
    for (const threads of [2, 3]) {
      const other = withThreads(threads, () => runAll('native', c, true));
      for (const k of ['out', 'dx', 'dw', 'db'] as const) {
        // dw sums N * OH * OW terms (2,736 here), in a different order on each backend.
        expectClose(one[k], js[k], k === 'dw' ? 1e-4 : 1e-5, 1e-5);
        expect(Buffer.from(other[k].buffer).equals(Buffer.from(one[k].buffer))).toBe(true);
      }
    }
  });
});

// The weight gradient runs on register tiles of dot products (native/kernels/gemm_dot.cpp):
// 4 x 6 tiles of 16-lane vectors on AVX-512, 3 x 4 of 8 lanes on AVX2. These shapes give every
// edge tile (OC 1-9 rows, C*KH*KW 1-13 columns) and every partial last vector of a row
// (OH*OW from 1 to 33), on each ISA the machine supports, and a product large enough to be
// split over two threads.
const weightCases: ConvCase[] = [];
for (const OC of [1, 2, 3, 4, 5, 6, 7, 9]) {
  for (const [C, K] of [[1, 1], [2, 1], [1, 2], [5, 1], [6, 1], [7, 1], [3, 2], [13, 1]] as const) {
    const [H, W] = [[1, 1], [3, 5], [4, 4], [17, 1], [11, 3]][(OC + C) % 5]!;
    const pad = K === 2 ? 1 : 0;
    weightCases.push({ N: 1 + ((OC * C) % 3), C, H, W, OC, KH: K, KW: K, sh: 1, sw: 1, pt: pad, pb: pad, pl: pad, pr: pad, dh: 1, dw: 1, groups: 1 });
  }
}
const bigWeightCase: ConvCase = { N: 16, C: 6, H: 22, W: 22, OC: 16, KH: 3, KW: 3, sh: 1, sw: 1, pt: 0, pb: 0, pl: 0, pr: 0, dh: 1, dw: 1, groups: 1 };

function weightGrad(c: ConvCase): Float32Array {
  const [OH, OW] = outSize(c);
  const dw = new Float32Array(c.OC * (c.C / c.groups) * c.KH * c.KW).fill(0.5);
  kernels('native').conv2dBackwardWeight(pattern(c.N * c.C * c.H * c.W, 1), pattern(c.N * c.OC * OH * OW, 4), dw, ...dims(c));
  return dw;
}

describe.each(supportedIsas())('conv2d weight gradient isa=%s', (isa) => {
  let before = '';
  beforeAll(() => {
    before = getIsa();
    setIsa(isa);
  });
  afterAll(() => setIsa(before));

  it('every edge tile and partial vector matches the oracle', () => {
    for (const c of weightCases) {
      const g = convBackwardOracle(c, pattern(c.N * c.C * c.H * c.W, 1), pattern(c.OC * c.C * c.KH * c.KW, 2), pattern(c.N * c.OC * outSize(c)[0] * outSize(c)[1], 4));
      expectClose(weightGrad(c), plus(g.dw, 0.5), 1e-5, 1e-5);
    }
  });

  it('is bit-identical for 1, 2 and 3 threads', () => {
    const c = bigWeightCase;
    const [OH, OW] = outSize(c);
    const g = convBackwardOracle(c, pattern(c.N * c.C * c.H * c.W, 1), pattern(c.OC * c.C * c.KH * c.KW, 2), pattern(c.N * c.OC * OH * OW, 4));
    const one = withThreads(1, () => weightGrad(c));
    expectClose(one, plus(g.dw, 0.5), 1e-5, 1e-4);
    for (const t of [2, 3]) {
      const other = withThreads(t, () => weightGrad(c));
      expect(Buffer.from(other.buffer).equals(Buffer.from(one.buffer))).toBe(true);
    }
  });
});

describe('conv2d native binding checks', () => {
  const K = () => kernels('native');
  const ok = [new Float32Array(16), new Float32Array(9), new Float32Array(1), true, new Float32Array(4), 1, 1, 4, 4, 1, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1] as const;
  const call = (i: number, v: unknown) => {
    const a = [...ok] as unknown[];
    a[i] = v;
    return () => (K().conv2dForward as unknown as (...a: unknown[]) => void)(...a);
  };
  it('accepts the reference call', () => { expect(call(0, new Float32Array(16))).not.toThrow(); });
  it('rejects wrong types, counts and sizes with the argument named', () => {
    expect(call(0, [1, 2])).toThrow(/argument 0 \(x\) must be a Float32Array, got Array/);
    expect(call(0, new Float32Array(15))).toThrow(/x has 15 elements, needs at least 16/);
    expect(call(1, new Float32Array(8))).toThrow(/weight has 8 elements/);
    expect(call(2, new Float32Array(0))).toThrow(/bias has 0 elements, needs at least 1/);
    expect(call(3, 1)).toThrow(/argument 3 \(hasBias\) must be a boolean/);
    expect(call(4, new Float32Array(3))).toThrow(/out has 3 elements/);
    expect(call(12, 0)).toThrow(RangeError);
    expect(call(12, 0)).toThrow(/argument 12 \(strideH\)/);
    expect(call(18, 0)).toThrow(/dilationH/);
    expect(call(20, 2)).toThrow(/divisible by groups/);
    expect(call(14, -1)).toThrow(/padTop/);
    expect(call(10, 1.5)).toThrow(/KH/);
    expect(() => (K().conv2dForward as unknown as (...a: unknown[]) => void)(...ok.slice(0, 20))).toThrow(/expected 21 arguments, got 20/);
    expect(() => K().conv2dBackwardBias(new Float32Array(3), new Float32Array(1), 1, 1, 4)).toThrow(/dout has 3 elements/);
  });
});
