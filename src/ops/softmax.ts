/** Softmax and log-softmax over the last axis (numerically stable). */
import { gradBuffer, record } from '../autograd';
import { backend } from '../backend/registry';
import { acquire } from '../memory';
import { describe, Tensor } from '../tensor';

function rowwise(fn: 'softmax' | 'logSoftmax', x: Tensor, axis: number): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${fn}: x must be a Tensor, got ${describe(x)}`);
  if (x.rank === 0) throw new RangeError(`${fn}: x must have at least one dimension`);
  if (axis !== -1 && axis !== x.rank - 1) {
    throw new RangeError(`${fn}: only the last axis is supported (axis -1 or ${x.rank - 1}), got ${axis}`);
  }
  const cols = x.shape[x.rank - 1]!;
  const rows = cols === 0 ? 0 : x.size / cols;
  const out = new Tensor(acquire(x.size), x.shape);
  const B = backend();
  if (fn === 'softmax') B.softmaxForward(x.data, out.data, rows, cols);
  else B.logSoftmaxForward(x.data, out.data, rows, cols);
  return record(out, fn, [x], (dout) => {
    const dx = gradBuffer(x);
    if (!dx) return;
    if (fn === 'softmax') backend().softmaxBackward(out.data, dout, dx, rows, cols);
    else backend().logSoftmaxBackward(out.data, dout, dx, rows, cols);
  });
}

/** exp(x) / sum(exp(x)) along the last axis. */
export const softmax = (x: Tensor, axis = -1): Tensor => rowwise('softmax', x, axis);
/** x - log(sum(exp(x))) along the last axis. */
export const logSoftmax = (x: Tensor, axis = -1): Tensor => rowwise('logSoftmax', x, axis);
