/** Naive float64 reference for axis sums over a tensor viewed as (outer, n, inner). */

export function reduceSumOracle(x: ArrayLike<number>, outer: number, n: number, inner: number, mean: boolean): Float64Array {
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += x[(o * n + j) * inner + i]!;
      out[o * inner + i] = mean ? s / n : s;
    }
  }
  return out;
}

/** dx + scale * dout broadcast back over the reduced axis. */
export function reduceSumBackwardOracle(
  dout: ArrayLike<number>, dx: ArrayLike<number>, outer: number, n: number, inner: number, scale: number,
): Float64Array {
  const out = Float64Array.from(dx);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < inner; i++) out[(o * n + j) * inner + i] += scale * dout[o * inner + i]!;
    }
  }
  return out;
}
