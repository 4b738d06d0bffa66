/**
 * Broadcasting arithmetic: add, sub, mul, div. Either operand may be a
 * number. Gradients are summed back over broadcast dimensions (unbroadcastSum).
 */
import { gradBuffer, needsGrad, record } from '../autograd';
import { BinaryOp } from '../backend/interface/elementwise';
import { backend } from '../backend/registry';
import { acquire, release } from '../memory';
import { describe, Tensor } from '../tensor';
import { broadcastShapes, broadcastStrides, contiguousStrides, sameShape } from './broadcast';
import { scalar } from './creation';

type Operand = Tensor | number;

function asTensor(fn: string, name: string, v: Operand): Tensor {
  if (v instanceof Tensor) return v;
  if (typeof v === 'number') return scalar(v);
  throw new TypeError(`${fn}: ${name} must be a Tensor or a number, got ${describe(v)}`);
}

/** Adds dout (shape `outShape`) into t's gradient, summing over broadcast dims. */
function accumulateBroadcast(t: Tensor, dout: Float32Array, outShape: number[]): void {
  const dx = gradBuffer(t);
  if (!dx) return;
  const B = backend();
  if (sameShape(t.shape, outShape)) B.axpy(1, dout, dx, t.size);
  else B.unbroadcastSum(dout, outShape, dx, broadcastStrides(t.shape, outShape));
}

/** dout * other (broadcast to outShape), summed onto t. */
function accumulateProduct(t: Tensor, dout: Float32Array, factor: Tensor, outShape: number[], op: BinaryOp): void {
  if (!t.requiresGrad) return;
  const B = backend();
  const n = dout.length;
  const tmp = acquire(n);
  B.binaryForward(op, dout, contiguousStrides(outShape), factor.data, broadcastStrides(factor.shape, outShape), tmp, outShape);
  accumulateBroadcast(t, tmp, outShape);
  release(tmp);
}

function binary(fn: string, op: BinaryOp, aIn: Operand, bIn: Operand): Tensor {
  const a = asTensor(fn, 'a', aIn);
  const b = asTensor(fn, 'b', bIn);
  const shape = broadcastShapes(fn, a.shape, b.shape);
  const B = backend();
  const out = new Tensor(acquire(shape.reduce((p, d) => p * d, 1)), shape);
  B.binaryForward(op, a.data, broadcastStrides(a.shape, shape), b.data, broadcastStrides(b.shape, shape), out.data, shape);
  if (!needsGrad(a, b)) return out;
  return record(out, fn, [a, b], (dout) => {
    switch (op) {
      case BinaryOp.add:
        accumulateBroadcast(a, dout, shape);
        accumulateBroadcast(b, dout, shape);
        return;
      case BinaryOp.sub:
        accumulateBroadcast(a, dout, shape);
        if (b.requiresGrad) {
          const neg = acquire(dout.length);
          backend().scale(dout, -1, neg, dout.length);
          accumulateBroadcast(b, neg, shape);
          release(neg);
        }
        return;
      case BinaryOp.mul:
        accumulateProduct(a, dout, b, shape, BinaryOp.mul);
        accumulateProduct(b, dout, a, shape, BinaryOp.mul);
        return;
      case BinaryOp.div: {
        // d(a/b)/da = 1/b; d(a/b)/db = -a/b^2 = -(out/b).
        accumulateProduct(a, dout, b, shape, BinaryOp.div);
        if (b.requiresGrad) {
          const B2 = backend();
          const n = dout.length;
          const q = acquire(n);
          const outStrides = contiguousStrides(shape);
          B2.binaryForward(BinaryOp.div, out.data, outStrides, b.data, broadcastStrides(b.shape, shape), q, shape);
          B2.binaryForward(BinaryOp.mul, q, outStrides, dout, outStrides, q, shape);
          B2.scale(q, -1, q, n);
          accumulateBroadcast(b, q, shape);
          release(q);
        }
        return;
      }
      default:
        throw new Error(`${fn}: no gradient for op ${op}`);
    }
  });
}

/** a + b with broadcasting. */
export const add = (a: Operand, b: Operand): Tensor => binary('add', BinaryOp.add, a, b);
/** a - b with broadcasting. */
export const sub = (a: Operand, b: Operand): Tensor => binary('sub', BinaryOp.sub, a, b);
/** a * b (elementwise) with broadcasting. */
export const mul = (a: Operand, b: Operand): Tensor => binary('mul', BinaryOp.mul, a, b);
/** a / b (elementwise) with broadcasting. */
export const div = (a: Operand, b: Operand): Tensor => binary('div', BinaryOp.div, a, b);
/** alpha * x. */
export function mulScalar(x: Tensor, alpha: number): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`mulScalar: x must be a Tensor, got ${describe(x)}`);
  if (typeof alpha !== 'number') throw new TypeError(`mulScalar: alpha must be a number, got ${describe(alpha)}`);
  const out = new Tensor(acquire(x.size), x.shape);
  backend().scale(x.data, alpha, out.data, x.size);
  return record(out, 'mulScalar', [x], (dout) => {
    const dx = gradBuffer(x);
    if (dx) backend().axpy(alpha, dout, dx, x.size);
  });
}
