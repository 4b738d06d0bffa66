/**
 * Datasets for `neurite train` and `neurite eval`: the Fashion-MNIST subset shipped with
 * neurite (the default), a directory holding the four Fashion-MNIST/MNIST IDX files, or a
 * CIFAR-10 binary directory (data_batch_1..5.bin, test_batch.bin).
 * Images come back as [N, C, H, W] in [0, 1] with class indices [N]; arrange() reshapes them
 * (a view, no copy) for the model's input layout.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { balancedIndices, CIFAR10_CLASSES, FASHION_MNIST_CLASSES, loadCifar10, loadFashionMnist, Tensor } from '../index';
import type { DataShape, InputLayout } from './zoo';

export interface Split {
  x: Tensor;
  y: Tensor;
}

export interface Dataset {
  /** 'Fashion-MNIST (shipped subset)', 'IDX files in <dir>', ... */
  description: string;
  /** The directory given with --data, or null for the shipped subset. */
  dir: string | null;
  train: Split;
  test: Split;
  classes: readonly string[];
  shape: DataShape;
}

export interface LoadOptions {
  /** Keep a class-balanced part of each split. */
  trainSize?: number;
  testSize?: number;
}

function hasIdx(dir: string): boolean {
  return ['train-images-idx3-ubyte', 'train-images-idx3-ubyte.gz'].some((f) => existsSync(join(dir, f)));
}

/** Loads the dataset in `dir` (or the shipped subset when dir is null). */
export function loadDataset(dir: string | null, options: LoadOptions = {}): Dataset {
  if (dir !== null && !existsSync(dir)) throw new Error(`--data ${dir}: no such directory`);
  if (dir === null || hasIdx(dir)) {
    const subset = { train: options.trainSize, test: options.testSize };
    let d;
    try {
      d = loadFashionMnist({ ...(dir === null ? {} : { dir }), layout: 'NCHW', subset });
    } catch (err) {
      const e = err as Error;
      if (e instanceof RangeError && /balancedIndices/.test(e.message)) {
        throw new Error(`--train-size/--test-size larger than the dataset (${e.message})`);
      }
      throw e;
    }
    const [, channels, height, width] = d.train.x.shape as [number, number, number, number];
    return {
      description: dir === null ? 'Fashion-MNIST (subset shipped with neurite)' : `IDX files in ${dir}`,
      dir,
      train: d.train,
      test: d.test,
      classes: FASHION_MNIST_CLASSES,
      shape: { channels, height, width, classes: FASHION_MNIST_CLASSES.length },
    };
  }
  const cifar = [dir, join(dir, 'cifar-10-batches-bin')].find((d) => existsSync(join(d, 'data_batch_1.bin')));
  if (cifar) {
    const d = loadCifar10(cifar);
    const classes = CIFAR10_CLASSES.length;
    return {
      description: `CIFAR-10 in ${cifar}`,
      dir,
      train: take(d.train, options.trainSize, classes),
      test: take(d.test, options.testSize, classes),
      classes: CIFAR10_CLASSES,
      shape: { channels: 3, height: 32, width: 32, classes },
    };
  }
  throw new Error(`--data ${dir}: found neither IDX files (train-images-idx3-ubyte[.gz], ...) nor CIFAR-10 binary batches (data_batch_1.bin, ...)`);
}

/** A class-balanced part of a split (the first n/classes of each class, in file order). */
function take(split: Split, n: number | undefined, classes: number): Split {
  if (n === undefined || n === split.y.size) return split;
  if (n > split.y.size) throw new Error(`--train-size/--test-size ${n} is larger than the split (${split.y.size})`);
  const idx = balancedIndices(split.y.data, n, classes);
  const row = split.x.size / split.y.size;
  const x = new Float32Array(idx.length * row), y = new Float32Array(idx.length);
  idx.forEach((src, k) => {
    x.set(split.x.data.subarray(src * row, (src + 1) * row), k * row);
    y[k] = split.y.data[src]!;
  });
  return { x: new Tensor(x, [idx.length, ...split.x.shape.slice(1)]), y: new Tensor(y, [idx.length]) };
}

/** x [N, C, H, W] reshaped for a model's input layout (a view of the same data). */
export function arrange(x: Tensor, layout: InputLayout): Tensor {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  switch (layout) {
    case 'flat':
      return x.reshape([n, c * h * w]);
    case 'image':
      return x;
    case 'sequence':
      if (c !== 1) throw new Error(`sequence models read image rows as time steps and need 1-channel images, got ${c} channels`);
      return x.reshape([n, h, w]);
  }
}
