/**
 * Mini-batches over in-memory tensors, with seeded shuffling.
 *
 * x is [N, ...] and y is [N, ...]: row i of x goes with row i of y. Each epoch visits every row
 * once, in order or in a seeded random order. Shuffled batches are gathered into two buffers
 * that are reused from batch to batch (and epoch to epoch in a DataLoader), so an epoch
 * allocates nothing after its first batch; unshuffled batches are views of x and y (no copy).
 * Either way a batch is only valid until the next one is requested: copy it (clone()) to keep it.
 *
 * This is not a streaming pipeline: the whole dataset is in memory, as with MNIST-sized data.
 */
import { keep } from '../scope';
import { Random, type RandomState } from '../random';
import { describe, formatShape, Tensor } from '../tensor';

export interface Batch {
  /** Rows of x, shape [B, ...x.shape[1:]]. */
  x: Tensor;
  /** The matching rows of y, shape [B, ...y.shape[1:]]. */
  y: Tensor;
}

export interface BatchOptions {
  /** Rows per batch (the last batch may be smaller unless dropLast). */
  batchSize: number;
  /** Visit rows in a random order (default false). */
  shuffle?: boolean;
  /** Seed for the order when shuffling (default 0). */
  seed?: number;
  /** Skip the last batch when it has fewer than batchSize rows (default false). */
  dropLast?: boolean;
}

function checkData(fn: string, x: unknown, y: unknown): void {
  if (!(x instanceof Tensor)) throw new TypeError(`${fn}: x must be a Tensor, got ${describe(x)}`);
  if (!(y instanceof Tensor)) throw new TypeError(`${fn}: y must be a Tensor, got ${describe(y)}`);
  if (x.rank < 1 || y.rank < 1) throw new RangeError(`${fn}: x and y need a leading row dimension, got x ${formatShape(x.shape)}, y ${formatShape(y.shape)}`);
  if (x.shape[0] !== y.shape[0]) {
    throw new RangeError(`${fn}: x has ${x.shape[0]} rows (shape ${formatShape(x.shape)}) but y has ${y.shape[0]} (shape ${formatShape(y.shape)})`);
  }
}

function checkOptions(fn: string, options: BatchOptions): void {
  if (options === null || typeof options !== 'object') throw new TypeError(`${fn}: options must be an object, got ${describe(options)}`);
  const { batchSize, seed } = options;
  if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`${fn}: batchSize must be a positive integer, got ${describe(batchSize)}`);
  }
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isFinite(seed))) {
    throw new TypeError(`${fn}: seed must be a finite number, got ${describe(seed)}`);
  }
}

/**
 * Batches over (x, y) with a reusable order and reusable gather buffers. DataLoader and
 * batches() are thin wrappers; exported for fit and tests.
 */
export class DataLoader implements Iterable<Batch> {
  readonly x: Tensor;
  readonly y: Tensor;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly random: Random;
  private readonly order: Int32Array;
  private buffers = new Map<number, Batch>();

  /**
   * @param x [N, ...] inputs
   * @param y [N, ...] targets (for class indices, [N])
   *
   *   const loader = new DataLoader(train.x, train.y, { batchSize: 64, shuffle: true, seed: 1 });
   *   for (let epoch = 0; epoch < 5; epoch++) for (const { x, y } of loader) step(x, y);
   */
  constructor(x: Tensor, y: Tensor, options: BatchOptions) {
    checkData('DataLoader', x, y);
    checkOptions('DataLoader', options);
    this.x = x;
    this.y = y;
    this.batchSize = options.batchSize;
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    this.random = new Random(options.seed ?? 0);
    this.order = new Int32Array(x.shape[0]!);
  }

  /** Number of rows. */
  get rows(): number {
    return this.x.shape[0]!;
  }

  /** Batches per epoch. */
  get length(): number {
    return this.dropLast ? Math.floor(this.rows / this.batchSize) : Math.ceil(this.rows / this.batchSize);
  }

  /** The shuffling generator's state (changes once per shuffled epoch), for checkpoints. */
  getState(): RandomState {
    return this.random.getState();
  }

  setState(state: RandomState): void {
    this.random.setState(state);
  }

  /** One epoch: draws a new order when shuffling, then yields the batches. */
  *[Symbol.iterator](): Iterator<Batch> {
    const n = this.rows;
    for (let i = 0; i < n; i++) this.order[i] = i;
    if (this.shuffle) this.random.shuffle(this.order);
    const order = this.order.slice();
    const count = this.length;
    for (let b = 0; b < count; b++) {
      const start = b * this.batchSize;
      const end = Math.min(start + this.batchSize, n);
      yield this.shuffle ? this.gather(order, start, end) : this.slice(start, end);
    }
  }

  private slice(start: number, end: number): Batch {
    return { x: rowsView(this.x, start, end), y: rowsView(this.y, start, end) };
  }

  private gather(order: Int32Array, start: number, end: number): Batch {
    const rows = end - start;
    let batch = this.buffers.get(rows);
    if (!batch || batch.x.isDisposed || batch.y.isDisposed) {
      // keep(): a batch made inside a caller's tidy() must survive it, since it is reused.
      batch = {
        x: keep(new Tensor(new Float32Array(rows * rowSize(this.x)), [rows, ...this.x.shape.slice(1)])),
        y: keep(new Tensor(new Float32Array(rows * rowSize(this.y)), [rows, ...this.y.shape.slice(1)])),
      };
      this.buffers.set(rows, batch);
    }
    gatherRows(this.x.data, rowSize(this.x), order, start, end, batch.x.data);
    gatherRows(this.y.data, rowSize(this.y), order, start, end, batch.y.data);
    return batch;
  }
}

function rowSize(t: Tensor): number {
  return t.shape[0] === 0 ? 0 : t.size / t.shape[0]!;
}

function rowsView(t: Tensor, start: number, end: number): Tensor {
  const r = rowSize(t);
  return new Tensor(t.data.subarray(start * r, end * r), [end - start, ...t.shape.slice(1)], t);
}

function gatherRows(src: Float32Array, r: number, order: Int32Array, start: number, end: number, dst: Float32Array): void {
  if (r === 1) {
    for (let k = start; k < end; k++) dst[k - start] = src[order[k]!]!;
    return;
  }
  for (let k = start; k < end; k++) {
    const i = order[k]!;
    dst.set(src.subarray(i * r, (i + 1) * r), (k - start) * r);
  }
}

/**
 * One epoch of mini-batches over (x, y). With shuffle, the order comes from `seed`, so the
 * same seed gives the same batches.
 *
 *   for (const { x, y } of batches(train.x, train.y, { batchSize: 32, shuffle: true, seed: 7 })) ...
 */
export function batches(x: Tensor, y: Tensor, options: BatchOptions): IterableIterator<Batch> {
  const loader = new DataLoader(x, y, options);
  const it = loader[Symbol.iterator]();
  return {
    next: () => it.next(),
    [Symbol.iterator]() {
      return this;
    },
  } as IterableIterator<Batch>;
}
