/** Creating tensors: from values, constant fills, and seeded random draws. */
import { acquire } from '../memory';
import { defaultRandom, type Random } from '../random';
import { checkShape, describe, shapeSize, Tensor, type NestedArray, type Shape } from '../tensor';

function flatten(values: NestedArray, shape: number[], out: number[], depth: number): void {
  if (typeof values === 'number') {
    if (depth !== shape.length) throw new RangeError('tensor: nested arrays are ragged');
    out.push(values);
    return;
  }
  if (!Array.isArray(values)) throw new TypeError(`tensor: expected numbers or nested arrays, got ${describe(values)}`);
  if (depth === shape.length) {
    if (out.length > 0) throw new RangeError('tensor: nested arrays are ragged');
    shape.push(values.length);
  } else if (shape[depth] !== values.length) {
    throw new RangeError(`tensor: nested arrays are ragged (length ${values.length} vs ${shape[depth]} at depth ${depth})`);
  }
  for (const v of values) flatten(v, shape, out, depth + 1);
}

/**
 * A tensor from values: nested arrays (shape inferred), or a flat array / Float32Array with
 * an explicit shape. A Float32Array is copied.
 *
 *   tensor([[1, 2], [3, 4]])            // shape [2, 2]
 *   tensor(new Float32Array(6), [2, 3])
 */
export function tensor(values: NestedArray | Float32Array | readonly number[], shape?: Shape): Tensor {
  if (shape !== undefined) {
    const dims = checkShape('tensor', shape);
    const n = shapeSize(dims);
    if (!(values instanceof Float32Array) && !Array.isArray(values)) {
      throw new TypeError(`tensor: values must be an array or Float32Array when a shape is given, got ${describe(values)}`);
    }
    const flat = values as ArrayLike<number>;
    if (flat.length !== n) {
      throw new RangeError(`tensor: ${flat.length} values do not fill shape [${dims.join(', ')}] (${n} elements)`);
    }
    const data = acquire(n);
    for (let i = 0; i < n; i++) {
      const v = flat[i];
      if (typeof v !== 'number') throw new TypeError(`tensor: values[${i}] must be a number, got ${describe(v)}`);
      data[i] = v;
    }
    return new Tensor(data, dims);
  }
  if (values instanceof Float32Array) {
    const data = acquire(values.length);
    data.set(values);
    return new Tensor(data, [values.length]);
  }
  const dims: number[] = [];
  const flat: number[] = [];
  flatten(values as NestedArray, dims, flat, 0);
  const data = acquire(flat.length);
  data.set(flat);
  return new Tensor(data, dims);
}

/** A scalar (rank-0) tensor. */
export function scalar(value: number): Tensor {
  if (typeof value !== 'number') throw new TypeError(`scalar: value must be a number, got ${describe(value)}`);
  const data = acquire(1);
  data[0] = value;
  return new Tensor(data, []);
}

export function full(shape: Shape, value: number): Tensor {
  const dims = checkShape('full', shape);
  if (typeof value !== 'number') throw new TypeError(`full: value must be a number, got ${describe(value)}`);
  const data = acquire(shapeSize(dims));
  data.fill(value);
  return new Tensor(data, dims);
}

export function zeros(shape: Shape): Tensor {
  return full(shape, 0);
}

export function ones(shape: Shape): Tensor {
  return full(shape, 1);
}

export function zerosLike(t: Tensor): Tensor {
  return full(t.shape, 0);
}

export function onesLike(t: Tensor): Tensor {
  return full(t.shape, 1);
}

/** An uninitialized tensor (its values are whatever the reused buffer held). */
export function empty(shape: Shape): Tensor {
  const dims = checkShape('empty', shape);
  return new Tensor(acquire(shapeSize(dims)), dims);
}

export interface RandomOptions {
  /** Generator to draw from; defaults to the global one seeded by manualSeed(). */
  rng?: Random;
}

/** Uniform draws in [low, high). */
export function randUniform(shape: Shape, low = 0, high = 1, options: RandomOptions = {}): Tensor {
  const dims = checkShape('randUniform', shape);
  if (!(typeof low === 'number' && typeof high === 'number' && low <= high)) {
    throw new RangeError(`randUniform: need low <= high, got low=${low}, high=${high}`);
  }
  const rng = options.rng ?? defaultRandom;
  const data = acquire(shapeSize(dims));
  const span = high - low;
  for (let i = 0; i < data.length; i++) data[i] = low + span * rng.uniform();
  return new Tensor(data, dims);
}

/** Normal draws with the given mean and standard deviation. */
export function randNormal(shape: Shape, mean = 0, std = 1, options: RandomOptions = {}): Tensor {
  const dims = checkShape('randNormal', shape);
  if (!(typeof mean === 'number' && typeof std === 'number' && std >= 0)) {
    throw new RangeError(`randNormal: need a number mean and std >= 0, got mean=${mean}, std=${std}`);
  }
  const rng = options.rng ?? defaultRandom;
  const data = acquire(shapeSize(dims));
  for (let i = 0; i < data.length; i++) data[i] = mean + std * rng.normal();
  return new Tensor(data, dims);
}
