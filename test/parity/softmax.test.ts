/**
 * Row-wise softmax and log-softmax: native and js against the float64 oracle in
 * test/oracle/softmax.ts, on logits of ordinary size and of +-1000.
 *
 * Error bounds: softmax |a - e| <= 5e-6 |e| + 1e-7 (exp in float32 of x - max, one division);
 * log-softmax |a - e| <= 1e-6 |e| + 1e-6 (|y| >= |x - max|, so the float32 rounding of x - max
 * is relative to y); backward (dx + J^T dout) |a - e| <= 1e-5 |e| + 2e-6 * max(1, |row sums|).
 */
import { describe, expect, it } from 'vitest';
import { BACKEND_NAMES, closeness, concatFloats, expectClose, kernels, pattern, sameBits, withThreads } from '../helpers/backends';
import { logSoftmaxBackwardOracle, logSoftmaxOracle, softmaxBackwardOracle, softmaxOracle } from '../oracle/softmax';

const SHAPES: [number, number][] = [[1, 1], [1, 2], [1, 7], [7, 1], [3, 10], [13, 97], [2, 1031], [257, 3], [0, 5], [5, 0]];
const SCALES = [1, 30, 1000];

function logits(rows: number, cols: number, seed: number, scale: number): Float32Array {
  const x = pattern(rows * cols, seed);
  for (let i = 0; i < x.length; i++) x[i] = x[i]! * scale;
  return x;
}

describe.each(BACKEND_NAMES)('softmax on %s', (name) => {
  const B = () => kernels(name);
  const cases = SHAPES.flatMap(([rows, cols]) => SCALES.map((scale) => ({ rows, cols, scale })));

  it.each(cases)('softmax rows=$rows cols=$cols logits*$scale', ({ rows, cols, scale }) => {
    const x = logits(rows, cols, rows * 31 + cols, scale);
    const y = new Float32Array(rows * cols).fill(NaN);
    B().softmaxForward(x, y, rows, cols);
    const ey = softmaxOracle(x, rows, cols);
    expectClose(y, ey, 5e-6, 1e-7);
    for (let r = 0; r < rows && cols > 0; r++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += y[r * cols + j]!;
      expect(Math.abs(s - 1)).toBeLessThan(1e-5 * Math.max(1, Math.sqrt(cols)));
    }
    const dout = pattern(rows * cols, 3), dx = pattern(rows * cols, 4);
    const edx = softmaxBackwardOracle(y, dout, dx, rows, cols);
    B().softmaxBackward(y, dout, dx, rows, cols);
    expectClose(dx, edx, 1e-5, 2e-6);
  });

  it.each(cases)('logSoftmax rows=$rows cols=$cols logits*$scale', ({ rows, cols, scale }) => {
    const x = logits(rows, cols, rows * 37 + cols, scale);
    const y = new Float32Array(rows * cols).fill(NaN);
    B().logSoftmaxForward(x, y, rows, cols);
    expectClose(y, logSoftmaxOracle(x, rows, cols), 1e-6, 1e-6);
    const dout = pattern(rows * cols, 5), dx = pattern(rows * cols, 6);
    const edx = logSoftmaxBackwardOracle(y, dout, dx, rows, cols);
    B().logSoftmaxBackward(y, dout, dx, rows, cols);
    expectClose(dx, edx, 1e-5, 2e-6 * Math.max(1, cols));
  });

  it('is exact for logits of +-1000 in one row', () => {
    const x = new Float32Array([1000, -1000, 1000, 999]);
    const y = new Float32Array(4), ly = new Float32Array(4);
    B().softmaxForward(x, y, 1, 4);
    B().logSoftmaxForward(x, ly, 1, 4);
    expectClose(y, softmaxOracle(x, 1, 4), 5e-6, 1e-7);
    expectClose(ly, logSoftmaxOracle(x, 1, 4), 1e-6, 1e-6);
    expect(y[1]).toBe(0);
    expect(ly[1]).toBeCloseTo(-2000 - Math.log(2 + Math.exp(-1)), 3);
  });

  it('propagates NaN and Inf row by row', () => {
    // Rows: a NaN; a +Inf; a -Inf among finite values; all -Inf; finite.
    const x = new Float32Array([1, NaN, 2, 1, Infinity, 2, 1, -Infinity, 2, -Infinity, -Infinity, -Infinity, 0, 1, 2]);
    for (const [fwd, oracle] of [['softmaxForward', softmaxOracle], ['logSoftmaxForward', logSoftmaxOracle]] as const) {
      const y = new Float32Array(15);
      B()[fwd](x, y, 5, 3);
      expect(closeness(y, oracle(x, 5, 3), 5e-6, 1e-6), fwd).toBeLessThanOrEqual(1);
    }
    const y = new Float32Array([0.5, 0.25, 0.25, 0.5, 0.25, 0.25]);
    const dout = new Float32Array([NaN, 0, 0, Infinity, 1, 1]);
    for (const [bwd, oracle] of [['softmaxBackward', softmaxBackwardOracle], ['logSoftmaxBackward', logSoftmaxBackwardOracle]] as const) {
      const yy = bwd === 'softmaxBackward' ? y : y.map(Math.log);
      const dx = new Float32Array(6);
      B()[bwd](yy, dout, dx, 2, 3);
      expect(closeness(dx, oracle(yy, dout, new Float32Array(6), 2, 3), 1e-5, 1e-6), bwd).toBeLessThanOrEqual(1);
      expect(dx.subarray(0, 3).every((v) => Number.isNaN(v)), `${bwd}: a NaN in dout poisons its row`).toBe(true);
    }
  });
});

describe('softmax native results do not depend on the thread count', () => {
  it.each([[4099, 10], [3, 70001], [1000, 257]])('rows=%i cols=%i', (rows, cols) => {
    const x = logits(rows, cols, 12, 20), dout = pattern(rows * cols, 13);
    const run = () => {
      const n = rows * cols;
      const y = new Float32Array(n), ly = new Float32Array(n), dx = pattern(n, 14), ldx = pattern(n, 15);
      const K = kernels('native');
      K.softmaxForward(x, y, rows, cols);
      K.logSoftmaxForward(x, ly, rows, cols);
      K.softmaxBackward(y, dout, dx, rows, cols);
      K.logSoftmaxBackward(ly, dout, ldx, rows, cols);
      return concatFloats(y, ly, dx, ldx);
    };
    const outs = [1, 2, 3, 4].map((t) => withThreads(t, run));
    for (let t = 1; t < 4; t++) expect(sameBits(outs[t]!, outs[0]!), `${t + 1} threads`).toBe(true);
  });
});
