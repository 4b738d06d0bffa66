/** Shape ops that move no data: reshape/view, flatten, squeeze, unsqueeze. */
import { gradTarget, record } from '../autograd';
import { backend } from '../backend/registry';
import { formatShape, installReshape, shapeSize, Tensor, type Shape } from '../tensor';

/** Resolves a target shape with at most one -1 against `size` elements. */
export function inferShape(fn: string, size: number, shape: readonly number[], from: Shape): number[] {
  if (!Array.isArray(shape)) throw new TypeError(`${fn}: shape must be an array, got ${typeof shape}`);
  let unknown = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (d === -1) {
      if (unknown >= 0) throw new RangeError(`${fn}: only one dimension can be -1, got ${formatShape(shape)}`);
      unknown = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(`${fn}: shape[${i}] must be a non-negative integer or -1, got ${d}`);
    } else known *= d;
  }
  const out = [...shape];
  if (unknown >= 0) {
    if (known === 0 || size % known !== 0) {
      throw new RangeError(`${fn}: cannot reshape ${formatShape(from)} (${size} elements) to ${formatShape(shape)}`);
    }
    out[unknown] = size / known;
  } else if (known !== size) {
    throw new RangeError(`${fn}: cannot reshape ${formatShape(from)} (${size} elements) to ${formatShape(shape)} (${known} elements)`);
  }
  return out;
}

/** The same data under a new shape (one dimension may be -1). Shares the buffer. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const dims = inferShape('reshape', x.size, shape, x.shape);
  const out = new Tensor(x.data, dims, x);
  return record(out, 'reshape', [x], (dout) => {
    const dx = gradTarget(x);
    if (!dx) return;
    if (dx.accumulate) backend().axpy(1, dout, dx.data, x.size);
    else dx.data.set(dout.subarray(0, x.size));
  });
}

installReshape(reshape);

/** Flattens dimensions startDim..endDim into one (PyTorch's flatten). */
export function flatten(x: Tensor, startDim = 1, endDim = -1): Tensor {
  const rank = x.rank;
  const s = startDim < 0 ? startDim + rank : startDim;
  const e = endDim < 0 ? endDim + rank : endDim;
  if (!(Number.isInteger(s) && Number.isInteger(e) && s >= 0 && e < rank && s <= e)) {
    if (rank === 0) return reshape(x, [1]);
    throw new RangeError(`flatten: need 0 <= startDim (${startDim}) <= endDim (${endDim}) < rank (${rank})`);
  }
  const shape = [...x.shape.slice(0, s), shapeSize(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

/** Inserts a dimension of size 1 at `dim`. */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = dim < 0 ? dim + x.rank + 1 : dim;
  if (!(Number.isInteger(d) && d >= 0 && d <= x.rank)) {
    throw new RangeError(`unsqueeze: dim must be in [${-x.rank - 1}, ${x.rank}], got ${dim}`);
  }
  return reshape(x, [...x.shape.slice(0, d), 1, ...x.shape.slice(d)]);
}

/** Removes dimensions of size 1 (all of them, or only `dim`). */
export function squeeze(x: Tensor, dim?: number): Tensor {
  if (dim === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const d = dim < 0 ? dim + x.rank : dim;
  if (!(Number.isInteger(d) && d >= 0 && d < x.rank)) {
    throw new RangeError(`squeeze: dim must be in [${-x.rank}, ${x.rank - 1}], got ${dim}`);
  }
  if (x.shape[d] !== 1) return x;
  return reshape(x, [...x.shape.slice(0, d), ...x.shape.slice(d + 1)]);
}
