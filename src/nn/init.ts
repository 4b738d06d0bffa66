/**
 * Weight initializers, after torch.nn.init, filling a tensor in place from a seeded generator
 * (the global one unless `rng` is given), in row-major order. Fans follow PyTorch: for a weight
 * of shape (out, in, ...rest), fanIn = in * prod(rest) and fanOut = out * prod(rest).
 *
 *   xavierUniform   U(-b, b),  b = gain * sqrt(6 / (fanIn + fanOut))     (Glorot and Bengio)
 *   xavierNormal    N(0, s^2), s = gain * sqrt(2 / (fanIn + fanOut))
 *   kaimingUniform  U(-b, b),  b = gain * sqrt(3 / fan)                  (He et al.)
 *   kaimingNormal   N(0, s^2), s = gain / sqrt(fan)
 *
 * with gain = calculateGain(nonlinearity, a) for Kaiming (default leaky ReLU with a = 0,
 * i.e. sqrt(2)) and fan = fanIn by default (mode 'fanOut' for fanOut).
 */
import { defaultRandom, type Random } from '../random';
import { describe, formatShape, Tensor } from '../tensor';

export type Nonlinearity = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'selu';

export interface InitOptions {
  /** Generator to draw from (default: the global one, seeded by manualSeed()). */
  rng?: Random;
}

function checkTensor(fn: string, t: unknown): asserts t is Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${fn}: tensor must be a Tensor, got ${describe(t)}`);
}

/** PyTorch's recommended gain for a nonlinearity (param is the leaky ReLU slope, default 0.01). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leakyRelu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
  }
  throw new RangeError(`calculateGain: unknown nonlinearity ${describe(nonlinearity)}`);
}

/** [fanIn, fanOut] of a weight of shape (out, in, ...rest); needs rank >= 2. */
export function calculateFans(shape: readonly number[]): [number, number] {
  if (shape.length < 2) {
    throw new RangeError(`calculateFans: fans need a tensor of rank >= 2, got shape ${formatShape(shape)}`);
  }
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return [shape[1]! * receptive, shape[0]! * receptive];
}

/** Fills t with U(low, high). */
export function uniform_(t: Tensor, low = 0, high = 1, options: InitOptions = {}): Tensor {
  checkTensor('uniform_', t);
  const rng = options.rng ?? defaultRandom;
  const d = t.data, span = high - low;
  for (let i = 0; i < d.length; i++) d[i] = low + span * rng.uniform();
  return t;
}

/** Fills t with N(mean, std^2). */
export function normal_(t: Tensor, mean = 0, std = 1, options: InitOptions = {}): Tensor {
  checkTensor('normal_', t);
  const rng = options.rng ?? defaultRandom;
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = mean + std * rng.normal();
  return t;
}

export interface XavierOptions extends InitOptions {
  /** Scale factor (default 1); see calculateGain(). */
  gain?: number;
}

export function xavierUniform(t: Tensor, options: XavierOptions = {}): Tensor {
  checkTensor('xavierUniform', t);
  const [fanIn, fanOut] = calculateFans(t.shape);
  const bound = (options.gain ?? 1) * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -bound, bound, options);
}

export function xavierNormal(t: Tensor, options: XavierOptions = {}): Tensor {
  checkTensor('xavierNormal', t);
  const [fanIn, fanOut] = calculateFans(t.shape);
  return normal_(t, 0, (options.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut)), options);
}

export interface KaimingOptions extends InitOptions {
  /** Negative slope of the leaky ReLU that follows (default 0). */
  a?: number;
  /** Which fan to preserve the variance of (default 'fanIn'). */
  mode?: 'fanIn' | 'fanOut';
  /** Default 'leakyRelu' (with slope a), as PyTorch. */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(fn: string, t: Tensor, options: KaimingOptions): number {
  const [fanIn, fanOut] = calculateFans(t.shape);
  const mode = options.mode ?? 'fanIn';
  if (mode !== 'fanIn' && mode !== 'fanOut') throw new RangeError(`${fn}: mode must be "fanIn" or "fanOut", got ${describe(mode)}`);
  const fan = mode === 'fanIn' ? fanIn : fanOut;
  return calculateGain(options.nonlinearity ?? 'leakyRelu', options.a ?? 0) / Math.sqrt(fan);
}

export function kaimingUniform(t: Tensor, options: KaimingOptions = {}): Tensor {
  checkTensor('kaimingUniform', t);
  const bound = Math.sqrt(3) * kaimingStd('kaimingUniform', t, options);
  return uniform_(t, -bound, bound, options);
}

export function kaimingNormal(t: Tensor, options: KaimingOptions = {}): Tensor {
  checkTensor('kaimingNormal', t);
  return normal_(t, 0, kaimingStd('kaimingNormal', t, options), options);
}

/** Aliases under the other common names. */
export const glorotUniform = xavierUniform;
export const glorotNormal = xavierNormal;
export const heUniform = kaimingUniform;
export const heNormal = kaimingNormal;
