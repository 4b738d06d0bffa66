import { describe, expect, it } from 'vitest';
import { batches, DataLoader, tensor, tidy, type Tensor } from '../../src/index';

/** x row i is [i, 100 + i]; y row i is [i]: so every batch says which rows it holds. */
function dataset(n: number): { x: Tensor; y: Tensor } {
  const x: number[] = [];
  for (let i = 0; i < n; i++) x.push(i, 100 + i);
  return { x: tensor(x, [n, 2]), y: tensor(Array.from({ length: n }, (_, i) => i), [n]) };
}

function collect(it: Iterable<{ x: Tensor; y: Tensor }>): { rows: number[][]; shapes: number[][] } {
  const rows: number[][] = [];
  const shapes: number[][] = [];
  for (const b of it) {
    shapes.push([...b.x.shape]);
    const ys = b.y.toArray();
    const xs = b.x.toArray();
    ys.forEach((y, k) => {
      expect(xs[2 * k]).toBe(y);
      expect(xs[2 * k + 1]).toBe(100 + y);
    });
    rows.push(ys);
  }
  return { rows, shapes };
}

describe('batches', () => {
  it('visits the rows in order without shuffle, last batch smaller', () => {
    const { x, y } = dataset(7);
    const { rows, shapes } = collect(batches(x, y, { batchSize: 3 }));
    expect(rows).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(shapes).toEqual([[3, 2], [3, 2], [1, 2]]);
  });

  it('drops the short last batch with dropLast', () => {
    const { x, y } = dataset(7);
    expect(collect(batches(x, y, { batchSize: 3, dropLast: true })).rows).toEqual([[0, 1, 2], [3, 4, 5]]);
  });

  it('shuffles every row exactly once, the same way for the same seed', () => {
    const { x, y } = dataset(50);
    const a = collect(batches(x, y, { batchSize: 8, shuffle: true, seed: 3 })).rows;
    const b = collect(batches(x, y, { batchSize: 8, shuffle: true, seed: 3 })).rows;
    const c = collect(batches(x, y, { batchSize: 8, shuffle: true, seed: 4 })).rows;
    expect(a).toEqual(b);
    expect(a.flat()).not.toEqual(c.flat());
    expect(a.flat()).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect([...a.flat()].sort((p, q) => p - q)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(a.map((r) => r.length)).toEqual([8, 8, 8, 8, 8, 8, 2]);
  });

  it('keeps y rows with more than one column together with x', () => {
    const x = tensor([0, 1, 2, 3], [4, 1]);
    const y = tensor([0, 0, 1, 1, 2, 2, 3, 3], [4, 2]);
    for (const b of batches(x, y, { batchSize: 3, shuffle: true, seed: 1 })) {
      const xs = b.x.toArray();
      const ys = b.y.toArray();
      xs.forEach((v, k) => expect([ys[2 * k], ys[2 * k + 1]]).toEqual([v, v]));
    }
  });

  it('checks its arguments', () => {
    const { x, y } = dataset(4);
    expect(() => batches(x, tensor([1, 2, 3], [3]), { batchSize: 2 })).toThrow(/x has 4 rows .* but y has 3/);
    expect(() => batches(x, y, { batchSize: 0 })).toThrow(RangeError);
    expect(() => batches(x, y, { batchSize: 1.5 })).toThrow(/batchSize must be a positive integer, got 1.5/);
    expect(() => batches([1] as unknown as Tensor, y, { batchSize: 1 })).toThrow(TypeError);
    expect(() => batches(x, y, { batchSize: 1, seed: Number.NaN })).toThrow(/seed must be a finite number/);
  });
});

describe('DataLoader', () => {
  it('draws a new order each epoch, reproducibly from the seed', () => {
    const { x, y } = dataset(20);
    const a = new DataLoader(x, y, { batchSize: 6, shuffle: true, seed: 11 });
    const b = new DataLoader(x, y, { batchSize: 6, shuffle: true, seed: 11 });
    expect(a.length).toBe(4);
    const a1 = collect(a).rows.flat(), a2 = collect(a).rows.flat();
    expect(a1).not.toEqual(a2);
    expect(collect(b).rows.flat()).toEqual(a1);
    expect(collect(b).rows.flat()).toEqual(a2);
  });

  it('resumes the same epoch order from a saved state', () => {
    const { x, y } = dataset(20);
    const a = new DataLoader(x, y, { batchSize: 5, shuffle: true, seed: 2 });
    collect(a);
    const state = a.getState();
    const next = collect(a).rows;
    const b = new DataLoader(x, y, { batchSize: 5, shuffle: true, seed: 999 });
    b.setState(state);
    expect(collect(b).rows).toEqual(next);
  });

  it('reuses its batch buffers across batches and epochs', () => {
    const { x, y } = dataset(12);
    const loader = new DataLoader(x, y, { batchSize: 4, shuffle: true, seed: 5 });
    const seen = new Set<Float32Array>();
    for (let epoch = 0; epoch < 3; epoch++) for (const b of loader) seen.add(b.x.data);
    expect(seen.size).toBe(1);
  });

  it('batches survive a tidy() around each step and stay usable next epoch', () => {
    const { x, y } = dataset(9);
    const loader = new DataLoader(x, y, { batchSize: 4, shuffle: true, seed: 5 });
    let total = 0;
    for (let epoch = 0; epoch < 2; epoch++) {
      const it = loader[Symbol.iterator]();
      for (;;) {
        const done = tidy(() => {
          const r = it.next();
          if (!r.done) total += r.value.y.toArray().reduce((s, v) => s + v, 0);
          return r.done;
        });
        if (done) break;
      }
    }
    expect(total).toBe(2 * 36);
  });

  it('without shuffle, batches are views of the data (no copy)', () => {
    const { x, y } = dataset(6);
    const [first] = new DataLoader(x, y, { batchSize: 4 });
    expect(first!.x.data.buffer).toBe(x.data.buffer);
  });
});
