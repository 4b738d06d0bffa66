/**
 * Naive float64 references for row-wise softmax and log-softmax over (rows, cols): the row
 * maximum is subtracted first (as in every stable implementation), everything else is plain
 * double arithmetic. A NaN anywhere in a row makes the whole row NaN.
 */

function rowMax(x: ArrayLike<number>, o: number, cols: number): number {
  let m = -Infinity;
  for (let j = 0; j < cols; j++) {
    const v = x[o + j]!;
    if (Number.isNaN(v)) return NaN;
    m = Math.max(m, v);
  }
  return m;
}

export function softmaxOracle(x: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const y = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const m = rowMax(x, o, cols);
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(x[o + j]! - m);
    for (let j = 0; j < cols; j++) y[o + j] = Math.exp(x[o + j]! - m) / s;
  }
  return y;
}

export function logSoftmaxOracle(x: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const y = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const m = rowMax(x, o, cols);
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(x[o + j]! - m);
    for (let j = 0; j < cols; j++) y[o + j] = x[o + j]! - m - Math.log(s);
  }
  return y;
}

/** dx + J^T dout for softmax, from the softmax output y: y * (dout - sum(dout * y)). */
export function softmaxBackwardOracle(y: ArrayLike<number>, dout: ArrayLike<number>, dx: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = Float64Array.from(dx);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let dot = 0;
    for (let j = 0; j < cols; j++) dot += dout[o + j]! * y[o + j]!;
    for (let j = 0; j < cols; j++) out[o + j] += y[o + j]! * (dout[o + j]! - dot);
  }
  return out;
}

/** dx + J^T dout for log-softmax, from its output y: dout - exp(y) * sum(dout). */
export function logSoftmaxBackwardOracle(y: ArrayLike<number>, dout: ArrayLike<number>, dx: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = Float64Array.from(dx);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let s = 0;
    for (let j = 0; j < cols; j++) s += dout[o + j]!;
    for (let j = 0; j < cols; j++) out[o + j] += dout[o + j]! - Math.exp(y[o + j]!) * s;
  }
  return out;
}
