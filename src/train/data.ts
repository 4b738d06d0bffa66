/**
 * What fit(), evaluate() and predict() accept as data. See README.md in this folder.
 *
 * - A pair of whole tensors `{ x, y }`: x is (N, ...) inputs and y is (N, ...) targets (class
 *   indices of shape [N] for the classification losses). fit cuts it into batches of
 *   `batchSize` rows, in an order shuffled each epoch from the seeded generator.
 * - A batch source: anything iterable (sync or async) yielding `{ x, y }` batches, iterated
 *   afresh each epoch (an array of batches, or an object whose [Symbol.iterator]() starts a
 *   new pass, such as a data loader). A one-shot generator would be empty from epoch 2 on;
 *   fit reports that as an error.
 */
import { acquire } from '../memory';
import type { Random } from '../random';
import { describe, formatShape, Tensor } from '../tensor';

export interface Batch {
  /** Inputs, (B, ...). */
  x: Tensor;
  /** Targets, (B, ...): class indices [B] for classification losses. */
  y: Tensor;
}

/** A whole dataset as two tensors with the same first dimension. */
export interface TensorPair {
  x: Tensor;
  y: Tensor;
}

export type BatchSource = Iterable<Batch> | AsyncIterable<Batch>;

export type FitData = TensorPair | BatchSource;

export function isTensorPair(data: unknown): data is TensorPair {
  return (
    data !== null && typeof data === 'object' && !(Symbol.iterator in data) && !(Symbol.asyncIterator in data) &&
    (data as TensorPair).x instanceof Tensor && (data as TensorPair).y instanceof Tensor
  );
}

export function checkData(fn: string, name: string, data: unknown): FitData {
  if (isTensorPair(data)) {
    const { x, y } = data;
    if (x.rank === 0 || y.rank === 0 || x.shape[0] !== y.shape[0]) {
      throw new RangeError(`${fn}: ${name}.x ${formatShape(x.shape)} and ${name}.y ${formatShape(y.shape)} must have the same first dimension`);
    }
    return data;
  }
  if (data !== null && typeof data === 'object' && (Symbol.iterator in data || Symbol.asyncIterator in data)) {
    return data as BatchSource;
  }
  throw new TypeError(`${fn}: ${name} must be { x: Tensor, y: Tensor } or an iterable of { x, y } batches, got ${describe(data)}`);
}

/** Copies rows `indices[start..end)` of t (first dimension) into a new tensor. */
export function gatherRows(t: Tensor, indices: ArrayLike<number>, start: number, end: number): Tensor {
  const row = t.size / t.shape[0]!;
  const n = end - start;
  const out = new Tensor(acquire(n * row), [n, ...t.shape.slice(1)]);
  const src = t.data, dst = out.data;
  for (let k = 0; k < n; k++) {
    const r = indices[start + k]!;
    dst.set(src.subarray(r * row, (r + 1) * row), k * row);
  }
  return out;
}

/** Row order for one pass over n rows: shuffled with rng, or 0..n-1. */
export function epochOrder(n: number, shuffle: boolean, rng: Random): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (shuffle) rng.shuffle(order);
  return order;
}

/** Number of batches of a source, when it says (an array's length, or a numeric `length`). */
export function knownBatchCount(data: FitData, batchSize: number): number | undefined {
  if (isTensorPair(data)) return Math.ceil(data.x.shape[0]! / batchSize);
  const length = (data as { length?: unknown }).length;
  return typeof length === 'number' && Number.isInteger(length) ? length : undefined;
}

export function checkBatch(fn: string, batch: unknown, index: number): Batch {
  if (!batch || typeof batch !== 'object' || !((batch as Batch).x instanceof Tensor) || !((batch as Batch).y instanceof Tensor)) {
    throw new TypeError(`${fn}: batch ${index} must be { x: Tensor, y: Tensor }, got ${describe(batch)}`);
  }
  return batch as Batch;
}
