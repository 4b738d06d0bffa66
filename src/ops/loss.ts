/**
 * Losses, each a fused kernel pair (src/backend/interface/loss.ts): the forward gives the
 * reduced scalar, the backward the gradient with respect to the prediction. y is the model's
 * output, t the target. Names follow torch.nn.functional; the formulas are:
 *
 *   binary, t in {-1, +1}      hingeLoss                 max(0, 1 - y t)
 *                              squaredHingeLoss          max(0, 1 - y t)^2
 *   binary, t in [0, 1]        binaryCrossEntropy        -(t log y + (1 - t) log(1 - y)), y a probability
 *                              binaryCrossEntropyWithLogits   the same on sigmoid(y), stable for any y
 *   K classes, t = class index multiMarginLoss           sum_{j != t} max(0, 1 - (y_t - y_j))
 *                              squaredMultiMarginLoss    sum_{j != t} max(0, 1 - (y_t - y_j))^2
 *                              crossEntropy              -log softmax(y)_t, from logits
 *   regression                 mseLoss                   (y - t)^2
 *                              l1Loss                    |y - t|
 *                              pseudoHuberLoss           delta^2 (sqrt(1 + ((y - t) / delta)^2) - 1)
 *
 * Reduction: 'mean' (the default) divides the sum by the number of elements for pointwise
 * losses and by the number of rows N for class losses; 'sum' does not.
 *
 * Class targets are a Tensor of shape [N] holding class indices as integer values (tensors are
 * float32, exact for indices below 2^24), e.g. tensor([3, 0, 9]).
 *
 * Note that multiMarginLoss follows the formula above, without PyTorch's division by C.
 * binaryCrossEntropy clamps each log at -100 as PyTorch does. Gradients flow to y; for the
 * regression losses (mse, l1, pseudo-Huber) they flow to t as well when t requires grad.
 */
import { gradBuffer, record } from '../autograd';
import { backend } from '../backend/registry';
import { ClassLoss, PointwiseLoss } from '../backend/interface/loss';
import { acquire, acquireZeroed, release } from '../memory';
import { describe, formatShape, Tensor } from '../tensor';

export type Reduction = 'mean' | 'sum';

export interface LossOptions {
  /** 'mean' (default) or 'sum'. */
  reduction?: Reduction;
}

export interface PseudoHuberOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear (default 1, must be > 0). */
  delta?: number;
}

function checkReduction(fn: string, reduction: unknown): Reduction {
  if (reduction === undefined) return 'mean';
  if (reduction !== 'mean' && reduction !== 'sum') {
    throw new RangeError(`${fn}: reduction must be "mean" or "sum", got ${describe(reduction)}`);
  }
  return reduction;
}

function checkTensors(fn: string, y: unknown, t: unknown): asserts y is Tensor {
  if (!(y instanceof Tensor)) throw new TypeError(`${fn}: input must be a Tensor, got ${describe(y)}`);
  if (!(t instanceof Tensor)) throw new TypeError(`${fn}: target must be a Tensor, got ${describe(t)}`);
}

/** The regression losses are symmetric in y and t, so dt = -dy. */
const SYMMETRIC = new Set<PointwiseLoss>([PointwiseLoss.mse, PointwiseLoss.l1, PointwiseLoss.pseudoHuber]);

function pointwise(fn: string, kind: PointwiseLoss, y: Tensor, t: Tensor, options: LossOptions | undefined, param = 0): Tensor {
  checkTensors(fn, y, t);
  const reduction = checkReduction(fn, options?.reduction);
  if (y.shape.length !== t.shape.length || y.shape.some((d, i) => d !== t.shape[i])) {
    throw new RangeError(`${fn}: input ${formatShape(y.shape)} and target ${formatShape(t.shape)} must have the same shape`);
  }
  const n = y.size;
  const scale = reduction === 'mean' ? (n === 0 ? 0 : 1 / n) : 1;
  const out = new Tensor(acquire(1), []);
  backend().pointwiseLossForward(kind, y.data, t.data, out.data, n, param, scale);
  const inputs = SYMMETRIC.has(kind) ? [y, t] : [y];
  return record(out, fn, inputs, (dout) => {
    const B = backend();
    const g = scale * dout[0]!;
    const dy = gradBuffer(y);
    if (dy) B.pointwiseLossBackward(kind, y.data, t.data, dy, n, param, g);
    const dt = SYMMETRIC.has(kind) ? gradBuffer(t) : null;
    if (dt) {
      const tmp = acquireZeroed(n);
      B.pointwiseLossBackward(kind, y.data, t.data, tmp, n, param, g);
      B.axpy(-1, tmp, dt, n);
      release(tmp);
    }
  });
}

function classLoss(fn: string, kind: ClassLoss, y: Tensor, t: Tensor, options: LossOptions | undefined): Tensor {
  checkTensors(fn, y, t);
  const reduction = checkReduction(fn, options?.reduction);
  if (y.rank !== 2) throw new RangeError(`${fn}: input must be 2-D (N, C), got ${formatShape(y.shape)}`);
  const [N, C] = y.shape as [number, number];
  if (C < 1) throw new RangeError(`${fn}: input must have at least one class column, got ${formatShape(y.shape)}`);
  if (t.rank !== 1 || t.shape[0] !== N) {
    throw new RangeError(`${fn}: target must hold one class index per row, shape [${N}], got ${formatShape(t.shape)}`);
  }
  const td = t.data;
  for (let r = 0; r < N; r++) {
    const v = td[r]!;
    if (!(Number.isInteger(v) && v >= 0 && v < C)) {
      throw new RangeError(`${fn}: target[${r}] must be a class index, an integer in [0, ${C}), got ${v}`);
    }
  }
  const scale = reduction === 'mean' ? (N === 0 ? 0 : 1 / N) : 1;
  const out = new Tensor(acquire(1), []);
  backend().classLossForward(kind, y.data, td, out.data, N, C, scale);
  return record(out, fn, [y], (dout) => {
    const dy = gradBuffer(y);
    if (dy) backend().classLossBackward(kind, y.data, t.data, dy, N, C, scale * dout[0]!);
  });
}

/** max(0, 1 - y t) with t in {-1, +1}. y and t have the same shape. */
export const hingeLoss = (y: Tensor, t: Tensor, options?: LossOptions): Tensor =>
  pointwise('hingeLoss', PointwiseLoss.hinge, y, t, options);
/** max(0, 1 - y t)^2 with t in {-1, +1}. */
export const squaredHingeLoss = (y: Tensor, t: Tensor, options?: LossOptions): Tensor =>
  pointwise('squaredHingeLoss', PointwiseLoss.squaredHinge, y, t, options);
/** -(t log y + (1 - t) log(1 - y)), y a probability in [0, 1] (e.g. after sigmoid). */
export function binaryCrossEntropy(y: Tensor, t: Tensor, options?: LossOptions): Tensor {
  if (y instanceof Tensor) {
    const d = y.data;
    for (let i = 0; i < d.length; i++) {
      if (!(d[i]! >= 0 && d[i]! <= 1)) {
        throw new RangeError(`binaryCrossEntropy: input must hold probabilities in [0, 1], got ${d[i]} at ${i} (for logits use binaryCrossEntropyWithLogits)`);
      }
    }
  }
  return pointwise('binaryCrossEntropy', PointwiseLoss.binaryCrossEntropy, y, t, options);
}
/** binaryCrossEntropy(sigmoid(y), t), computed stably from the logits y. */
export const binaryCrossEntropyWithLogits = (y: Tensor, t: Tensor, options?: LossOptions): Tensor =>
  pointwise('binaryCrossEntropyWithLogits', PointwiseLoss.binaryCrossEntropyWithLogits, y, t, options);
/** (y - t)^2. */
export const mseLoss = (y: Tensor, t: Tensor, options?: LossOptions): Tensor =>
  pointwise('mseLoss', PointwiseLoss.mse, y, t, options);
/** |y - t|. */
export const l1Loss = (y: Tensor, t: Tensor, options?: LossOptions): Tensor =>
  pointwise('l1Loss', PointwiseLoss.l1, y, t, options);
/** delta^2 (sqrt(1 + ((y - t) / delta)^2) - 1): quadratic near 0, linear far out. */
export function pseudoHuberLoss(y: Tensor, t: Tensor, options?: PseudoHuberOptions): Tensor {
  const delta = options?.delta ?? 1;
  if (typeof delta !== 'number' || !(delta > 0) || !Number.isFinite(delta)) {
    throw new RangeError(`pseudoHuberLoss: delta must be a finite number > 0, got ${describe(delta)}`);
  }
  return pointwise('pseudoHuberLoss', PointwiseLoss.pseudoHuber, y, t, options, delta);
}
/** y is (N, C) scores, t is (N) class indices: sum_{j != t} max(0, 1 - (y_t - y_j)) per row. */
export const multiMarginLoss = (y: Tensor, t: Tensor, options?: LossOptions): Tensor =>
  classLoss('multiMarginLoss', ClassLoss.multiMargin, y, t, options);
/** Squared multiclass hinge: sum_{j != t} max(0, 1 - (y_t - y_j))^2 per row. */
export const squaredMultiMarginLoss = (y: Tensor, t: Tensor, options?: LossOptions): Tensor =>
  classLoss('squaredMultiMarginLoss', ClassLoss.squaredMultiMargin, y, t, options);
/** y is (N, C) logits, t is (N) class indices: -log softmax(y)_t per row, stable for large logits. */
export const crossEntropy = (y: Tensor, t: Tensor, options?: LossOptions): Tensor =>
  classLoss('crossEntropy', ClassLoss.crossEntropy, y, t, options);
