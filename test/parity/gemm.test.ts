import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gemmOracle } from '../oracle/gemm';
import { BACKEND_NAMES, expectClose, kernels, pattern, withThreads } from '../helpers/backends';
import { getIsa, setIsa, supportedIsas } from '../../src/info';

interface Case {
  transA: boolean; transB: boolean; M: number; N: number; K: number;
  alpha: number; beta: number; pad: number;
}

const sizes = [1, 2, 7, 16, 17, 31, 64, 97];
const cases: Case[] = [];
let i = 0;
for (const transA of [false, true]) {
  for (const transB of [false, true]) {
    for (const [M, N, K] of [[1, 1, 1], [1, 97, 13], [97, 1, 13], [17, 31, 7], [64, 64, 64], [33, 2, 257], [5, 128, 3]] as const) {
      const alpha = [1, 0.5, -2][i % 3]!;
      const beta = [0, 1, 0.25][(i >> 1) % 3]!;
      cases.push({ transA, transB, M, N, K, alpha, beta, pad: i % 3 === 0 ? 3 : 0 });
      i++;
    }
  }
}
// Random shapes among odd and prime sizes.
for (let r = 0; r < 12; r++) {
  cases.push({
    transA: r % 2 === 1, transB: r % 4 >= 2,
    M: sizes[(r * 5) % sizes.length]!, N: sizes[(r * 3 + 1) % sizes.length]!, K: sizes[(r * 7 + 2) % sizes.length]!,
    alpha: 1, beta: r % 3 === 0 ? 0 : 1, pad: r % 5,
  });
}

function run(name: 'js' | 'native', c: Case) {
  const lda = (c.transA ? c.M : c.K) + c.pad;
  const ldb = (c.transB ? c.K : c.N) + c.pad;
  const ldc = c.N + c.pad;
  const A = pattern((c.transA ? c.K : c.M) * lda, 1);
  const B = pattern((c.transB ? c.N : c.K) * ldb, 2);
  const C = pattern(c.M * ldc, 3);
  const expected = gemmOracle(c.transA, c.transB, c.M, c.N, c.K, c.alpha, A, lda, B, ldb, c.beta, C, ldc);
  kernels(name).sgemm(c.transA, c.transB, c.M, c.N, c.K, c.alpha, A, lda, B, ldb, c.beta, C, ldc);
  return { C, expected };
}

describe.each(BACKEND_NAMES)('sgemm on %s', (name) => {
  it.each(cases)('tA=$transA tB=$transB M=$M N=$N K=$K alpha=$alpha beta=$beta pad=$pad', (c) => {
    const { C, expected } = run(name, c);
    // float32 accumulation error grows with K: bound it by K * eps relative to the scale.
    expectClose(C, expected, 1e-5, 2e-6 * Math.sqrt(c.K) * 4);
  });

  it('does not read C when beta is 0 (NaN in C is overwritten)', () => {
    const C = new Float32Array(4).fill(NaN);
    kernels(name).sgemm(false, false, 2, 2, 3, 1, new Float32Array(6).fill(1), 3, new Float32Array(6).fill(1), 2, 0, C, 2);
    expect(Array.from(C)).toEqual([3, 3, 3, 3]);
  });

  it('propagates NaN and Inf from A and B', () => {
    const A = new Float32Array([NaN, 1, 1, 1]);
    const B = new Float32Array([1, 0, Infinity, 1]);
    const C = new Float32Array(4);
    kernels(name).sgemm(false, false, 2, 2, 2, 1, A, 2, B, 2, 0, C, 2);
    expect(Number.isNaN(C[0])).toBe(true);
    expect(Number.isNaN(C[1])).toBe(true);
    expect(C[2]).toBe(Infinity);
    expect(C[3]).toBe(1);
  });

  it('leaves padding between rows of C untouched', () => {
    const C = new Float32Array(2 * 5).fill(7);
    kernels(name).sgemm(false, false, 2, 3, 2, 1, pattern(4, 4), 2, pattern(6, 5), 3, 0, C, 5);
    expect([C[3], C[4], C[8], C[9]]).toEqual([7, 7, 7, 7]);
  });

  it('sgemmBatched equals one sgemm per batch', () => {
    const [Bt, M, N, K] = [3, 5, 7, 9];
    const A = pattern(Bt * M * K, 6), Bm = pattern(Bt * K * N, 7);
    const C = new Float32Array(Bt * M * N);
    kernels(name).sgemmBatched(false, true, M, N, K, 1, A, K, M * K, Bm, K, K * N, 0, C, N, M * N, Bt);
    for (let b = 0; b < Bt; b++) {
      const expected = gemmOracle(false, true, M, N, K, 1, A.subarray(b * M * K), K, Bm.subarray(b * K * N), K, 0, new Float32Array(M * N), N);
      expectClose(C.subarray(b * M * N, (b + 1) * M * N), expected, 1e-5, 1e-5);
    }
  });
});

describe('sgemm native vs js', () => {
  it('agree on a 300x200x500 product', () => {
    const [M, N, K] = [300, 200, 500];
    const A = pattern(M * K, 8), B = pattern(K * N, 9);
    const cj = new Float32Array(M * N), cn = new Float32Array(M * N);
    kernels('js').sgemm(false, false, M, N, K, 1, A, K, B, N, 0, cj, N);
    kernels('native').sgemm(false, false, M, N, K, 1, A, K, B, N, 0, cn, N);
    expectClose(cn, cj, 1e-4, 1e-4);
  });

  it('gives bit-identical results for any thread count', () => {
    const [M, N, K] = [129, 131, 257];
    const A = pattern(M * K, 10), B = pattern(K * N, 11);
    const outs = [1, 2, 3, 4].map((t) =>
      withThreads(t, () => {
        const C = new Float32Array(M * N);
        kernels('native').sgemm(true, false, M, N, K, 1, A, M, B, N, 0, C, N);
        return C;
      }),
    );
    for (const C of outs.slice(1)) expect(Buffer.from(C.buffer).equals(Buffer.from(outs[0]!.buffer))).toBe(true);
  });
});

// Every SIMD path the machine supports (generic always), forced in turn with setIsa.
const ISAS = supportedIsas();

// Training shapes (M = 32-128 rows, K and N 64-2048) with every transpose; the js results are
// computed once and shared by all ISAs.
const TRAINING: Array<{ M: number; N: number; K: number; transA: boolean; transB: boolean }> = [];
for (const [M, N, K] of [[32, 2048, 64], [128, 64, 2048], [64, 768, 500], [128, 2048, 256], [100, 333, 2048]] as const) {
  for (const transA of [false, true]) for (const transB of [false, true]) TRAINING.push({ M, N, K, transA, transB });
}
const trainingJs = new Map<string, Float32Array>();

function trainingRun(name: 'js' | 'native', t: (typeof TRAINING)[number]): Float32Array {
  const A = pattern(t.M * t.K, t.M + t.K), B = pattern(t.K * t.N, t.N + 1);
  const C = new Float32Array(t.M * t.N);
  kernels(name).sgemm(t.transA, t.transB, t.M, t.N, t.K, 1, A, t.transA ? t.M : t.K, B, t.transB ? t.K : t.N, 0, C, t.N);
  return C;
}

describe('native ISA dispatch', () => {
  it('supports generic and reports the active ISA among the supported ones', () => {
    expect(ISAS).toContain('generic');
    expect(ISAS).toContain(getIsa());
  });

  it('rejects unknown and unsupported ISAs with a RangeError and keeps the current one', () => {
    const before = getIsa();
    expect(() => setIsa('sse9')).toThrow(/unknown ISA "sse9"/);
    expect(() => setIsa('sse9')).toThrow(RangeError);
    for (const name of ['generic', 'avx2', 'avx512', 'neon'].filter((n) => !ISAS.includes(n))) {
      expect(() => setIsa(name)).toThrow(new RegExp(`"${name}" is not supported`));
    }
    expect(getIsa()).toBe(before);
  });
});

describe.each(ISAS)('sgemm native isa=%s', (isa) => {
  let before = '';
  beforeAll(() => {
    before = getIsa();
    setIsa(isa);
  });
  afterAll(() => setIsa(before));

  it('is active', () => expect(getIsa()).toBe(isa));

  it.each(cases)('tA=$transA tB=$transB M=$M N=$N K=$K alpha=$alpha beta=$beta pad=$pad', (c) => {
    const { C, expected } = run('native', c);
    expectClose(C, expected, 1e-5, 2e-6 * Math.sqrt(c.K) * 4);
  });

  it('does not read C when beta is 0 (NaN in C is overwritten)', () => {
    const [M, N, K] = [37, 45, 19];
    const C = new Float32Array(M * N).fill(NaN);
    kernels('native').sgemm(false, false, M, N, K, 1, new Float32Array(M * K).fill(1), K, new Float32Array(K * N).fill(0.5), N, 0, C, N);
    expect(C.every((v) => v === K / 2)).toBe(true);
  });

  it.each([
    [129, 131, 257, true, false],
    [300, 70, 100, false, true],
    [40, 1000, 300, false, false],
    [77, 5, 600, true, true],
    [300, 70, 600, false, true],
  ] as const)('gives bit-identical results for 1-4 threads (M=%i N=%i K=%i tA=%s tB=%s)', (M, N, K, tA, tB) => {
    const A = pattern(M * K, 10), B = pattern(K * N, 11);
    const outs = [1, 2, 3, 4].map((t) =>
      withThreads(t, () => {
        const C = new Float32Array(M * N);
        kernels('native').sgemm(tA, tB, M, N, K, 1, A, tA ? M : K, B, tB ? K : N, 0, C, N);
        return C;
      }),
    );
    for (const C of outs.slice(1)) expect(Buffer.from(C.buffer).equals(Buffer.from(outs[0]!.buffer))).toBe(true);
  });

  it.each(TRAINING)('matches js on training shape M=$M N=$N K=$K tA=$transA tB=$transB', (t) => {
    const key = JSON.stringify(t);
    let expected = trainingJs.get(key);
    if (!expected) trainingJs.set(key, (expected = trainingRun('js', t)));
    expectClose(trainingRun('native', t), expected, 1e-4, 2e-6 * t.K);
  });
});
