/**
 * Inverted dropout: in training, each element is zeroed with probability `dropProbability` and
 * the survivors are scaled by 1 / (1 - dropProbability), so the expected value is unchanged and
 * evaluation needs no rescaling. The mask comes from the seeded generator (the global one unless
 * `rng` is given), so a seed reproduces it on either backend. The gradient is the same mask
 * applied to dout (through the mul kernel).
 *
 * Note on naming: some texts define p as the probability of KEEPING a unit; PyTorch's p is the
 * probability of DROPPING it. `dropProbability` is the latter: dropProbability = 1 - keep probability.
 */
import { acquire } from '../memory';
import { defaultRandom, type Random } from '../random';
import { describe, Tensor } from '../tensor';
import { mul } from './binary';

export interface DropoutOptions {
  /** Whether to drop (training) or pass x through unchanged (evaluation). Default true. */
  training?: boolean;
  rng?: Random;
}

export function checkDropProbability(fn: string, p: unknown): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new RangeError(`${fn}: dropProbability must be a number in [0, 1], got ${describe(p)}`);
  }
  return p;
}

export function dropout(x: Tensor, dropProbability: number, options: DropoutOptions = {}): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`dropout: x must be a Tensor, got ${describe(x)}`);
  const p = checkDropProbability('dropout', dropProbability);
  if (options.training === false || p === 0) return x;
  const rng = options.rng ?? defaultRandom;
  const scale = p === 1 ? 0 : 1 / (1 - p);
  const mask = new Tensor(acquire(x.size), x.shape);
  const m = mask.data;
  for (let i = 0; i < m.length; i++) m[i] = rng.uniform() < p ? 0 : scale;
  return mul(x, mask);
}
