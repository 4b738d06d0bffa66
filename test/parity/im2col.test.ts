import { afterAll, describe, expect, it } from 'vitest';
import { getIsa, setIsa, supportedIsas } from '../../src/info';
import { BACKEND_NAMES, expectClose, kernels, pattern } from '../helpers/backends';

// [C, H, W, KH, KW, sh, sw, pt, pb, pl, pr, dh, dw]
const cases = [
  [1, 7, 7, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1],
  [2, 5, 6, 3, 2, 2, 1, 1, 2, 0, 1, 1, 2],
  [3, 4, 9, 1, 3, 3, 2, 2, 0, 1, 1, 1, 1],
  [2, 8, 5, 2, 2, 1, 3, 1, 1, 2, 2, 2, 1],
] as const;

function outHW(c: readonly number[]): [number, number] {
  const [, H, W, KH, KW, sh, sw, pt, pb, pl, pr, dh, dw] = c as number[];
  return [Math.floor((H! + pt! + pb! - (dh! * (KH! - 1) + 1)) / sh!) + 1, Math.floor((W! + pl! + pr! - (dw! * (KW! - 1) + 1)) / sw!) + 1];
}

describe.each(BACKEND_NAMES)('im2col / col2im on %s', (backend) => {
  it.each(cases.map((c) => ({ c, l: c.join(',') })))('C,H,W,KH,KW,s,p,d = $l', ({ c }) => {
    const [C, H, W, KH, KW, sh, sw, pt, , pl, , dh, dw] = c;
    const [OH, OW] = outHW(c);
    const x = pattern(C * H * W, 1);
    const col = new Float32Array(C * KH * KW * OH * OW).fill(NaN);
    kernels(backend).im2col(x, col, ...c);
    const ref = new Float64Array(col.length);
    for (let ch = 0; ch < C; ch++)
      for (let kh = 0; kh < KH; kh++)
        for (let kw = 0; kw < KW; kw++)
          for (let oh = 0; oh < OH; oh++)
            for (let ow = 0; ow < OW; ow++) {
              const ih = oh * sh - pt + kh * dh, iw = ow * sw - pl + kw * dw;
              const inside = ih >= 0 && ih < H && iw >= 0 && iw < W;
              ref[(((ch * KH + kh) * KW + kw) * OH + oh) * OW + ow] = inside ? x[(ch * H + ih) * W + iw]! : 0;
            }
    expectClose(col, ref, 1e-7, 1e-12);
    // col2im is the adjoint of im2col: <col2im(g), x> == <g, im2col(x)>, and it accumulates.
    const g = pattern(col.length, 2);
    const dx = new Float32Array(x.length).fill(1);
    kernels(backend).col2im(g, dx, ...c);
    let lhs = 0, rhs = 0, base = 0;
    for (let i = 0; i < x.length; i++) { lhs += dx[i]! * x[i]!; base += x[i]!; }
    for (let i = 0; i < col.length; i++) rhs += g[i]! * ref[i]!;
    expect(Math.abs(lhs - base - rhs)).toBeLessThan(1e-4);
  });

  it('rejects an output size below 1 with the formula', () => {
    expect(() => kernels(backend).im2col(new Float32Array(4), new Float32Array(4), 1, 2, 2, 1, 3, 1, 1, 0, 0, 0, 0, 1, 1))
      .toThrow(/output width is .* = floor\(\(2 \+ 0 \+ 0 - \(1\*\(3-1\)\+1\)\) \/ 1\) \+ 1 = 0, must be >= 1/);
  });
});

// The AVX-512 path copies and adds whole rows with masked vectors (stride_w 1, rows up to 64
// wide, KW up to 16); every ISA must give the generic path's bits, padding and dilation
// included, and wider rows take the scalar loops.
describe('im2col / col2im on every ISA', () => {
  const wide = [
    [3, 9, 10, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1],
    [2, 6, 17, 3, 3, 2, 1, 1, 0, 1, 1, 1, 1],
    [2, 7, 33, 2, 4, 1, 1, 0, 1, 3, 0, 2, 2],
    [1, 5, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1],
    [1, 4, 70, 2, 3, 1, 1, 0, 0, 1, 1, 1, 1],
    [1, 3, 20, 1, 17, 1, 1, 0, 0, 8, 8, 1, 1],
    ...cases,
  ] as const;
  const before = getIsa();
  afterAll(() => setIsa(before));

  function run(c: (typeof wide)[number]) {
    const [C, H, W, KH, KW] = c;
    const [OH, OW] = outHW(c);
    const col = new Float32Array(C * KH * KW * OH * OW).fill(NaN);
    kernels('native').im2col(pattern(C * H * W, 1), col, ...c);
    const dx = pattern(C * H * W, 3);
    kernels('native').col2im(pattern(col.length, 2), dx, ...c);
    return { col, dx };
  }

  it.each(wide.map((c) => ({ c, l: c.join(',') })))('C,H,W,KH,KW,s,p,d = $l', ({ c }) => {
    setIsa('generic');
    const ref = run(c);
    for (const isa of supportedIsas()) {
      setIsa(isa);
      const got = run(c);
      expect(Buffer.from(got.col.buffer).equals(Buffer.from(ref.col.buffer))).toBe(true);
      expect(Buffer.from(got.dx.buffer).equals(Buffer.from(ref.dx.buffer))).toBe(true);
    }
  });
});
