/**
 * Axis sums and means: native and js against the float64 oracle in test/oracle/reduce.ts.
 *
 * Error bounds: the kernels accumulate in double and round once, so forward results are within
 * 1 ulp of the oracle (|a - e| <= 2.4e-7 |e| + 1e-30; the mean's 1/n is itself a float32).
 * Backward adds scale * dout into dx in float32: |a - e| <= 2.4e-7 |e| + 1.2e-7.
 */
import { describe, expect, it } from 'vitest';
import { BACKEND_NAMES, concatFloats, expectClose, expectSameFloats, kernels, pattern, sameBits, withThreads } from '../helpers/backends';
import { reduceSumBackwardOracle, reduceSumOracle } from '../oracle/reduce';

const SHAPES: [number, number, number][] = [
  [1, 1, 1], [1, 7, 1], [1, 1, 13], [13, 1, 1], [3, 5, 7], [2, 97, 3], [31, 2, 1], [1, 1031, 1],
  [5, 3, 257], [7, 0, 3], [0, 5, 5], [17, 19, 23], [1, 60000, 1],
  // A few slices with a long axis: summed in blocks of rows.
  [2, 700, 5], [1, 20000, 3],
];

describe.each(BACKEND_NAMES)('reduce on %s', (name) => {
  const B = () => kernels(name);

  it.each(SHAPES.flatMap(([outer, n, inner]) => [false, true].map((mean) => ({ outer, n, inner, mean }))))(
    'outer=$outer n=$n inner=$inner mean=$mean',
    ({ outer, n, inner, mean }) => {
      const x = pattern(outer * n * inner, outer + 3 * n + 7 * inner);
      const out = new Float32Array(outer * inner).fill(NaN);
      const scale = mean ? 1 / n : 1;
      B().reduceSumForward(x, out, outer, n, inner, scale);
      expectClose(out, reduceSumOracle(x, outer, n, inner, mean), 2.4e-7, 1e-30);

      const dout = pattern(outer * inner, 5), dx = pattern(outer * n * inner, 6);
      const edx = reduceSumBackwardOracle(dout, dx, outer, n, inner, Math.fround(scale));
      B().reduceSumBackward(dout, dx, outer, n, inner, scale);
      expectClose(dx, edx, 2.4e-7, 1.2e-7);
    },
  );

  it('a sum over an empty axis is 0 and a mean is NaN', () => {
    const out = new Float32Array(3).fill(7);
    B().reduceSumForward(new Float32Array(0), out, 1, 0, 3, 1);
    expectSameFloats(out, [0, 0, 0], 'sum');
    B().reduceSumForward(new Float32Array(0), out, 1, 0, 3, 1 / 0);
    expectSameFloats(out, [NaN, NaN, NaN], 'mean');
  });

  it('propagates NaN and Inf', () => {
    // Rows: NaN, +Inf, -Inf, +Inf and -Inf, finite.
    const x = new Float32Array([1, NaN, 2, 1, Infinity, 2, 1, -Infinity, 2, Infinity, -Infinity, 0, 1, 2, 3]);
    const out = new Float32Array(5);
    B().reduceSumForward(x, out, 5, 3, 1, 1);
    expectSameFloats(out, [NaN, Infinity, -Infinity, NaN, 6], 'sum');
    const dx = new Float32Array(6);
    B().reduceSumBackward(new Float32Array([NaN, Infinity]), dx, 2, 3, 1, 0.5);
    expectSameFloats(dx, [NaN, NaN, NaN, Infinity, Infinity, Infinity], 'backward');
  });

  it('keeps float precision over a long axis (double accumulation)', () => {
    const n = 1 << 20;
    const x = new Float32Array(n).fill(0.1);
    const out = new Float32Array(1);
    B().reduceSumForward(x, out, 1, n, 1, 1 / n);
    expect(Math.abs(out[0]! - Math.fround(0.1))).toBeLessThanOrEqual(1e-8);
  });
});

describe('reduce native results do not depend on the thread count', () => {
  it.each([[1, 1 << 18, 1], [4099, 64, 1], [3, 1000, 257], [1, 3, 300007], [300007, 3, 1]])(
    'outer=%i n=%i inner=%i',
    (outer, n, inner) => {
      const x = pattern(outer * n * inner, 9), dout = pattern(outer * inner, 10);
      const run = () => {
        const out = new Float32Array(outer * inner), dx = pattern(outer * n * inner, 11);
        kernels('native').reduceSumForward(x, out, outer, n, inner, 1 / n);
        kernels('native').reduceSumBackward(dout, dx, outer, n, inner, 0.5);
        return concatFloats(out, dx);
      };
      const outs = [1, 2, 3, 4].map((t) => withThreads(t, run));
      for (let t = 1; t < 4; t++) expect(sameBits(outs[t]!, outs[0]!), `${t + 1} threads`).toBe(true);
    },
  );
});
