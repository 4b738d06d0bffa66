/** Row-wise softmax and log-softmax in plain TypeScript, mirroring native/kernels/softmax.cpp. */
import type { SoftmaxKernels } from '../interface/softmax';

function rowMax(x: Float32Array, o: number, cols: number): number {
  let m = -Infinity;
  for (let j = 0; j < cols; j++) {
    const v = x[o + j]!;
    if (v !== v) return v;
    if (v > m) m = v;
  }
  return m;
}

export const softmax: SoftmaxKernels = {
  softmaxForward(x, y, rows, cols) {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      const m = rowMax(x, o, cols);
      let sum = 0;
      for (let j = 0; j < cols; j++) {
        y[o + j] = Math.exp(x[o + j]! - m);
        sum += y[o + j]!;
      }
      const inv = Math.fround(1 / sum);
      for (let j = 0; j < cols; j++) y[o + j] *= inv;
    }
  },

  softmaxBackward(y, dout, dx, rows, cols) {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let dot = 0;
      for (let j = 0; j < cols; j++) dot += dout[o + j]! * y[o + j]!;
      const d = Math.fround(dot);
      for (let j = 0; j < cols; j++) dx[o + j] += y[o + j]! * Math.fround(dout[o + j]! - d);
    }
  },

  logSoftmaxForward(x, y, rows, cols) {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      const m = rowMax(x, o, cols);
      let sum = 0;
      for (let j = 0; j < cols; j++) sum += Math.exp(x[o + j]! - m);
      const logSum = Math.fround(Math.log(sum));
      for (let j = 0; j < cols; j++) y[o + j] = Math.fround(x[o + j]! - m) - logSum;
    }
  },

  logSoftmaxBackward(y, dout, dx, rows, cols) {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let sum = 0;
      for (let j = 0; j < cols; j++) sum += dout[o + j]!;
      const s = Math.fround(sum);
      for (let j = 0; j < cols; j++) dx[o + j] += dout[o + j]! - Math.exp(y[o + j]!) * s;
    }
  },
};
