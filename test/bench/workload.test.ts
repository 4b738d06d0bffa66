import { afterAll, describe, expect, it } from 'vitest';
import { compareBackends, measure, type Workload } from '../../src/bench/workload';
import { sgemmWorkload, trainingSgemmShapes } from '../../src/bench/gemm';
import { getBackend, setBackend } from '../../src/backend/registry';

const initial = getBackend();
afterAll(() => setBackend(initial));

function counting(): { workload: Workload; calls: () => number; setups: () => number } {
  let calls = 0, setups = 0;
  return {
    workload: { name: 'count', flops: 2e6, bytes: 4e3, setup: () => { setups++; return () => { calls++; }; } },
    calls: () => calls,
    setups: () => setups,
  };
}

describe('bench harness', () => {
  it('measure takes `repeat` samples of calibrated length and derives rates', () => {
    const c = counting();
    const m = measure(c.workload, { repeat: 5, minTimeMs: 1, warmup: 2 });
    expect(c.setups()).toBe(1);
    expect(m.samplesMs).toHaveLength(5);
    expect(m.callsPerSample).toBeGreaterThanOrEqual(1);
    expect(c.calls()).toBeGreaterThanOrEqual(2 + 5 * m.callsPerSample);
    expect(m.bestMs).toBeLessThanOrEqual(m.medianMs);
    expect(m.gflops).toBeCloseTo(2e6 / (m.medianMs * 1e6), 6);
    expect(m.gbps).toBeCloseTo(4e3 / (m.medianMs * 1e6), 6);
    expect(m.backend).toBe(getBackend());
  });

  it('rejects bad options', () => {
    const c = counting();
    expect(() => measure(c.workload, { repeat: 0 })).toThrow(RangeError);
    expect(() => measure(c.workload, { minTimeMs: NaN })).toThrow(RangeError);
    expect(() => measure(c.workload, { clock: 'tsc' as 'cpu' })).toThrow(/clock must be 'wall' or 'cpu'/);
  });

  it('times by CPU time on request', () => {
    // Busy work: CPU time advances with it, so calibration ends and samples are positive.
    const w: Workload = { name: 'spin', setup: () => () => { let x = 0; for (let i = 0; i < 20000; i++) x += Math.sqrt(i); if (x < 0) throw new Error(); } };
    const m = measure(w, { repeat: 3, minTimeMs: 2, clock: 'cpu' });
    expect(m.samplesMs).toHaveLength(3);
    expect(m.medianMs).toBeGreaterThan(0);
    expect(m.callsPerSample).toBeGreaterThanOrEqual(1);
  });

  it('compareBackends sets up once per backend, on that backend, and restores the active one', () => {
    setBackend('js');
    const seen: string[] = [];
    const w: Workload = { name: 'which', setup: () => { seen.push(getBackend()); return () => {}; } };
    const c = compareBackends(w, { repeat: 3, minTimeMs: 0 });
    expect(seen).toEqual(['native', 'js']);
    expect(c.results.map((r) => r.backend)).toEqual(['native', 'js']);
    expect(c.results[0]!.samplesMs).toHaveLength(3);
    expect(c.ratio).toBeCloseTo(c.results[1]!.medianMs / c.results[0]!.medianMs, 9);
    expect(getBackend()).toBe('js');
  });

  it('sgemm workloads state 2*M*N*K flops and write C on the active backend', () => {
    const w = sgemmWorkload({ M: 3, N: 4, K: 5, transA: true });
    expect(w.flops).toBe(120);
    expect(w.name).toBe('sgemm TN 3x4x5');
    expect(() => w.setup()()).not.toThrow();
  });

  it('training shapes have 32-128 rows and 64-2048 columns and cover every transpose', () => {
    const shapes = trainingSgemmShapes();
    const kinds = new Set(shapes.map((s) => `${!!s.transA}${!!s.transB}`));
    expect(kinds.size).toBe(4);
    for (const s of shapes) {
      const dims = [s.M, s.N, s.K].sort((a, b) => a - b);
      expect(dims[0]).toBeGreaterThanOrEqual(32);
      expect(dims[0]).toBeLessThanOrEqual(128);
      expect(dims[2]).toBeLessThanOrEqual(2048);
    }
  });
});
