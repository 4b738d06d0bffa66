/**
 * Convolution ops on NCHW tensors: conv2d (im2col + GEMM kernels) and locallyConnected2d.
 * Output size per dimension: floor((in + padLo + padHi - (dilation*(kernel-1)+1)) / stride) + 1.
 */
import { gradBuffer, gradTarget, record } from '../autograd';
import { convOutputSize } from '../backend/interface/im2col';
import { backend } from '../backend/registry';
import { acquire, release } from '../memory';
import { describe, formatShape, Tensor } from '../tensor';
import { padding, pair, type Pair, type Padding } from './window';

export interface Conv2dOptions {
  /** Step between windows (default 1). */
  stride?: Pair;
  /** Zero padding: one number, [h, w], or [top, bottom, left, right] (default 0). */
  padding?: Padding;
  /** Spacing between kernel taps (default 1). */
  dilation?: Pair;
  /** Channel groups: C and OC must be divisible; groups = C is depthwise (default 1). */
  groups?: number;
}

function checkTensor(fn: string, name: string, t: unknown): asserts t is Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${fn}: ${name} must be a Tensor, got ${describe(t)}`);
}

/** Resolved geometry; `args` is the tail the kernels take after the buffers. */
function geometry(fn: string, x: Tensor, KH: number, KW: number, options: Conv2dOptions) {
  if (x.rank !== 4) throw new RangeError(`${fn}: input must be 4-D (N, C, H, W), got ${formatShape(x.shape)}`);
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [sh, sw] = pair(fn, 'stride', options.stride, 1, 1);
  const [dh, dw] = pair(fn, 'dilation', options.dilation, 1, 1);
  const [pt, pb, pl, pr] = padding(fn, options.padding);
  const OH = convOutputSize(fn, 'height', H, KH, sh, pt, pb, dh);
  const OW = convOutputSize(fn, 'width', W, KW, sw, pl, pr, dw);
  return { N, C, H, W, OH, OW, window: [KH, KW, sh, sw, pt, pb, pl, pr, dh, dw] as const };
}

/**
 * 2-D convolution (cross-correlation, as torch.nn.functional.conv2d).
 * @param x (N, C, H, W)
 * @param weight (OC, C/groups, KH, KW)
 * @param bias (OC), or null
 * @returns (N, OC, OH, OW)
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  const fn = 'conv2d';
  checkTensor(fn, 'x', x);
  checkTensor(fn, 'weight', weight);
  if (weight.rank !== 4) throw new RangeError(`${fn}: weight must be 4-D (OC, C/groups, KH, KW), got ${formatShape(weight.shape)}`);
  const [OC, Cg, KH, KW] = weight.shape as [number, number, number, number];
  const groups = options.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`${fn}: groups must be a positive integer, got ${describe(groups)}`);
  const g = geometry(fn, x, KH, KW, options);
  if (g.C !== Cg * groups) {
    throw new RangeError(`${fn}: input channels (${g.C}) != weight in-channels (${Cg}) * groups (${groups}); weight ${formatShape(weight.shape)}`);
  }
  if (OC % groups !== 0) throw new RangeError(`${fn}: output channels (${OC}) must be divisible by groups (${groups})`);
  if (bias !== null && bias !== undefined) {
    checkTensor(fn, 'bias', bias);
    if (bias.rank !== 1 || bias.shape[0] !== OC) throw new RangeError(`${fn}: bias must have shape [${OC}], got ${formatShape(bias.shape)}`);
  }
  const dims = [g.N, g.C, g.H, g.W, OC, ...g.window, groups] as const;
  const out = new Tensor(acquire(g.N * OC * g.OH * g.OW), [g.N, OC, g.OH, g.OW]);
  backend().conv2dForward(x.data, weight.data, bias ? bias.data : EMPTY, !!bias, out.data, ...dims);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record(out, fn, inputs, (dout) => {
    const B = backend();
    const dx = gradTarget(x);
    if (dx) B.conv2dBackwardInput(dout, weight.data, dx.data, ...dims, dx.accumulate);
    const dw = gradBuffer(weight);
    if (dw) B.conv2dBackwardWeight(x.data, dout, dw, ...dims);
    const db = bias ? gradBuffer(bias) : null;
    if (db) B.conv2dBackwardBias(dout, db, g.N, OC, g.OH * g.OW);
  });
}

const EMPTY = new Float32Array(0);

/** Output height and width of conv2d / pooling for an input of H x W (throws below 1). */
export function conv2dOutputSize(H: number, W: number, kernel: Pair, options: Omit<Conv2dOptions, 'groups'> = {}): [number, number] {
  const fn = 'conv2dOutputSize';
  const [KH, KW] = pair(fn, 'kernel', kernel, 1, 1);
  const [sh, sw] = pair(fn, 'stride', options.stride, 1, 1);
  const [dh, dw] = pair(fn, 'dilation', options.dilation, 1, 1);
  const [pt, pb, pl, pr] = padding(fn, options.padding);
  return [convOutputSize(fn, 'height', H, KH, sh, pt, pb, dh), convOutputSize(fn, 'width', W, KW, sw, pl, pr, dw)];
}

/**
 * Locally-connected 2-D layer: the windows of conv2d with unshared weights per output position.
 * @param x (N, C, H, W)
 * @param weight (OH, OW, OC, C, KH, KW)
 * @param bias (OC, OH, OW), or null
 * @returns (N, OC, OH, OW)
 */
export function locallyConnected2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: Omit<Conv2dOptions, 'groups'> = {}): Tensor {
  const fn = 'locallyConnected2d';
  checkTensor(fn, 'x', x);
  checkTensor(fn, 'weight', weight);
  if (weight.rank !== 6) throw new RangeError(`${fn}: weight must be 6-D (OH, OW, OC, C, KH, KW), got ${formatShape(weight.shape)}`);
  const [WOH, WOW, OC, WC, KH, KW] = weight.shape as [number, number, number, number, number, number];
  const g = geometry(fn, x, KH, KW, options);
  if (WC !== g.C || WOH !== g.OH || WOW !== g.OW) {
    throw new RangeError(`${fn}: weight ${formatShape(weight.shape)} does not match input ${formatShape(x.shape)}: expected [${g.OH}, ${g.OW}, OC, ${g.C}, ${KH}, ${KW}]`);
  }
  if (bias) {
    checkTensor(fn, 'bias', bias);
    if (bias.rank !== 3 || bias.shape[0] !== OC || bias.shape[1] !== g.OH || bias.shape[2] !== g.OW) {
      throw new RangeError(`${fn}: bias must have shape [${OC}, ${g.OH}, ${g.OW}], got ${formatShape(bias.shape)}`);
    }
  }
  const dims = [g.N, g.C, g.H, g.W, OC, ...g.window] as const;
  const out = new Tensor(acquire(g.N * OC * g.OH * g.OW), [g.N, OC, g.OH, g.OW]);
  backend().locallyConnected2dForward(x.data, weight.data, bias ? bias.data : EMPTY, !!bias, out.data, ...dims);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record(out, fn, inputs, (dout) => {
    const B = backend();
    const dx = gradBuffer(x);
    if (dx) B.locallyConnected2dBackwardInput(dout, weight.data, dx, ...dims);
    const dw = gradBuffer(weight);
    const db = bias ? gradBuffer(bias) : null;
    if (dw) B.locallyConnected2dBackwardWeight(x.data, dout, dw, db ?? EMPTY, !!db, ...dims);
    else if (db) addBatchSum(dout, db, g.N);
  });
}

/** db += sum over the batch of dout (N, rest). */
function addBatchSum(dout: Float32Array, db: Float32Array, N: number): void {
  const tmp = acquire(db.length);
  const B = backend();
  B.reduceSumForward(dout, tmp, 1, N, db.length, 1);
  B.axpy(1, tmp, db, db.length);
  release(tmp);
}
