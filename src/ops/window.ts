/** Option parsing shared by the windowed ops (conv2d, pooling): strides, padding, dilation. */
import { describe } from '../tensor';

/** A number for both dimensions, or [h, w]. */
export type Pair = number | readonly [number, number];

/** A number for every side, [h, w] (top = bottom = h, left = right = w), or [top, bottom, left, right]. */
export type Padding = number | readonly [number, number] | readonly [number, number, number, number];

export function pair(fn: string, name: string, v: Pair | undefined, fallback: number, min: number): [number, number] {
  const out: [number, number] = v === undefined ? [fallback, fallback] : typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 ? [v[0], v[1]] : [NaN, NaN];
  if (!out.every((d) => Number.isInteger(d) && d >= min)) {
    throw new RangeError(`${fn}: ${name} must be an integer >= ${min} or a pair of them, got ${Array.isArray(v) ? `[${v.join(', ')}]` : describe(v)}`);
  }
  return out;
}

/** [top, bottom, left, right]. */
export function padding(fn: string, v: Padding | undefined): [number, number, number, number] {
  let out: number[];
  if (v === undefined) out = [0, 0, 0, 0];
  else if (typeof v === 'number') out = [v, v, v, v];
  else if (Array.isArray(v) && v.length === 2) out = [v[0], v[0], v[1], v[1]];
  else if (Array.isArray(v) && v.length === 4) out = [...v];
  else out = [NaN];
  if (!out.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new RangeError(`${fn}: padding must be a non-negative integer, [h, w] or [top, bottom, left, right], got ${Array.isArray(v) ? `[${v.join(', ')}]` : describe(v)}`);
  }
  return out as [number, number, number, number];
}
