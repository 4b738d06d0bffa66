/**
 * Naive float64 references for the elementwise family: every output element is computed from
 * its multi-index, with broadcasting resolved by shape (not by strides), in double, and
 * rounded to float32 once at the end (so overflow to Inf matches what a float32 kernel does).
 * Deliberately slow and obvious; the backends are checked against these.
 */

export const BINARY_OPS = ['add', 'sub', 'mul', 'div', 'max', 'min'] as const;
export type BinaryName = (typeof BINARY_OPS)[number];

export const UNARY_OPS = [
  'relu', 'leakyRelu', 'sigmoid', 'tanh', 'exp', 'log', 'abs', 'sqrt', 'square', 'neg', 'softplus',
] as const;
export type UnaryName = (typeof UNARY_OPS)[number];

export function size(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** The broadcast result shape of a and b (right-aligned; a 1 stretches). */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`oracle: ${a} and ${b} do not broadcast`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Element strides of `shape` read through `outShape`: 0 on stretched or missing dims. */
export function stridesIn(shape: readonly number[], outShape: readonly number[]): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const o = rank - shape.length + i;
    strides[o] = shape[i] === 1 ? 0 : stride;
    stride *= shape[i]!;
  }
  return strides;
}

/** Flat index into an operand of `shape` for the output multi-index `idx`. */
function sourceIndex(idx: readonly number[], shape: readonly number[]): number {
  let flat = 0;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    const j = idx[idx.length - shape.length + i]!;
    flat = flat * d + (d === 1 ? 0 : j);
  }
  return flat;
}

function multiIndex(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return idx;
}

export function binaryScalar(op: BinaryName, a: number, b: number): number {
  switch (op) {
    case 'add': return a + b;
    case 'sub': return a - b;
    case 'mul': return a * b;
    case 'div': return a / b;
    // NaN in either operand gives NaN; +0 counts as larger than -0 (JS Math.max/min).
    case 'max': return Math.max(a, b);
    case 'min': return Math.min(a, b);
  }
}

export function binaryOracle(
  op: BinaryName, a: ArrayLike<number>, aShape: readonly number[], b: ArrayLike<number>, bShape: readonly number[],
): { shape: number[]; out: Float64Array } {
  const shape = broadcastShape(aShape, bShape);
  const out = new Float64Array(size(shape));
  for (let i = 0; i < out.length; i++) {
    const idx = multiIndex(i, shape);
    out[i] = Math.fround(binaryScalar(op, a[sourceIndex(idx, aShape)]!, b[sourceIndex(idx, bShape)]!));
  }
  return { shape, out };
}

/** d(loss)/d(operand) of a broadcast: dout summed over the operand's stretched dims. */
export function unbroadcastOracle(dout: ArrayLike<number>, outShape: readonly number[], shape: readonly number[]): Float64Array {
  const out = new Float64Array(size(shape));
  for (let i = 0; i < size(outShape); i++) out[sourceIndex(multiIndex(i, outShape), shape)] += dout[i]!;
  return out;
}

export function unaryScalar(op: UnaryName, x: number, alpha: number): number {
  switch (op) {
    case 'relu': return x > 0 || Number.isNaN(x) ? x : 0;
    case 'leakyRelu': return x > 0 || Number.isNaN(x) ? x : alpha * x;
    case 'sigmoid': return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    case 'tanh': return Math.tanh(x);
    case 'exp': return Math.exp(x);
    case 'log': return Math.log(x);
    case 'abs': return Math.abs(x);
    case 'sqrt': return Math.sqrt(x);
    case 'square': return x * x;
    case 'neg': return -x;
    case 'softplus': return x > 30 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
  }
}

/**
 * The contribution dout * f'(x) a backward kernel adds to dx. Piecewise-linear ops select
 * (relu passes dout where x > 0 and adds nothing elsewhere, even for an infinite dout), the
 * others multiply. Ops whose derivative is a function of the output (sigmoid, tanh, exp,
 * sqrt) use y, the float32 forward result, as the kernels do: exp'(100) is then Inf, as the
 * float32 forward value says, not 2.7e43.
 */
export function unaryGradScalar(op: UnaryName, x: number, y: number, dout: number, alpha: number): number {
  switch (op) {
    case 'relu': return x > 0 ? dout : 0;
    case 'leakyRelu': return x > 0 ? dout : alpha * dout;
    case 'sigmoid': return dout * y * (1 - y);
    case 'tanh': return dout * (1 - y * y);
    case 'exp': return dout * y;
    case 'log': return dout / x;
    case 'abs': return x > 0 ? dout : x < 0 ? -dout : 0;
    case 'sqrt': return (dout * 0.5) / y;
    case 'square': return dout * 2 * x;
    case 'neg': return -dout;
    case 'softplus': return dout / (1 + Math.exp(-x));
  }
}

export function unaryOracle(op: UnaryName, x: ArrayLike<number>, alpha: number): Float64Array {
  const a = Math.fround(alpha);
  return Float64Array.from(Array.from(x, (v) => Math.fround(unaryScalar(op, v, a))));
}

/** dx + dout * f'(x), elementwise. */
export function unaryBackwardOracle(
  op: UnaryName, x: ArrayLike<number>, dout: ArrayLike<number>, dx: ArrayLike<number>, alpha: number,
): Float64Array {
  const a = Math.fround(alpha);
  return Float64Array.from(Array.from(x, (v, i) => {
    const y = Math.fround(unaryScalar(op, v, a));
    return Math.fround(dx[i]! + unaryGradScalar(op, v, y, dout[i]!, a));
  }));
}

/** out (M, N) + bias[n] per row. */
export function biasAddOracle(out: ArrayLike<number>, bias: ArrayLike<number>, M: number, N: number): Float64Array {
  const r = new Float64Array(M * N);
  for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) r[m * N + n] = Math.fround(out[m * N + n]! + bias[n]!);
  return r;
}

/** dbias + column sums of dout (M, N). */
export function biasAddBackwardOracle(dout: ArrayLike<number>, dbias: ArrayLike<number>, M: number, N: number): Float64Array {
  const r = Float64Array.from(dbias);
  for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) r[n] += dout[m * N + n]!;
  return r;
}
