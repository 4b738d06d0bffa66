/**
 * Backward kernels with an overwrite mode (accumulate = false): autograd uses it for the first
 * gradient written into a tensor, whose fresh buffer is not zeroed. The result must be the
 * bits of adding into zeros, without reading dx (filled with NaN here, which any read shows).
 */
import { describe, expect, it } from 'vitest';
import { UnaryOp } from '../../src/backend/interface/elementwise';
import { outSize, type ConvCase } from '../oracle/conv';
import { BACKEND_NAMES, kernels, pattern, sameBits, withThreads } from '../helpers/backends';
import { add, linear, mul, relu, sum, tensor } from '../../src/index';

/** run(dx, accumulate) on zeros with accumulate, and on NaN without: the same bits. */
function expectOverwriteLikeZeros(size: number, run: (dx: Float32Array, accumulate: boolean) => void): void {
  const zeros = new Float32Array(size);
  run(zeros, true);
  const garbage = new Float32Array(size).fill(NaN);
  run(garbage, false);
  expect(sameBits(garbage, zeros)).toBe(true);
}

const UNARY_OPS = Object.values(UnaryOp).filter((v): v is UnaryOp => typeof v === 'number');

describe.each(BACKEND_NAMES)('accumulate = false on %s', (backend) => {
  const K = kernels(backend);

  it.each(UNARY_OPS)('unaryBackward op %i', (op) => {
    // -0 in dout: adding into zeros turns it into +0, which the overwrite must keep.
    const n = 1000;
    const x = pattern(n, 1).map((v) => Math.abs(v) + (v < 0 ? 0 : 0.25));
    const y = new Float32Array(n);
    K.unaryForward(op, x, y, n, 0.1);
    const dout = pattern(n, 2);
    dout[3] = -0;
    expectOverwriteLikeZeros(n, (dx, accumulate) => K.unaryBackward(op, x, y, dout, dx, n, 0.1, accumulate));
  });

  // Even planes (the AVX-512 gather when rows have 16 or more outputs), odd planes (a last row
  // and column no window covers), windows that do not tile the plane, and no outputs at all.
  it.each([
    { NC: 3, H: 32, W: 32, k: 2, s: 2 },
    { NC: 2, H: 33, W: 35, k: 2, s: 2 },
    { NC: 2, H: 9, W: 10, k: 3, s: 2 },
  ])('maxPool2dBackward on $NC planes of $H x $W, window $k stride $s', ({ NC, H, W, k, s }) => {
    const OH = Math.floor((H - k) / s) + 1, OW = Math.floor((W - k) / s) + 1;
    const x = pattern(NC * H * W, 3), out = new Float32Array(NC * OH * OW), argmax = new Float32Array(out.length);
    K.maxPool2dForward(x, out, argmax, 1, NC, H, W, k, k, s, s, 0, 0, 0, 0, 1, 1);
    const dout = pattern(out.length, 4);
    const tiling = k === s ? k : 0;
    expectOverwriteLikeZeros(NC * H * W, (dx, accumulate) =>
      K.maxPool2dBackward(dout, argmax, dx, NC, H * W, OH * OW, W, tiling, accumulate));
    expectOverwriteLikeZeros(NC * H * W, (dx, accumulate) =>
      K.maxPool2dBackward(dout, argmax, dx, NC, H * W, 0, W, tiling, accumulate));
  });

  // Several images per GEMM, one image per GEMM, a pointwise convolution and no output channels;
  // with 1 and 2 threads (the chunks then go to the threads).
  it.each([
    { N: 6, C: 4, H: 10, W: 10, OC: 5, KH: 3, KW: 3, sh: 1, sw: 1, pt: 1, pb: 1, pl: 1, pr: 1, dh: 1, dw: 1, groups: 1 },
    { N: 3, C: 8, H: 24, W: 32, OC: 6, KH: 3, KW: 3, sh: 1, sw: 1, pt: 1, pb: 1, pl: 1, pr: 1, dh: 1, dw: 1, groups: 2 },
    { N: 4, C: 6, H: 5, W: 7, OC: 4, KH: 1, KW: 1, sh: 1, sw: 1, pt: 0, pb: 0, pl: 0, pr: 0, dh: 1, dw: 1, groups: 1 },
    { N: 2, C: 3, H: 6, W: 6, OC: 0, KH: 3, KW: 3, sh: 1, sw: 1, pt: 0, pb: 0, pl: 0, pr: 0, dh: 1, dw: 1, groups: 1 },
  ] as ConvCase[])('conv2dBackwardInput on $N x $C x $H x $W, $OC output channels', (c) => {
    const [OH, OW] = outSize(c);
    const dims = [c.N, c.C, c.H, c.W, c.OC, c.KH, c.KW, c.sh, c.sw, c.pt, c.pb, c.pl, c.pr, c.dh, c.dw, c.groups] as const;
    const w = pattern(c.OC * (c.C / c.groups) * c.KH * c.KW, 5), dout = pattern(c.N * c.OC * OH * OW, 6);
    for (const threads of [1, 2]) {
      withThreads(threads, () =>
        expectOverwriteLikeZeros(c.N * c.C * c.H * c.W, (dx, accumulate) =>
          K.conv2dBackwardInput(dout, w, dx, ...dims, accumulate)));
    }
  });
});

describe('autograd', () => {
  it('overwrites a fresh gradient and adds the ones that follow', () => {
    // x feeds relu twice and a product: the first backward write lands in a fresh buffer,
    // the others must add to it.
    const x = tensor([-1, 2, -3, 4], [4]);
    x.requiresGrad = true;
    const loss = sum(add(add(relu(x), relu(x)), mul(x, tensor([1, 1, 1, 1], [4]))));
    loss.backward();
    expect(Array.from(x.grad!.data)).toEqual([1, 3, 1, 3]);
  });
});

describe('zeroGrad', () => {
  it('reads as zeros, and the next backward overwrites the gradient instead of adding to it', () => {
    const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const w = tensor([0.5, -1, 2, 0, 1, -0.5], [2, 3]);
    w.requiresGrad = true;
    const step = () => sum(linear(x, w)).backward();
    step();
    const once = Array.from(w.grad!.data);
    step();
    expect(Array.from(w.grad!.data)).toEqual(once.map((v) => 2 * v));
    w.zeroGrad();
    expect(Array.from(w.grad!.data)).toEqual([0, 0, 0, 0, 0, 0]);
    step();
    expect(Array.from(w.grad!.data)).toEqual(once);
    w.zeroGrad();
    step();
    expect(Array.from(w.grad!.data)).toEqual(once);
    // A weight used twice after zeroGrad: the first product overwrites, the second adds.
    w.zeroGrad();
    sum(add(linear(x, w), linear(x, w))).backward();
    expect(Array.from(w.grad!.data)).toEqual(once.map((v) => 2 * v));
  });
});
