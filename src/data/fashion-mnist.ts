/**
 * Fashion-MNIST (Xiao et al., Zalando Research, MIT licence): 28x28 grey images of 10 kinds of
 * clothing. neurite ships a class-balanced subset (10,000 training and 2,000 test images) in
 * data/fashion-mnist/, see PROVENANCE.md there; pass `dir` to use a directory holding the full
 * dataset (the four standard files, gzipped or not), such as Debian's
 * /usr/share/datasets/fashion-mnist.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root';
import { Tensor } from '../tensor';
import { readIdx, idxImagesToTensor, idxLabelsToTensor, type ImageLayout } from './idx';

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
] as const;

export interface FashionMnistOptions {
  /** Directory with the four IDX files; default: the subset shipped with neurite. */
  dir?: string;
  /**
   * Keep a class-balanced part of each split: the first `train` / `test` images taken class by
   * class in file order (deterministic), e.g. `{ train: 1000 }`. Default: everything.
   */
  subset?: { train?: number; test?: number };
  /** Image layout: 'NHW' [N, 28, 28] (default), 'NCHW' [N, 1, 28, 28] or 'flat' [N, 784]. */
  layout?: ImageLayout;
}

export interface LabelledData {
  /** Images, float32 in [0, 1]. */
  x: Tensor;
  /** Class indices 0-9 as float32, shape [N]. */
  y: Tensor;
}

export interface FashionMnist {
  train: LabelledData;
  test: LabelledData;
  classes: readonly string[];
  /** The directory the files were read from. */
  dir: string;
}

/** The directory of the subset shipped with neurite. */
export function fashionMnistSubsetDir(): string {
  return join(packageRoot(), 'data', 'fashion-mnist');
}

function findFile(dir: string, base: string): string {
  for (const name of [`${base}.gz`, base]) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  throw new Error(`loadFashionMnist: ${join(dir, base)}[.gz] not found (expected the four Fashion-MNIST IDX files in ${dir})`);
}

/**
 * Indices of a class-balanced selection of `n` items: classes take turns, each contributing
 * its items in order, so the first n/K of every class are picked (remainder to the lowest
 * classes). Returned in ascending order.
 */
export function balancedIndices(labels: ArrayLike<number>, n: number, numClasses: number): Int32Array {
  if (!Number.isInteger(n) || n < 0 || n > labels.length) {
    throw new RangeError(`balancedIndices: n must be an integer in [0, ${labels.length}], got ${n}`);
  }
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]!]!.push(i);
  const picked: number[] = [];
  for (let round = 0; picked.length < n; round++) {
    let any = false;
    for (let c = 0; c < numClasses && picked.length < n; c++) {
      if (round < byClass[c]!.length) {
        picked.push(byClass[c]![round]!);
        any = true;
      }
    }
    if (!any) break;
  }
  return Int32Array.from(picked.sort((a, b) => a - b));
}

function take(data: LabelledData, n: number | undefined): LabelledData {
  if (n === undefined || n === data.y.size) return data;
  const idx = balancedIndices(data.y.data, n, FASHION_MNIST_CLASSES.length);
  const row = data.x.size / data.y.size;
  const x = new Float32Array(idx.length * row);
  const y = new Float32Array(idx.length);
  idx.forEach((src, k) => {
    x.set(data.x.data.subarray(src * row, (src + 1) * row), k * row);
    y[k] = data.y.data[src]!;
  });
  return { x: new Tensor(x, [idx.length, ...data.x.shape.slice(1)]), y: new Tensor(y, [idx.length]) };
}

function loadSplit(dir: string, prefix: string, layout: ImageLayout): LabelledData {
  const imagesPath = findFile(dir, `${prefix}-images-idx3-ubyte`);
  const labelsPath = findFile(dir, `${prefix}-labels-idx1-ubyte`);
  const x = idxImagesToTensor(readIdx(imagesPath), layout, imagesPath);
  const y = idxLabelsToTensor(readIdx(labelsPath), FASHION_MNIST_CLASSES.length, labelsPath);
  if (x.shape[0] !== y.shape[0]) {
    throw new RangeError(`loadFashionMnist: ${imagesPath} has ${x.shape[0]} images but ${labelsPath} has ${y.shape[0]} labels`);
  }
  return { x, y };
}

/**
 * Loads Fashion-MNIST: the shipped subset by default, or the files in `dir`.
 *
 *   const { train, test } = loadFashionMnist({ layout: 'flat' });   // train.x [10000, 784]
 *   const full = loadFashionMnist({ dir: '/usr/share/datasets/fashion-mnist' });
 */
export function loadFashionMnist(options: FashionMnistOptions = {}): FashionMnist {
  const dir = options.dir ?? fashionMnistSubsetDir();
  if (typeof dir !== 'string') throw new TypeError(`loadFashionMnist: dir must be a string, got ${typeof dir}`);
  const layout = options.layout ?? 'NHW';
  if (layout !== 'NHW' && layout !== 'NCHW' && layout !== 'flat') {
    throw new RangeError(`loadFashionMnist: layout must be 'NHW', 'NCHW' or 'flat', got ${String(layout)}`);
  }
  const train = take(loadSplit(dir, 'train', layout), options.subset?.train);
  const test = take(loadSplit(dir, 't10k', layout), options.subset?.test);
  return { train, test, classes: FASHION_MNIST_CLASSES, dir };
}
