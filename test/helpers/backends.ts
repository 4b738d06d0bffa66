/** Backends under test, and tolerances for comparing them. */
import { getBackendByName } from '../../src/backend/registry';
import type { Backend, BackendName } from '../../src/backend/backend';
import { filled } from '../../src/bench/workload';

export const BACKEND_NAMES: BackendName[] = ['js', 'native'];

export function kernels(name: BackendName): Backend {
  return getBackendByName(name);
}

/** Runs `fn` with the native kernels limited to `threads`, restoring the previous count. */
export function withThreads<T>(threads: number, fn: () => T): T {
  const native = getBackendByName('native');
  const before = native.getNumThreads();
  native.setNumThreads(threads);
  try {
    return fn();
  } finally {
    native.setNumThreads(before);
  }
}

/** Deterministic test data in [-1, 1) (independent of neurite's own RNG): the benchmarks' LCG. */
export const pattern = filled;

/**
 * Max |actual - expected| / (atol + rtol * |expected|) over all elements: <= 1 passes.
 * NaN must match NaN, and infinities must match exactly.
 */
export function closeness(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number): number {
  if (actual.length !== expected.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (!(Number.isNaN(e) && Number.isNaN(a))) return Infinity;
      continue;
    }
    if (!Number.isFinite(e) || !Number.isFinite(a)) {
      if (a !== e) return Infinity;
      continue;
    }
    worst = Math.max(worst, Math.abs(a - e) / (atol + rtol * Math.abs(e)));
  }
  return worst;
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-5, atol = 1e-6): void {
  const c = closeness(actual, expected, rtol, atol);
  if (!(c <= 1)) {
    let at = 0, worst = -1;
    for (let i = 0; i < actual.length; i++) {
      const d = Math.abs(actual[i]! - expected[i]!) / (atol + rtol * Math.abs(expected[i]!));
      if (!(d <= worst)) { worst = d; at = i; }
    }
    throw new Error(`not close (score ${c.toFixed(2)} > 1): at [${at}] actual ${actual[at]} expected ${expected[at]} (rtol ${rtol}, atol ${atol})`);
  }
}

/**
 * Throws unless actual and expected hold the same float32 values element for element
 * (NaN matches NaN; +0 and -0 differ). For results that must be correctly rounded.
 */
export function expectSameFloats(actual: ArrayLike<number>, expected: ArrayLike<number>, what = ''): void {
  if (actual.length !== expected.length) throw new Error(`${what}: length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!, e = Math.fround(expected[i]!);
    if (!(Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)))) {
      throw new Error(`${what}: at [${i}] actual ${Object.is(a, -0) ? '-0' : a} expected ${Object.is(e, -0) ? '-0' : e}`);
    }
  }
}

/** Whether two float arrays hold the same bytes. */
export function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** The values IEEE special-case tests feed every kernel. */
export const SPECIALS = [NaN, Infinity, -Infinity, 0, 1, -1, 0.5, -2.5, 3e38, -3e38];

/** The arrays one after another in one Float32Array. */
export function concatFloats(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
