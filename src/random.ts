/**
 * Seeded random numbers: xoshiro128** (Blackman and Vigna) on 32-bit integers, seeded through
 * splitmix32. It lives in TypeScript, not in a backend, so the same seed gives the same numbers
 * whichever backend is active.
 *
 * - uniform(): float32 in [0, 1), 24 random bits: (next() >>> 8) / 2^24.
 * - normal(): Box-Muller on two uniforms (1 - u1 keeps the log finite), the second value
 *   of each pair kept for the next call.
 */

const TWO_POW_24 = 16777216;

function splitmix32(state: number): [number, number] {
  state = (state + 0x9e3779b9) | 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [state, (z ^ (z >>> 16)) >>> 0];
}

export interface RandomState {
  s: [number, number, number, number];
  spare: number | null;
}

export class Random {
  private s = new Uint32Array(4);
  private spare: number | null = null;

  constructor(seed = 0) {
    this.seed(seed);
  }

  /** Resets the generator; any integer (or float, truncated) is a valid seed. */
  seed(seed: number): void {
    if (typeof seed !== 'number' || !Number.isFinite(seed)) {
      throw new TypeError(`Random.seed: seed must be a finite number, got ${String(seed)}`);
    }
    let state = Math.trunc(seed) | 0;
    // Mix in the high bits so seeds above 2^32 differ.
    state ^= Math.trunc(seed / 4294967296) | 0;
    for (let i = 0; i < 4; i++) {
      const [next, value] = splitmix32(state);
      state = next;
      this.s[i] = value;
    }
    this.spare = null;
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** Uniform float in [0, 1). */
  uniform(): number {
    return (this.nextUint32() >>> 8) / TWO_POW_24;
  }

  /** Standard normal. */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(items: T[] | Int32Array | Uint32Array): void {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
  }

  getState(): RandomState {
    return { s: [this.s[0]!, this.s[1]!, this.s[2]!, this.s[3]!], spare: this.spare };
  }

  setState(state: RandomState): void {
    if (!state || !Array.isArray(state.s) || state.s.length !== 4 || !state.s.every((v) => Number.isInteger(v))) {
      throw new TypeError('Random.setState: state must be { s: [4 integers], spare: number | null }');
    }
    this.s.set(state.s);
    this.spare = state.spare ?? null;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The generator behind creation helpers and layer initializers when none is passed. */
export const defaultRandom = new Random(0);

/** Seeds the default generator (like torch.manual_seed). */
export function manualSeed(seed: number): void {
  defaultRandom.seed(seed);
}
