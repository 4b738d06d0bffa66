/** Broadcasting rules (NumPy/PyTorch): shapes align on the right; a 1 stretches. */
import { MAX_RANK } from '../backend/interface/elementwise';
import { formatShape, type Shape } from '../tensor';

export function broadcastShapes(fn: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  if (rank > MAX_RANK) throw new RangeError(`${fn}: rank ${rank} exceeds the maximum of ${MAX_RANK}`);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(
        `${fn}: shapes ${formatShape(a)} and ${formatShape(b)} cannot broadcast (dim ${i - rank}: ${da} vs ${db})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Element strides of `shape` read as if it had `outShape`: 0 on broadcast dims. */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const o = rank - shape.length + i;
    strides[o] = shape[i] === 1 && outShape[o] !== 1 ? 0 : stride;
    stride *= shape[i]!;
  }
  return strides;
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i]!;
  }
  return strides;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
