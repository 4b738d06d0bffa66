/** Axis reductions in plain TypeScript (sums in double, like native/kernels/reduce.cpp). */
import type { ReduceKernels } from '../interface/reduce';

export const reduce: ReduceKernels = {
  reduceSumForward(x, out, outer, n, inner, scale) {
    const acc = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      acc.fill(0);
      const base = o * n * inner;
      for (let j = 0; j < n; j++) {
        const row = base + j * inner;
        for (let i = 0; i < inner; i++) acc[i] += x[row + i]!;
      }
      const f = Math.fround(scale);
      for (let i = 0; i < inner; i++) out[o * inner + i] = acc[i]! * f;
    }
  },

  reduceSumBackward(dout, dx, outer, n, inner, scale) {
    const f = Math.fround(scale);
    for (let o = 0; o < outer; o++) {
      const base = o * n * inner;
      for (let j = 0; j < n; j++) {
        const row = base + j * inner;
        for (let i = 0; i < inner; i++) dx[row + i] += Math.fround(f * dout[o * inner + i]!);
      }
    }
  },
};
