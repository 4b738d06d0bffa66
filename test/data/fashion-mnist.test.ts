import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { balancedIndices, FASHION_MNIST_CLASSES, fashionMnistSubsetDir, loadFashionMnist, readIdx } from '../../src/index';

function bytesOf(a: Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function classCounts(y: Float32Array): number[] {
  const counts = new Array(10).fill(0);
  for (const v of y) counts[v]++;
  return counts;
}

describe('Fashion-MNIST', () => {
  it('loads the shipped subset: 10,000 + 2,000 images, class-balanced, in [0, 1]', () => {
    const { train, test, classes } = loadFashionMnist();
    expect(classes).toEqual(FASHION_MNIST_CLASSES);
    expect(train.x.shape).toEqual([10000, 28, 28]);
    expect(train.y.shape).toEqual([10000]);
    expect(test.x.shape).toEqual([2000, 28, 28]);
    expect(classCounts(train.y.data)).toEqual(new Array(10).fill(1000));
    expect(classCounts(test.y.data)).toEqual(new Array(10).fill(200));
    let min = Infinity, max = -Infinity, sum = 0;
    for (const v of train.x.data) { min = Math.min(min, v); max = Math.max(max, v); sum += v; }
    expect(min).toBe(0);
    expect(max).toBe(1);
    // Fashion-MNIST's mean pixel is about 0.286; a scaling or offset bug would move it far.
    expect(sum / train.x.size).toBeGreaterThan(0.2);
    expect(sum / train.x.size).toBeLessThan(0.4);
  });

  it('gives the layouts a conv net or an MLP wants', () => {
    expect(loadFashionMnist({ layout: 'NCHW', subset: { train: 10, test: 10 } }).train.x.shape).toEqual([10, 1, 28, 28]);
    expect(loadFashionMnist({ layout: 'flat', subset: { train: 10, test: 10 } }).test.x.shape).toEqual([10, 784]);
  });

  it('takes a deterministic class-balanced subset', () => {
    const a = loadFashionMnist({ subset: { train: 25, test: 30 } });
    const b = loadFashionMnist({ subset: { train: 25, test: 30 } });
    expect(a.train.y.shape).toEqual([25]);
    expect(classCounts(a.test.y.data)).toEqual(new Array(10).fill(3));
    expect(classCounts(a.train.y.data)).toEqual([3, 3, 3, 3, 3, 2, 2, 2, 2, 2]);
    expect(a.train.x.toArray()).toEqual(b.train.x.toArray());
    expect(a.train.y.toArray()).toEqual(b.train.y.toArray());
  });

  it('reads a directory given as dir, with plain (not gzipped) files too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'neurite-fmnist-'));
    for (const f of readdirSync(fashionMnistSubsetDir()).filter((f) => f.endsWith('.gz'))) {
      writeFileSync(join(dir, f.slice(0, -3)), gunzipSync(readFileSync(join(fashionMnistSubsetDir(), f))));
    }
    const plain = loadFashionMnist({ dir, subset: { train: 100, test: 100 } });
    const shipped = loadFashionMnist({ subset: { train: 100, test: 100 } });
    expect(plain.dir).toBe(dir);
    expect(Buffer.compare(bytesOf(plain.train.x.data), bytesOf(shipped.train.x.data))).toBe(0);
    expect(plain.test.y.toArray()).toEqual(shipped.test.y.toArray());
  });

  // Needs Debian's dataset-fashion-mnist, installed on the project's dev and CI machines.
  it('the shipped subset is the first images of each class of the Debian files', () => {
    const debian = '/usr/share/datasets/fashion-mnist';
    expect(existsSync(debian), `${debian} is missing: apt-get install dataset-fashion-mnist`).toBe(true);
    const full = loadFashionMnist({ dir: debian });
    expect(full.train.x.shape).toEqual([60000, 28, 28]);
    expect(full.test.x.shape).toEqual([10000, 28, 28]);
    const picked = loadFashionMnist({ dir: debian, subset: { train: 10000, test: 2000 } });
    const shipped = loadFashionMnist();
    expect(picked.train.y.toArray()).toEqual(shipped.train.y.toArray());
    expect(Buffer.compare(bytesOf(picked.test.x.data), bytesOf(shipped.test.x.data))).toBe(0);
    expect(Buffer.compare(bytesOf(picked.train.x.data), bytesOf(shipped.train.x.data))).toBe(0);
  });

  it('reports a directory without the files', () => {
    expect(() => loadFashionMnist({ dir: '/nonexistent-dir' })).toThrow(/train-images-idx3-ubyte\[\.gz\] not found/);
  });

  it('balancedIndices picks classes in turn, in order', () => {
    expect(Array.from(balancedIndices([0, 0, 1, 0, 1, 2], 4, 3))).toEqual([0, 1, 2, 5]);
    expect(() => balancedIndices([0, 1], 3, 2)).toThrow(RangeError);
  });

  it('raw IDX access keeps the u8 pixels', () => {
    const a = readIdx(`${fashionMnistSubsetDir()}/t10k-labels-idx1-ubyte.gz`);
    expect(a.dtype).toBe('u8');
    expect(a.shape).toEqual([2000]);
  });
});
