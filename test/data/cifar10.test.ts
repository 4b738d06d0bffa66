import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { augmentCifar, loadCifar10, parseCifar10, Random, randomCrop, randomHorizontalFlip, readCifar10, tensor } from '../../src/index';

/** n records: label i % 10, pixel k of channel c = (i + c * 7 + k) % 256. */
function records(n: number, labelOffset = 0): Uint8Array {
  const out = new Uint8Array(n * 3073);
  for (let i = 0; i < n; i++) {
    out[i * 3073] = (i + labelOffset) % 10;
    for (let c = 0; c < 3; c++) for (let k = 0; k < 1024; k++) out[i * 3073 + 1 + c * 1024 + k] = (i + c * 7 + k) % 256;
  }
  return out;
}

describe('CIFAR-10 binary reader', () => {
  it('parses labels and planar RGB pixels into NCHW floats in [0, 1]', () => {
    const { x, y } = parseCifar10(records(3));
    expect(x.shape).toEqual([3, 3, 32, 32]);
    expect(Array.from(y.data)).toEqual([0, 1, 2]);
    // image 2, channel 1 (green), row 3, col 5: k = 3*32 + 5 = 101.
    expect(x.data[((2 * 3 + 1) * 32 + 3) * 32 + 5]).toBeCloseTo(((2 + 7 + 101) % 256) / 255, 6);
  });

  it('rejects truncated files and labels above 9, naming the source', () => {
    expect(() => parseCifar10(new Uint8Array(3072), 'a.bin')).toThrow(/a\.bin has 3072 bytes, not a positive multiple of the 3073-byte record/);
    expect(() => parseCifar10(new Uint8Array(0))).toThrow(RangeError);
    const bad = records(2);
    bad[3073] = 42;
    expect(() => parseCifar10(bad, 'b.bin')).toThrow(/b\.bin record 1 has label 42, expected 0-9/);
    expect(() => parseCifar10([1, 2] as unknown as Uint8Array)).toThrow(TypeError);
  });

  it('reads the batch files of a directory and concatenates them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cifar-'));
    for (let i = 1; i <= 5; i++) writeFileSync(join(dir, `data_batch_${i}.bin`), records(2, i));
    writeFileSync(join(dir, 'test_batch.bin'), records(3));
    const { train, test, classes } = loadCifar10(dir);
    expect(train.x.shape).toEqual([10, 3, 32, 32]);
    expect(Array.from(train.y.data)).toEqual([1, 2, 2, 3, 3, 4, 4, 5, 5, 6]);
    expect(test.y.size).toBe(3);
    expect(classes[0]).toBe('airplane');
    expect(() => readCifar10(join(dir, 'missing.bin'))).toThrow(/not found/);
  });
});

describe('seeded augmentation', () => {
  const img = () => tensor(Array.from({ length: 2 * 2 * 4 * 4 }, (_, i) => i + 1), [2, 2, 4, 4]);

  it('random crop with padding shifts each image by at most the padding and zero-fills', () => {
    const x = img();
    const out = randomCrop(x, 1, { rng: new Random(5) });
    expect(out.shape).toEqual(x.shape);
    for (let n = 0; n < 2; n++) {
      // Find the shift that explains the output.
      let found = false;
      for (let dy = -1; dy <= 1 && !found; dy++)
        for (let dx = -1; dx <= 1 && !found; dx++) {
          let ok = true;
          for (let c = 0; c < 2; c++)
            for (let h = 0; h < 4; h++)
              for (let w = 0; w < 4; w++) {
                const sh = h + dy, sw = w + dx;
                const e = sh >= 0 && sh < 4 && sw >= 0 && sw < 4 ? x.data[((n * 2 + c) * 4 + sh) * 4 + sw] : 0;
                if (out.data[((n * 2 + c) * 4 + h) * 4 + w] !== e) ok = false;
              }
          found = ok;
        }
      expect(found).toBe(true);
    }
    expect(Array.from(randomCrop(x, 0).data)).toEqual(Array.from(x.data));
  });

  it('flip mirrors rows; p=1 flips all, p=0 none', () => {
    const x = img();
    const f = randomHorizontalFlip(x, 1);
    expect(Array.from(f.data.slice(0, 4))).toEqual([4, 3, 2, 1]);
    expect(Array.from(randomHorizontalFlip(x, 0).data)).toEqual(Array.from(x.data));
    expect(() => randomHorizontalFlip(x, 2)).toThrow(/p must be in \[0, 1\]/);
  });

  it('the same seed gives the same augmented batch; another seed differs', () => {
    const x = tensor(Array.from({ length: 8 * 3 * 6 * 6 }, (_, i) => (i * 37) % 101), [8, 3, 6, 6]);
    const a = augmentCifar(x, { padding: 2, rng: new Random(11) });
    const b = augmentCifar(x, { padding: 2, rng: new Random(11) });
    const c = augmentCifar(x, { padding: 2, rng: new Random(12) });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(a.data)).not.toEqual(Array.from(c.data));
  });
});
