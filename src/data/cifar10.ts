/**
 * CIFAR-10 in its binary distribution format (cifar-10-batches-bin): each file is a run of
 * 3073-byte records, one label byte (0-9) then a 32x32 image as 1024 red, 1024 green and 1024
 * blue bytes, each channel row-major. That is NCHW already, so a record maps to [3, 32, 32]
 * without reordering. Files: data_batch_1.bin .. data_batch_5.bin (10,000 records each) and
 * test_batch.bin. neurite ships no CIFAR data; point `dir` at a downloaded copy.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquire } from '../memory';
import { Tensor } from '../tensor';

export const CIFAR10_CLASSES = [
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
] as const;

const RECORD = 1 + 3 * 32 * 32;

export interface Cifar10Batch {
  /** Images [N, 3, 32, 32], float32 in [0, 1]. */
  x: Tensor;
  /** Class indices 0-9 as float32, shape [N]. */
  y: Tensor;
}

/**
 * Parses CIFAR-10 binary records. Throws a RangeError when the length is not a whole number
 * of 3073-byte records or a label is above 9, naming `source` and the offending record.
 */
export function parseCifar10(bytes: Uint8Array, source = '<bytes>'): Cifar10Batch {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`parseCifar10: bytes must be a Uint8Array, got ${typeof bytes}`);
  if (bytes.length === 0 || bytes.length % RECORD !== 0) {
    throw new RangeError(`parseCifar10: ${source} has ${bytes.length} bytes, not a positive multiple of the ${RECORD}-byte record (1 label + 3072 pixels)`);
  }
  const n = bytes.length / RECORD;
  const x = acquire(n * 3072), y = acquire(n);
  for (let i = 0; i < n; i++) {
    const label = bytes[i * RECORD]!;
    if (label > 9) throw new RangeError(`parseCifar10: ${source} record ${i} has label ${label}, expected 0-9 (is this the CIFAR-100 format?)`);
    y[i] = label;
    const src = i * RECORD + 1, dst = i * 3072;
    for (let k = 0; k < 3072; k++) x[dst + k] = bytes[src + k]! / 255;
  }
  return { x: new Tensor(x, [n, 3, 32, 32]), y: new Tensor(y, [n]) };
}

/** Reads one or more CIFAR-10 .bin files and concatenates them. */
export function readCifar10(paths: string | readonly string[]): Cifar10Batch {
  const list = typeof paths === 'string' ? [paths] : [...paths];
  if (list.length === 0) throw new RangeError('readCifar10: no files given');
  const chunks = list.map((p) => {
    if (!existsSync(p)) throw new Error(`readCifar10: ${p} not found`);
    const buf = readFileSync(p);
    return parseCifar10(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), p);
  });
  if (chunks.length === 1) return chunks[0]!;
  const n = chunks.reduce((s, c) => s + c.y.size, 0);
  const x = acquire(n * 3072), y = acquire(n);
  let at = 0;
  for (const c of chunks) {
    x.set(c.x.data, at * 3072);
    y.set(c.y.data, at);
    at += c.y.size;
    c.x.dispose();
    c.y.dispose();
  }
  return { x: new Tensor(x, [n, 3, 32, 32]), y: new Tensor(y, [n]) };
}

/** The standard split from a cifar-10-batches-bin directory: 50,000 training, 10,000 test images. */
export function loadCifar10(dir: string): { train: Cifar10Batch; test: Cifar10Batch; classes: readonly string[] } {
  const train = readCifar10([1, 2, 3, 4, 5].map((i) => join(dir, `data_batch_${i}.bin`)));
  const test = readCifar10(join(dir, 'test_batch.bin'));
  return { train, test, classes: CIFAR10_CLASSES };
}
