/**
 * Elementwise kernels in plain TypeScript, mirroring native/kernels/elementwise.cpp.
 * Results are rounded to float32 on store, as the native kernels compute in float32;
 * transcendental functions use Math (double), so native and js agree to a few ulps.
 */
import { BinaryOp, UnaryOp, type ElementwiseKernels } from '../interface/elementwise';

function applyBinary(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case BinaryOp.add: return a + b;
    case BinaryOp.sub: return a - b;
    case BinaryOp.mul: return a * b;
    case BinaryOp.div: return a / b;
    case BinaryOp.max: return a !== a || b !== b ? NaN : Math.max(a, b);
    case BinaryOp.min: return a !== a || b !== b ? NaN : Math.min(a, b);
  }
  throw new RangeError(`binaryForward: unknown op ${op as number}`);
}

function isContiguous(shape: number[], strides: number[]): boolean {
  let expect = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && strides[d] !== expect) return false;
    expect *= shape[d]!;
  }
  return true;
}

/** Calls visit(rowIndex, offsetA, offsetB) for every last-axis row of `shape`, in order. */
function forEachRow(shape: number[], sa: number[], sb: number[], visit: (row: number, oa: number, ob: number) => void): void {
  const rank = shape.length;
  const inner = shape[rank - 1]!;
  let total = 1;
  for (const d of shape) total *= d;
  if (total === 0) return;
  const rows = total / inner;
  const idx = new Array<number>(rank).fill(0);
  for (let row = 0; row < rows; row++) {
    let oa = 0, ob = 0;
    for (let d = 0; d < rank - 1; d++) {
      oa += idx[d]! * sa[d]!;
      ob += idx[d]! * sb[d]!;
    }
    visit(row, oa, ob);
    for (let d = rank - 2; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

const sigmoid = (x: number): number => {
  const e = Math.exp(-Math.abs(x));
  return x >= 0 ? 1 / (1 + e) : e / (1 + e);
};
const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

function unaryFn(op: UnaryOp, alpha: number): (x: number) => number {
  switch (op) {
    case UnaryOp.relu: return (x) => (x > 0 || x !== x ? x : 0);
    case UnaryOp.leakyRelu: return (x) => (x > 0 ? x : alpha * x);
    case UnaryOp.sigmoid: return sigmoid;
    case UnaryOp.tanh: return Math.tanh;
    case UnaryOp.exp: return Math.exp;
    case UnaryOp.log: return Math.log;
    case UnaryOp.abs: return Math.abs;
    case UnaryOp.sqrt: return Math.sqrt;
    case UnaryOp.square: return (x) => x * x;
    case UnaryOp.neg: return (x) => -x;
    case UnaryOp.softplus: return softplus;
  }
  throw new RangeError(`unaryForward: unknown op ${op as number}`);
}

/** d/dx as a function of (x, y = f(x)). */
function unaryGrad(op: UnaryOp, alpha: number): (x: number, y: number) => number {
  switch (op) {
    case UnaryOp.relu: return (x) => (x > 0 ? 1 : 0);
    case UnaryOp.leakyRelu: return (x) => (x > 0 ? 1 : alpha);
    case UnaryOp.sigmoid: return (_x, y) => y * (1 - y);
    case UnaryOp.tanh: return (_x, y) => 1 - y * y;
    case UnaryOp.exp: return (_x, y) => y;
    case UnaryOp.log: return (x) => 1 / x;
    case UnaryOp.abs: return (x) => (x > 0 ? 1 : x < 0 ? -1 : 0);
    case UnaryOp.sqrt: return (_x, y) => 0.5 / y;
    case UnaryOp.square: return (x) => 2 * x;
    case UnaryOp.neg: return () => -1;
    case UnaryOp.softplus: return sigmoid;
  }
  throw new RangeError(`unaryBackward: unknown op ${op as number}`);
}

export const elementwise: ElementwiseKernels = {
  binaryForward(op, a, aStrides, b, bStrides, out, shape) {
    if (shape.length === 0) {
      out[0] = applyBinary(op, a[0]!, b[0]!);
      return;
    }
    if (isContiguous(shape, aStrides) && isContiguous(shape, bStrides)) {
      let n = 1;
      for (const d of shape) n *= d;
      switch (op) {
        case BinaryOp.add: for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!; return;
        case BinaryOp.sub: for (let i = 0; i < n; i++) out[i] = a[i]! - b[i]!; return;
        case BinaryOp.mul: for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!; return;
        case BinaryOp.div: for (let i = 0; i < n; i++) out[i] = a[i]! / b[i]!; return;
        default: for (let i = 0; i < n; i++) out[i] = applyBinary(op, a[i]!, b[i]!); return;
      }
    }
    const inner = shape[shape.length - 1]!;
    const ai = aStrides[shape.length - 1]!, bi = bStrides[shape.length - 1]!;
    forEachRow(shape, aStrides, bStrides, (row, oa, ob) => {
      const o = row * inner;
      for (let j = 0; j < inner; j++) out[o + j] = applyBinary(op, a[oa + j * ai]!, b[ob + j * bi]!);
    });
  },

  unbroadcastSum(dout, shape, dx, dxStrides) {
    if (shape.length === 0) {
      dx[0] += dout[0]!;
      return;
    }
    const inner = shape[shape.length - 1]!;
    const xi = dxStrides[shape.length - 1]!;
    forEachRow(shape, dxStrides, dxStrides, (row, ox) => {
      const g = row * inner;
      if (xi === 0) {
        let s = 0;
        for (let j = 0; j < inner; j++) s = Math.fround(s + dout[g + j]!);
        dx[ox] += s;
      } else {
        for (let j = 0; j < inner; j++) dx[ox + j * xi] += dout[g + j]!;
      }
    });
  },

  unaryForward(op, x, out, n, alpha) {
    if (op === UnaryOp.relu) {
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = v > 0 || v !== v ? v : 0;
      }
      return;
    }
    const f = unaryFn(op, Math.fround(alpha));
    for (let i = 0; i < n; i++) out[i] = f(x[i]!);
  },

  unaryBackward(op, x, y, dout, dx, n, alpha, accumulate) {
    if (!accumulate) dx.fill(0, 0, n);
    // Piecewise-linear ops select rather than multiply, so an infinite dout where the slope
    // is 0 adds nothing (as in the native kernels) instead of Inf * 0 = NaN.
    if (op === UnaryOp.relu) {
      for (let i = 0; i < n; i++) if (x[i]! > 0) dx[i] += dout[i]!;
      return;
    }
    if (op === UnaryOp.abs) {
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        if (v > 0) dx[i] += dout[i]!;
        else if (v < 0) dx[i] -= dout[i]!;
      }
      return;
    }
    if (op === UnaryOp.leakyRelu) {
      const a = Math.fround(alpha);
      for (let i = 0; i < n; i++) dx[i] += x[i]! > 0 ? dout[i]! : a * dout[i]!;
      return;
    }
    const g = unaryGrad(op, Math.fround(alpha));
    for (let i = 0; i < n; i++) dx[i] += dout[i]! * g(x[i]!, y[i]!);
  },

  scale(x, alpha, out, n) {
    const a = Math.fround(alpha);
    for (let i = 0; i < n; i++) out[i] = a * x[i]!;
  },

  axpy(alpha, x, y, n) {
    const a = Math.fround(alpha);
    for (let i = 0; i < n; i++) y[i] += a * x[i]!;
  },

  biasAddForward(out, bias, M, N) {
    for (let m = 0; m < M; m++) {
      const o = m * N;
      for (let n = 0; n < N; n++) out[o + n] += bias[n]!;
    }
  },

  biasAddBackward(dout, dbias, M, N) {
    for (let m = 0; m < M; m++) {
      const o = m * N;
      for (let n = 0; n < N; n++) dbias[n] += dout[o + n]!;
    }
  },
};
