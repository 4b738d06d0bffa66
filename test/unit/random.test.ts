import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random, defaultRandom, getBackend, manualSeed, randNormal, randUniform, setBackend } from '../../src/index';

describe('Random (xoshiro128** seeded through splitmix32)', () => {
  it('gives the same sequence for the same seed and different ones for different seeds', () => {
    const a = new Random(42), b = new Random(42), c = new Random(43);
    const xs = Array.from({ length: 100 }, () => a.nextUint32());
    expect(Array.from({ length: 100 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c.nextUint32())).not.toEqual(xs);
    expect(new Random(2 ** 32 + 5).nextUint32()).not.toBe(new Random(5).nextUint32());
  });

  it('follows the documented algorithm: splitmix32 seeding, xoshiro128** steps', () => {
    // An independent implementation from the published reference code.
    const splitmix = (state: number): [number, number] => {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return [state, (z ^ (z >>> 16)) >>> 0];
    };
    const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;
    let st = 7;
    const s: number[] = [];
    for (let i = 0; i < 4; i++) { const [n, v] = splitmix(st); st = n; s.push(v); }
    const next = () => {
      const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
      const t = (s[1]! << 9) >>> 0;
      s[2] = (s[2]! ^ s[0]!) >>> 0; s[3] = (s[3]! ^ s[1]!) >>> 0;
      s[1] = (s[1]! ^ s[2]!) >>> 0; s[0] = (s[0]! ^ s[3]!) >>> 0;
      s[2] = (s[2]! ^ t) >>> 0; s[3] = rotl(s[3]!, 11);
      return result;
    };
    const r = new Random(7);
    for (let i = 0; i < 50; i++) expect(r.nextUint32()).toBe(next());
    // uniform() is the top 24 bits over 2^24.
    const u = new Random(7), w = new Random(7);
    for (let i = 0; i < 20; i++) expect(u.uniform()).toBe((w.nextUint32() >>> 8) / 2 ** 24);
  });

  it('uniform() stays in [0, 1) with mean 1/2 and variance 1/12', () => {
    const r = new Random(1);
    const n = 200_000;
    let sum = 0, sq = 0, min = 1, max = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      sum += u; sq += u * u; min = Math.min(min, u); max = Math.max(max, u);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    const mean = sum / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(sq / n - mean * mean - 1 / 12)).toBeLessThan(0.002);
  });

  it('normal() has mean 0, std 1 and normal tails', () => {
    const r = new Random(2);
    const n = 200_000;
    let sum = 0, sq = 0, beyond2 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      expect(Number.isFinite(z)).toBe(true);
      sum += z; sq += z * z;
      if (Math.abs(z) > 2) beyond2++;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.01);
    expect(Math.abs(Math.sqrt(sq / n) - 1)).toBeLessThan(0.01);
    expect(Math.abs(beyond2 / n - 0.0455)).toBeLessThan(0.003);
  });

  it('getState/setState round-trips, including the spare normal', () => {
    const r = new Random(3);
    r.normal();
    const state = r.getState();
    const a = [r.normal(), r.uniform(), r.normal()];
    r.setState(state);
    expect([r.normal(), r.uniform(), r.normal()]).toEqual(a);
    const other = new Random(99);
    other.setState(JSON.parse(JSON.stringify(state)));
    expect([other.normal(), other.uniform(), other.normal()]).toEqual(a);
    expect(() => r.setState({ s: [1, 2, 3] } as never)).toThrow(TypeError);
    expect(() => new Random(NaN)).toThrow(/Random.seed: seed must be a finite number/);
  });

  it('int() and shuffle() stay in range and permute', () => {
    const r = new Random(4);
    for (let i = 0; i < 1000; i++) {
      const k = r.int(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
    }
    const items = Array.from({ length: 50 }, (_, i) => i);
    r.shuffle(items);
    expect([...items].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(items).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});

describe('seeded tensors are the same on both backends', () => {
  let previous: 'js' | 'native';
  beforeAll(() => { previous = getBackend(); });
  afterAll(() => setBackend(previous));

  it('randUniform and randNormal', () => {
    const draw = (name: 'js' | 'native') => {
      setBackend(name);
      manualSeed(1234);
      return [...randUniform([100], -2, 3).data, ...randNormal([101], 1, 0.5).data];
    };
    const js = draw('js'), native = draw('native');
    expect(native).toEqual(js);
    expect(js.slice(0, 100).every((v) => v >= -2 && v < 3)).toBe(true);
  });

  it('manualSeed resets the default generator', () => {
    manualSeed(5);
    const a = defaultRandom.uniform();
    manualSeed(5);
    expect(defaultRandom.uniform()).toBe(a);
    expect(() => randUniform([2], 1, 0)).toThrow(/randUniform: need low <= high/);
    expect(() => randNormal([2], 0, -1)).toThrow(/randNormal: need a number mean and std >= 0/);
  });
});
