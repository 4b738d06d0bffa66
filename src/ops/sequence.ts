/**
 * Data-movement ops the recurrent layers are built from: a zero-copy slice along the first
 * dimension, concatenation along any dimension, and swapping the first two dimensions
 * (time-major <-> batch-major). They copy values and route gradients back; no arithmetic.
 */
import { gradBuffer, record } from '../autograd';
import { backend } from '../backend/registry';
import { acquire } from '../memory';
import { describe, formatShape, shapeSize, Tensor } from '../tensor';

function checkTensor(fn: string, name: string, t: unknown): asserts t is Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${fn}: ${name} must be a Tensor, got ${describe(t)}`);
}

/**
 * Rows [start, start + length) of x along its first dimension, sharing x's buffer (a view).
 * x is (N, ...rest); the result is (length, ...rest).
 */
export function narrow0(x: Tensor, start: number, length: number): Tensor {
  checkTensor('narrow0', 'x', x);
  if (x.rank === 0) throw new RangeError('narrow0: x must have at least one dimension');
  const n = x.shape[0]!;
  if (!(Number.isInteger(start) && Number.isInteger(length) && start >= 0 && length >= 0 && start + length <= n)) {
    throw new RangeError(`narrow0: need 0 <= start (${start}) and start + length (${start + length}) <= ${n} for x ${formatShape(x.shape)}`);
  }
  const row = n === 0 ? 0 : x.size / n;
  const out = new Tensor(x.data.subarray(start * row, (start + length) * row), [length, ...x.shape.slice(1)], x);
  return record(out, 'narrow0', [x], (dout) => {
    const dx = gradBuffer(x);
    if (dx) backend().axpy(1, dout, dx.subarray(start * row), length * row);
  });
}

/** Concatenation along `dim` (negative counts from the end); every other dimension must match. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new RangeError('cat: need a non-empty array of tensors');
  tensors.forEach((t, i) => checkTensor('cat', `tensors[${i}]`, t));
  const first = tensors[0]!;
  const rank = first.rank;
  const d = dim < 0 ? dim + rank : dim;
  if (!(Number.isInteger(d) && d >= 0 && d < rank)) throw new RangeError(`cat: dim must be in [${-rank}, ${rank - 1}], got ${dim}`);
  for (const [i, t] of tensors.entries()) {
    if (t.rank !== rank || t.shape.some((s: number, k: number) => k !== d && s !== first.shape[k])) {
      throw new RangeError(`cat: tensors[${i}] ${formatShape(t.shape)} does not match ${formatShape(first.shape)} outside dim ${d}`);
    }
  }
  const outer = shapeSize(first.shape.slice(0, d));
  const inner = shapeSize(first.shape.slice(d + 1));
  const widths = tensors.map((t) => t.shape[d]! * inner);
  const total = widths.reduce((a, b) => a + b, 0);
  const shape = [...first.shape];
  shape[d] = tensors.reduce((a, t) => a + t.shape[d]!, 0);
  const out = new Tensor(acquire(outer * total), shape);
  const o = out.data;
  let col = 0;
  tensors.forEach((t, i) => {
    const w = widths[i]!, src = t.data;
    for (let r = 0; r < outer; r++) o.set(src.subarray(r * w, (r + 1) * w), r * total + col);
    col += w;
  });
  return record(out, 'cat', tensors, (dout) => {
    let c = 0;
    tensors.forEach((t, i) => {
      const w = widths[i]!;
      const dx = gradBuffer(t);
      if (dx) for (let r = 0; r < outer; r++) backend().axpy(1, dout.subarray(r * total + c), dx.subarray(r * w), w);
      c += w;
    });
  });
}

/** Swaps the first two dimensions: (A, B, ...rest) -> (B, A, ...rest), copying. */
export function swapAxes01(x: Tensor): Tensor {
  checkTensor('swapAxes01', 'x', x);
  if (x.rank < 2) throw new RangeError(`swapAxes01: x must have at least 2 dimensions, got ${formatShape(x.shape)}`);
  const [A, Bn] = x.shape as [number, number];
  const inner = shapeSize(x.shape.slice(2));
  const out = new Tensor(acquire(x.size), [Bn, A, ...x.shape.slice(2)]);
  permute(x.data, out.data, A, Bn, inner, false);
  return record(out, 'swapAxes01', [x], (dout) => {
    const dx = gradBuffer(x);
    if (dx) permute(dout, dx, Bn, A, inner, true);
  });
}

/** dst[b, a, :] (=|+=) src[a, b, :], src (A, B, inner). */
function permute(src: Float32Array, dst: Float32Array, A: number, B: number, inner: number, accumulate: boolean): void {
  for (let a = 0; a < A; a++) {
    for (let b = 0; b < B; b++) {
      const s = (a * B + b) * inner, t = (b * A + a) * inner;
      if (accumulate) for (let k = 0; k < inner; k++) dst[t + k] += src[s + k]!;
      else dst.set(src.subarray(s, s + inner), t);
    }
  }
}
