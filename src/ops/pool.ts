/**
 * Pooling ops on NCHW tensors: max (keeps the argmax for backward), average, and adaptive
 * average (global average pooling is the 1x1 case).
 */
import { gradBuffer, gradTarget, record } from '../autograd';
import { convOutputSize } from '../backend/interface/im2col';
import { backend } from '../backend/registry';
import { acquire } from '../memory';
import { describe, formatShape, Tensor } from '../tensor';
import { padding, pair, type Pair, type Padding } from './window';

export interface Pool2dOptions {
  /** Step between windows (default: the kernel size, as in PyTorch). */
  stride?: Pair;
  /** Implicit padding: number, [h, w] or [top, bottom, left, right] (default 0). */
  padding?: Padding;
}

export interface MaxPool2dOptions extends Pool2dOptions {
  /** Spacing between window taps (default 1). */
  dilation?: Pair;
}

export interface AvgPool2dOptions extends Pool2dOptions {
  /** Divide by the full window size, padding included (PyTorch's default true). */
  countIncludePad?: boolean;
}

function input4d(fn: string, x: Tensor): [number, number, number, number] {
  if (!(x instanceof Tensor)) throw new TypeError(`${fn}: x must be a Tensor, got ${describe(x)}`);
  if (x.rank !== 4) throw new RangeError(`${fn}: input must be 4-D (N, C, H, W), got ${formatShape(x.shape)}`);
  return x.shape as [number, number, number, number];
}

function window(fn: string, x: Tensor, kernel: Pair, options: MaxPool2dOptions) {
  const [N, C, H, W] = input4d(fn, x);
  const [KH, KW] = pair(fn, 'kernelSize', kernel, 1, 1);
  const [sh, sw] = options.stride === undefined || options.stride === null ? [KH, KW] : pair(fn, 'stride', options.stride, 1, 1);
  const [dh, dw] = pair(fn, 'dilation', options.dilation, 1, 1);
  const [pt, pb, pl, pr] = padding(fn, options.padding);
  const OH = convOutputSize(fn, 'height', H, KH, sh, pt, pb, dh);
  const OW = convOutputSize(fn, 'width', W, KW, sw, pl, pr, dw);
  return { N, C, H, W, OH, OW, win: [N, C, H, W, KH, KW, sh, sw, pt, pb, pl, pr] as const, dil: [dh, dw] as const };
}

/** K when the windows are K x K at stride K with no padding or dilation (they tile the plane), else 0. */
function tilingK(g: ReturnType<typeof window>): number {
  const [, , , , KH, KW, sh, sw, pt, pb, pl, pr] = g.win;
  const [dh, dw] = g.dil;
  const tiles = KH === KW && sh === KH && sw === KW && pt === 0 && pb === 0 && pl === 0 && pr === 0 && dh === 1 && dw === 1;
  return tiles ? KH : 0;
}

/**
 * Max pooling over KH x KW windows (torch.nn.functional.max_pool2d, floor mode). Padding
 * never wins. @param x (N, C, H, W) @returns (N, C, OH, OW)
 */
export function maxPool2d(x: Tensor, kernelSize: Pair, options: MaxPool2dOptions = {}): Tensor {
  const g = window('maxPool2d', x, kernelSize, options);
  const n = g.N * g.C * g.OH * g.OW;
  const out = new Tensor(acquire(n), [g.N, g.C, g.OH, g.OW]);
  // Kept by the backward closure; float32 indices as the kernels take them. A pooled tensor,
  // so tidy() returns it to the pool with the step's other buffers.
  const argmax = new Tensor(acquire(n), [g.N, g.C, g.OH, g.OW]).data;
  backend().maxPool2dForward(x.data, out.data, argmax, ...g.win, ...g.dil);
  return record(out, 'maxPool2d', [x], (dout) => {
    const dx = gradTarget(x);
    if (dx) backend().maxPool2dBackward(dout, argmax, dx.data, g.N * g.C, g.H * g.W, g.OH * g.OW, g.W, tilingK(g), dx.accumulate);
  });
}

/** Average pooling (torch.nn.functional.avg_pool2d, floor mode). @param x (N, C, H, W) */
export function avgPool2d(x: Tensor, kernelSize: Pair, options: AvgPool2dOptions = {}): Tensor {
  if ((options as MaxPool2dOptions).dilation !== undefined) throw new RangeError('avgPool2d: dilation is not supported');
  const g = window('avgPool2d', x, kernelSize, options);
  const includePad = options.countIncludePad ?? true;
  if (typeof includePad !== 'boolean') throw new TypeError(`avgPool2d: countIncludePad must be a boolean, got ${describe(includePad)}`);
  const out = new Tensor(acquire(g.N * g.C * g.OH * g.OW), [g.N, g.C, g.OH, g.OW]);
  backend().avgPool2dForward(x.data, out.data, ...g.win, includePad);
  return record(out, 'avgPool2d', [x], (dout) => {
    const dx = gradBuffer(x);
    if (dx) backend().avgPool2dBackward(dout, dx, ...g.win, includePad);
  });
}

/**
 * Adaptive average pooling to a fixed output size (torch.nn.functional.adaptive_avg_pool2d).
 * @param x (N, C, H, W) @param outputSize OH or [OH, OW] @returns (N, C, OH, OW)
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: Pair): Tensor {
  const [N, C, H, W] = input4d('adaptiveAvgPool2d', x);
  const [OH, OW] = pair('adaptiveAvgPool2d', 'outputSize', outputSize, 1, 1);
  if (H < 1 || W < 1) throw new RangeError(`adaptiveAvgPool2d: input ${formatShape(x.shape)} has an empty spatial dimension`);
  const out = new Tensor(acquire(N * C * OH * OW), [N, C, OH, OW]);
  backend().adaptiveAvgPool2dForward(x.data, out.data, N * C, H, W, OH, OW);
  return record(out, 'adaptiveAvgPool2d', [x], (dout) => {
    const dx = gradBuffer(x);
    if (dx) backend().adaptiveAvgPool2dBackward(dout, dx, N * C, H, W, OH, OW);
  });
}

/** Global average pooling: (N, C, H, W) -> (N, C, 1, 1). */
export function globalAvgPool2d(x: Tensor): Tensor {
  return adaptiveAvgPool2d(x, 1);
}
