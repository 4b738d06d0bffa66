/** Elementwise functions and activations, each with its gradient kernel. */
import { gradTarget, record } from '../autograd';
import { UnaryOp } from '../backend/interface/elementwise';
import { backend } from '../backend/registry';
import { acquire } from '../memory';
import { describe, Tensor } from '../tensor';

function unary(fn: string, op: UnaryOp, x: Tensor, alpha = 0): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${fn}: x must be a Tensor, got ${describe(x)}`);
  const out = new Tensor(acquire(x.size), x.shape);
  backend().unaryForward(op, x.data, out.data, x.size, alpha);
  return record(out, fn, [x], (dout) => {
    const dx = gradTarget(x);
    if (dx) backend().unaryBackward(op, x.data, out.data, dout, dx.data, x.size, alpha, dx.accumulate);
  });
}

export const relu = (x: Tensor): Tensor => unary('relu', UnaryOp.relu, x);
/** max(0, x) + slope * min(0, x); PyTorch's default slope is 0.01. */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  if (typeof negativeSlope !== 'number' || !Number.isFinite(negativeSlope)) {
    throw new TypeError(`leakyRelu: negativeSlope must be a finite number, got ${describe(negativeSlope)}`);
  }
  return unary('leakyRelu', UnaryOp.leakyRelu, x, negativeSlope);
}
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', UnaryOp.sigmoid, x);
export const tanh = (x: Tensor): Tensor => unary('tanh', UnaryOp.tanh, x);
export const exp = (x: Tensor): Tensor => unary('exp', UnaryOp.exp, x);
export const log = (x: Tensor): Tensor => unary('log', UnaryOp.log, x);
export const abs = (x: Tensor): Tensor => unary('abs', UnaryOp.abs, x);
export const sqrt = (x: Tensor): Tensor => unary('sqrt', UnaryOp.sqrt, x);
export const square = (x: Tensor): Tensor => unary('square', UnaryOp.square, x);
export const neg = (x: Tensor): Tensor => unary('neg', UnaryOp.neg, x);
/** log(1 + e^x), computed without overflow. */
export const softplus = (x: Tensor): Tensor => unary('softplus', UnaryOp.softplus, x);
