/** Sums and means, over all elements or one axis. */
import { gradBuffer, record } from '../autograd';
import { backend } from '../backend/registry';
import { acquire } from '../memory';
import { describe, shapeSize, Tensor } from '../tensor';

function reduceSum(fn: string, x: Tensor, axis: number | undefined, keepDim: boolean, mean: boolean): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${fn}: x must be a Tensor, got ${describe(x)}`);
  let outer: number, n: number, inner: number, shape: number[];
  if (axis === undefined) {
    outer = 1; n = x.size; inner = 1;
    shape = keepDim ? x.shape.map(() => 1) : [];
  } else {
    const a = axis < 0 ? axis + x.rank : axis;
    if (!Number.isInteger(a) || a < 0 || a >= x.rank) {
      throw new RangeError(`${fn}: axis must be an integer in [${-x.rank}, ${x.rank - 1}], got ${axis}`);
    }
    outer = shapeSize(x.shape.slice(0, a));
    n = x.shape[a]!;
    inner = shapeSize(x.shape.slice(a + 1));
    shape = keepDim ? x.shape.map((d, i) => (i === a ? 1 : d)) : x.shape.filter((_, i) => i !== a);
  }
  const scale = mean ? 1 / n : 1;
  const out = new Tensor(acquire(outer * inner), shape);
  backend().reduceSumForward(x.data, out.data, outer, n, inner, scale);
  return record(out, fn, [x], (dout) => {
    const dx = gradBuffer(x);
    if (dx) backend().reduceSumBackward(dout, dx, outer, n, inner, scale);
  });
}

/** Sum of all elements, or along `axis` (dropped unless keepDim). */
export function sum(x: Tensor, axis?: number, keepDim = false): Tensor {
  return reduceSum('sum', x, axis, keepDim, false);
}

/** Mean of all elements, or along `axis` (dropped unless keepDim). */
export function mean(x: Tensor, axis?: number, keepDim = false): Tensor {
  return reduceSum('mean', x, axis, keepDim, true);
}
