/**
 * IDX reader: the format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/), plain
 * or gzipped (detected from the gzip magic bytes, not the file name).
 *
 * Layout, big-endian throughout:
 *   bytes 0-1  zero
 *   byte  2    dtype: 0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64
 *   byte  3    rank (number of dimensions)
 *   then one u32 per dimension, then the values, row-major.
 *
 * Every field is checked: a truncated or corrupt file gives a FormatError (code
 * ERR_IDX_FORMAT) that says what was expected and what was found, never a garbage tensor.
 * This reads whole files into memory; it is not a streaming reader.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { FormatError } from '../io/errors';
import { formatShape, Tensor } from '../tensor';

export type IdxDtype = 'u8' | 'i8' | 'i16' | 'i32' | 'f32' | 'f64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A decoded IDX file: values in native byte order. */
export interface IdxArray {
  dtype: IdxDtype;
  shape: number[];
  data: IdxData;
}

const DTYPES: Record<number, { dtype: IdxDtype; bytes: number }> = {
  0x08: { dtype: 'u8', bytes: 1 },
  0x09: { dtype: 'i8', bytes: 1 },
  0x0b: { dtype: 'i16', bytes: 2 },
  0x0c: { dtype: 'i32', bytes: 4 },
  0x0d: { dtype: 'f32', bytes: 4 },
  0x0e: { dtype: 'f64', bytes: 8 },
};

/** Larger files are refused rather than half-allocated (2^31 values). */
const MAX_VALUES = 2 ** 31;

function fail(source: string, message: string): never {
  throw new FormatError('ERR_IDX_FORMAT', `IDX ${source}: ${message}`);
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decodes IDX bytes (gzipped or not). `source` names the input in error messages.
 * Throws FormatError (code ERR_IDX_FORMAT) on anything malformed.
 */
export function parseIdx(bytes: Uint8Array, source = '<bytes>'): IdxArray {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`parseIdx: bytes must be a Uint8Array, got ${typeof bytes}`);
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      fail(source, `corrupt gzip data (${(err as Error).message})`);
    }
  }
  if (bytes.length < 4) fail(source, `truncated header: ${bytes.length} bytes, the magic number alone needs 4`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    fail(source, `bad magic number 0x${hex(bytes, 0, 4)}: the first two bytes must be zero (is this an IDX file?)`);
  }
  const type = DTYPES[bytes[2]!];
  if (!type) fail(source, `unknown dtype byte 0x${bytes[2]!.toString(16).padStart(2, '0')} (expected 08, 09, 0b, 0c, 0d or 0e)`);
  const rank = bytes[3]!;
  if (rank === 0) fail(source, 'rank 0 (no dimensions) is not supported');
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    fail(source, `truncated header: rank ${rank} needs ${headerBytes} header bytes, the file has ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    shape.push(d);
    count *= d;
  }
  if (count > MAX_VALUES) fail(source, `shape ${formatShape(shape)} has ${count} values, more than the 2^31 supported`);
  const dataBytes = count * type.bytes;
  const actual = bytes.length - headerBytes;
  if (actual < dataBytes) {
    fail(source, `truncated data: shape ${formatShape(shape)} of ${type.dtype} needs ${dataBytes} bytes after the header, the file has ${actual}`);
  }
  if (actual > dataBytes) {
    fail(source, `${actual - dataBytes} unexpected bytes after the data (shape ${formatShape(shape)} of ${type.dtype} needs ${dataBytes})`);
  }
  return { dtype: type.dtype, shape, data: decode(type.dtype, view, headerBytes, count) };
}

function decode(dtype: IdxDtype, view: DataView, offset: number, count: number): IdxData {
  const src = new Uint8Array(view.buffer, view.byteOffset + offset, count * DTYPES_BY_NAME[dtype]);
  switch (dtype) {
    case 'u8':
      return new Uint8Array(src);
    case 'i8':
      return new Int8Array(src.buffer.slice(src.byteOffset, src.byteOffset + count));
    case 'i16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'i32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'f32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'f64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}

const DTYPES_BY_NAME: Record<IdxDtype, number> = { u8: 1, i8: 1, i16: 2, i32: 4, f32: 4, f64: 8 };

function hex(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += bytes[i]!.toString(16).padStart(2, '0');
  return s;
}

/** Reads and decodes an IDX file (gzipped or not). */
export function readIdx(path: string): IdxArray {
  if (typeof path !== 'string') throw new TypeError(`readIdx: path must be a string, got ${typeof path}`);
  return parseIdx(readFileSync(path), path);
}

/** Image layout: [N, H, W], [N, 1, H, W] (channels first, for conv layers) or [N, H*W]. */
export type ImageLayout = 'NHW' | 'NCHW' | 'flat';

/**
 * IDX images (rank 3, u8, shape [N, H, W]) as a float32 tensor scaled to [0, 1]
 * (value / 255), shaped by `layout` (default 'NHW').
 */
export function idxImagesToTensor(idx: IdxArray, layout: ImageLayout = 'NHW', source = '<bytes>'): Tensor {
  if (idx.dtype !== 'u8' || idx.shape.length !== 3) {
    fail(source, `expected images as rank-3 u8 [N, H, W], got rank ${idx.shape.length} ${idx.dtype} ${formatShape(idx.shape)}`);
  }
  const [n, h, w] = idx.shape as [number, number, number];
  const shape = layout === 'NHW' ? [n, h, w] : layout === 'NCHW' ? [n, 1, h, w] : layout === 'flat' ? [n, h * w] : null;
  if (!shape) throw new RangeError(`idxImagesToTensor: layout must be 'NHW', 'NCHW' or 'flat', got ${String(layout)}`);
  const src = idx.data as Uint8Array;
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = src[i]! / 255;
  return new Tensor(out, shape);
}

/**
 * IDX labels (rank 1, integer dtype) as a float32 tensor [N] of class indices.
 * With `numClasses`, every label must be in [0, numClasses).
 */
export function idxLabelsToTensor(idx: IdxArray, numClasses?: number, source = '<bytes>'): Tensor {
  if (idx.shape.length !== 1 || idx.dtype === 'f32' || idx.dtype === 'f64') {
    fail(source, `expected labels as a rank-1 integer array, got rank ${idx.shape.length} ${idx.dtype} ${formatShape(idx.shape)}`);
  }
  const out = new Float32Array(idx.data.length);
  for (let i = 0; i < out.length; i++) {
    const label = idx.data[i]!;
    if (label < 0 || (numClasses !== undefined && label >= numClasses)) {
      fail(source, `label ${i} is ${label}, expected a class index in [0, ${numClasses ?? 'inf'})`);
    }
    out[i] = label;
  }
  return new Tensor(out, [out.length]);
}

/** Reads an IDX image file into a float32 tensor in [0, 1] (see idxImagesToTensor). */
export function readIdxImages(path: string, options: { layout?: ImageLayout } = {}): Tensor {
  return idxImagesToTensor(readIdx(path), options.layout ?? 'NHW', path);
}

/** Reads an IDX label file into a float32 tensor [N] of class indices. */
export function readIdxLabels(path: string, options: { numClasses?: number } = {}): Tensor {
  return idxLabelsToTensor(readIdx(path), options.numClasses, path);
}
