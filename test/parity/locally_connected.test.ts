import { describe, expect, it } from 'vitest';
import { lcBackwardOracle, lcForwardOracle, outSize, type ConvCase } from '../oracle/conv';
import { BACKEND_NAMES, expectClose, kernels, pattern, withThreads } from '../helpers/backends';

const cases: ConvCase[] = [
  { N: 2, C: 2, H: 5, W: 4, OC: 3, KH: 3, KW: 2, sh: 1, sw: 1, pt: 0, pb: 0, pl: 0, pr: 0, dh: 1, dw: 1, groups: 1 },
  { N: 3, C: 1, H: 6, W: 7, OC: 2, KH: 2, KW: 3, sh: 2, sw: 3, pt: 1, pb: 2, pl: 0, pr: 1, dh: 1, dw: 1, groups: 1 },
  { N: 1, C: 3, H: 7, W: 6, OC: 4, KH: 3, KW: 3, sh: 1, sw: 2, pt: 2, pb: 1, pl: 1, pr: 1, dh: 2, dw: 1, groups: 1 },
  { N: 4, C: 2, H: 3, W: 3, OC: 2, KH: 1, KW: 1, sh: 1, sw: 1, pt: 0, pb: 0, pl: 0, pr: 0, dh: 1, dw: 1, groups: 1 },
];
const dims = (c: ConvCase) => [c.N, c.C, c.H, c.W, c.OC, c.KH, c.KW, c.sh, c.sw, c.pt, c.pb, c.pl, c.pr, c.dh, c.dw] as const;

function run(backend: 'js' | 'native', c: ConvCase) {
  const K = kernels(backend);
  const [OH, OW] = outSize(c);
  const P = OH * OW;
  const x = pattern(c.N * c.C * c.H * c.W, 1), w = pattern(P * c.OC * c.C * c.KH * c.KW, 2), b = pattern(c.OC * P, 3);
  const dout = pattern(c.N * c.OC * P, 4);
  const out = new Float32Array(dout.length);
  K.locallyConnected2dForward(x, w, b, true, out, ...dims(c));
  const dx = new Float32Array(x.length).fill(1), dw = new Float32Array(w.length).fill(1), db = new Float32Array(b.length).fill(1);
  K.locallyConnected2dBackwardInput(dout, w, dx, ...dims(c));
  K.locallyConnected2dBackwardWeight(x, dout, dw, db, true, ...dims(c));
  return { x, w, b, dout, out, dx, dw, db };
}

describe.each(BACKEND_NAMES)('locally connected 2-D on %s vs the nested-loop oracle', (backend) => {
  it.each(cases.map((c) => ({ c, l: `x=[${c.N},${c.C},${c.H},${c.W}] oc=${c.OC} k=${c.KH}x${c.KW} s=${c.sh},${c.sw} p=${c.pt},${c.pb},${c.pl},${c.pr} d=${c.dh},${c.dw}` })))('$l', ({ c }) => {
    const r = run(backend, c);
    expectClose(r.out, lcForwardOracle(c, r.x, r.w, r.b), 1e-5, 1e-5);
    const g = lcBackwardOracle(c, r.x, r.w, r.dout);
    expectClose(r.dx, g.dx.map((v) => v + 1), 1e-5, 1e-5);
    expectClose(r.dw, g.dw.map((v) => v + 1), 1e-5, 1e-5);
    expectClose(r.db, g.db.map((v) => v + 1), 1e-5, 1e-5);
  });

  it('without bias the output is the weighted windows only', () => {
    const c = cases[0]!;
    const [OH, OW] = outSize(c);
    const x = pattern(c.N * c.C * c.H * c.W, 1), w = pattern(OH * OW * c.OC * c.C * c.KH * c.KW, 2);
    const out = new Float32Array(c.N * c.OC * OH * OW);
    kernels(backend).locallyConnected2dForward(x, w, new Float32Array(0), false, out, ...dims(c));
    expectClose(out, lcForwardOracle(c, x, w, null), 1e-5, 1e-5);
  });
});

describe('locally connected native vs js', () => {
  it('agree, bit-identical across thread counts', () => {
    const c = cases[2]!;
    const js = run('js', c), one = withThreads(1, () => run('native', c)), two = withThreads(2, () => run('native', c));
    for (const k of ['out', 'dx', 'dw', 'db'] as const) {
      expectClose(one[k], js[k], 1e-5, 1e-5);
      expect(Buffer.from(two[k].buffer).equals(Buffer.from(one[k].buffer))).toBe(true);
    }
  });

  it('the binding checks the bias and weight sizes', () => {
    const K = kernels('native');
    expect(() => K.locallyConnected2dForward(new Float32Array(4), new Float32Array(3), new Float32Array(0), false, new Float32Array(1), 1, 1, 2, 2, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1, 1, 1 as never))
      .toThrow(/expected 20 arguments/);
    expect(() => K.locallyConnected2dForward(new Float32Array(4), new Float32Array(3), new Float32Array(0), false, new Float32Array(1), 1, 1, 2, 2, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1, 1))
      .toThrow(/weight has 3 elements, needs at least 4/);
    expect(() => K.locallyConnected2dBackwardWeight(new Float32Array(4), new Float32Array(1), new Float32Array(4), new Float32Array(0), true, 1, 1, 2, 2, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1, 1))
      .toThrow(/dbias has 0 elements, needs at least 1/);
  });
});
