import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FormatError, parseIdx, readIdx, readIdxImages, readIdxLabels } from '../../src/index';

/** Builds IDX bytes by hand: magic (0, 0, dtype, rank), big-endian dims, then the body. */
function idx(dtype: number, dims: number[], body: Uint8Array | number[]): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  header[2] = dtype;
  header[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(header.length + body.length);
  out.set(header);
  out.set(body, header.length);
  return out;
}

function expectFormatError(fn: () => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(FormatError);
  expect((caught as FormatError).code).toBe('ERR_IDX_FORMAT');
  expect((caught as Error).message).toMatch(message);
}

describe('IDX reader', () => {
  it('decodes u8 images with the shape from the header', () => {
    const body = Array.from({ length: 2 * 3 * 2 }, (_, i) => i * 20);
    const a = parseIdx(idx(0x08, [2, 3, 2], body));
    expect(a.dtype).toBe('u8');
    expect(a.shape).toEqual([2, 3, 2]);
    expect(Array.from(a.data)).toEqual(body);
  });

  it('decodes gzipped input the same as plain input', () => {
    const bytes = idx(0x08, [4], [9, 8, 7, 250]);
    expect(parseIdx(gzipSync(bytes))).toEqual(parseIdx(bytes));
  });

  it('decodes big-endian i8, i16, i32, f32 and f64 values', () => {
    const be = (size: number, set: (v: DataView) => void) => {
      const b = new Uint8Array(size);
      set(new DataView(b.buffer));
      return b;
    };
    expect(Array.from(parseIdx(idx(0x09, [2], [0xff, 0x05])).data)).toEqual([-1, 5]);
    expect(Array.from(parseIdx(idx(0x0b, [2], be(4, (v) => { v.setInt16(0, -300); v.setInt16(2, 1234); }))).data)).toEqual([-300, 1234]);
    expect(Array.from(parseIdx(idx(0x0c, [1], be(4, (v) => v.setInt32(0, -70000)))).data)).toEqual([-70000]);
    expect(Array.from(parseIdx(idx(0x0d, [1], be(4, (v) => v.setFloat32(0, 1.5)))).data)).toEqual([1.5]);
    const f64 = parseIdx(idx(0x0e, [1, 1], be(8, (v) => v.setFloat64(0, Math.PI))));
    expect(f64.dtype).toBe('f64');
    expect(f64.data[0]).toBe(Math.PI);
  });

  it('reads image files as float32 in [0, 1], in each layout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'neurite-idx-'));
    const path = join(dir, 'images.gz');
    writeFileSync(path, gzipSync(idx(0x08, [2, 2, 3], [0, 51, 102, 153, 204, 255, 1, 2, 3, 4, 5, 6])));
    const nhw = readIdxImages(path);
    expect(nhw.shape).toEqual([2, 2, 3]);
    expect(nhw.data[0]).toBe(0);
    expect(nhw.data[1]).toBeCloseTo(0.2, 7);
    expect(nhw.data[5]).toBe(1);
    expect(readIdxImages(path, { layout: 'NCHW' }).shape).toEqual([2, 1, 2, 3]);
    expect(readIdxImages(path, { layout: 'flat' }).shape).toEqual([2, 6]);
  });

  it('reads label files as class indices', () => {
    const dir = mkdtempSync(join(tmpdir(), 'neurite-idx-'));
    const path = join(dir, 'labels');
    writeFileSync(path, idx(0x08, [5], [3, 0, 9, 1, 1]));
    const y = readIdxLabels(path, { numClasses: 10 });
    expect(y.shape).toEqual([5]);
    expect(y.toArray()).toEqual([3, 0, 9, 1, 1]);
    expectFormatError(() => readIdxLabels(path, { numClasses: 5 }), /label 2 is 9, expected a class index in \[0, 5\)/);
  });

  it('names the file in errors from readIdx', () => {
    const dir = mkdtempSync(join(tmpdir(), 'neurite-idx-'));
    const path = join(dir, 'short.idx');
    writeFileSync(path, new Uint8Array([0, 0, 8]));
    expectFormatError(() => readIdx(path), new RegExp(`IDX ${path.replace(/[.]/g, '\\.')}: truncated header`));
  });
});

describe('IDX reader rejects malformed input', () => {
  it('empty input', () => expectFormatError(() => parseIdx(new Uint8Array(0)), /truncated header: 0 bytes/));
  it('a magic number with non-zero leading bytes', () =>
    expectFormatError(() => parseIdx(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0, 0, 0])), /bad magic number 0x504b0304/));
  it('an unknown dtype byte', () => expectFormatError(() => parseIdx(idx(0x0a, [1], [0])), /unknown dtype byte 0x0a/));
  it('rank 0', () => expectFormatError(() => parseIdx(new Uint8Array([0, 0, 8, 0])), /rank 0/));
  it('a header cut inside the dimensions', () =>
    expectFormatError(() => parseIdx(idx(0x08, [2, 3, 4], []).subarray(0, 10)), /rank 3 needs 16 header bytes, the file has 10/));
  it('truncated data', () =>
    expectFormatError(() => parseIdx(idx(0x08, [2, 3], [1, 2, 3, 4, 5])), /truncated data: shape \[2, 3\] of u8 needs 6 bytes after the header, the file has 5/));
  it('truncated multi-byte data', () => expectFormatError(() => parseIdx(idx(0x0c, [2], [0, 0, 0, 1, 0, 0])), /needs 8 bytes.*has 6/));
  it('trailing bytes after the data', () => expectFormatError(() => parseIdx(idx(0x08, [2], [1, 2, 3])), /1 unexpected bytes after the data/));
  it('dimensions whose product is absurdly large', () =>
    expectFormatError(() => parseIdx(idx(0x08, [0xffffffff, 0xffffffff], [])), /more than the 2\^31 supported/));
  it('a truncated gzip stream', () => {
    const gz = gzipSync(idx(0x08, [100], new Uint8Array(100).fill(7)));
    expectFormatError(() => parseIdx(gz.subarray(0, gz.length - 12)), /corrupt gzip data/);
  });
  it('gzip with a corrupted body', () => {
    const gz = Uint8Array.from(gzipSync(idx(0x08, [100], new Uint8Array(100).fill(7))));
    for (let i = 10; i < 20; i++) gz[i] ^= 0xa5;
    expectFormatError(() => parseIdx(gz), /corrupt gzip data/);
  });
  it('images that are not rank-3 u8', () => {
    const dir = mkdtempSync(join(tmpdir(), 'neurite-idx-'));
    const path = join(dir, 'labels');
    writeFileSync(path, idx(0x08, [3], [1, 2, 3]));
    expectFormatError(() => readIdxImages(path), /expected images as rank-3 u8 \[N, H, W\], got rank 1 u8 \[3\]/);
  });
  it('labels that are floats', () => expectFormatError(() => {
    const dir = mkdtempSync(join(tmpdir(), 'neurite-idx-'));
    const path = join(dir, 'labels');
    writeFileSync(path, idx(0x0d, [1], [0, 0, 0, 0]));
    readIdxLabels(path);
  }, /expected labels as a rank-1 integer array, got rank 1 f32/));
  it('a non-Uint8Array argument is a TypeError', () => {
    expect(() => parseIdx('abc' as unknown as Uint8Array)).toThrow(TypeError);
  });
});
