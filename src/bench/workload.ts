/**
 * A small benchmark harness shared by `npm run bench` and the `neurite bench` command.
 *
 * A workload allocates its inputs once in setup() (outside timing) and returns the function to
 * time; that function runs on the backend that was active when setup() was called. measure()
 * times it: samples of calibrated length, reported as median and best per call, plus GFLOP/s
 * and GB/s when the workload states its flops and bytes. compareBackends() measures one
 * workload on several backends with their samples interleaved, so that the noise of a shared
 * machine hits every backend alike and the ratio stays meaningful.
 *
 * It does not validate results: a workload whose output matters is checked by the parity tests.
 */
import type { BackendName } from '../backend/backend';
import { getBackend, setBackend } from '../backend/registry';
import { memoryStats } from '../memory';

/** Deterministic benchmark inputs in [-1, 1): an LCG, so every run times the same data. */
export function filled(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = (seed * 2654435761 + 1) >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s >>> 8) / 8388608 - 1;
  }
  return out;
}

export interface Workload {
  /** Short, unique, with the shape in it: 'sgemm 256x256x256'. */
  name: string;
  /** Floating-point operations per call (2*M*N*K for a GEMM); enables GFLOP/s. */
  flops?: number;
  /** Bytes read plus written per call; enables GB/s. */
  bytes?: number;
  /** Allocates inputs on the active backend and returns the function to time. */
  setup(): () => void;
}

export interface MeasureOptions {
  /** Samples taken; the median and best are reported (default 7). */
  repeat?: number;
  /** Minimum duration of one sample: fast calls are repeated inside it (default 50 ms). */
  minTimeMs?: number;
  /** Untimed calls before the first sample (default 1). */
  warmup?: number;
  /**
   * 'wall' (default): elapsed time. 'cpu': CPU time of this process (user + system), which
   * leaves out time the process spent preempted; on a shared machine it is the fairer clock,
   * but it only measures speed when the work runs on one thread (setNumThreads(1)).
   */
  clock?: 'wall' | 'cpu';
}

export interface Measurement {
  name: string;
  backend: BackendName;
  /** Median time per call over the samples. */
  medianMs: number;
  /** Fastest sample's time per call. */
  bestMs: number;
  /** Time per call of every sample, in order. */
  samplesMs: number[];
  /** Calls per sample. */
  callsPerSample: number;
  /** GFLOP/s at the median time, when the workload gives flops. */
  gflops?: number;
  /** GFLOP/s at the best time. */
  bestGflops?: number;
  /** GB/s at the median time, when the workload gives bytes. */
  gbps?: number;
  /**
   * Bytes of fresh tensor buffers (pool misses, memoryStats().allocatedBytes) per call during
   * the timed samples, after warm-up: 0 when a steady-state call reuses all its buffers.
   */
  allocatedBytesPerCall: number;
}

function wallMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function resolved(options: MeasureOptions): Required<MeasureOptions> {
  const clock = options.clock ?? 'wall';
  if (clock !== 'wall' && clock !== 'cpu') throw new RangeError(`measure: clock must be 'wall' or 'cpu', got ${String(clock)}`);
  const repeat = options.repeat ?? 7;
  const minTimeMs = options.minTimeMs ?? 50;
  const warmup = options.warmup ?? 1;
  if (!Number.isInteger(repeat) || repeat < 1) throw new RangeError(`measure: repeat must be an integer >= 1, got ${repeat}`);
  if (!(minTimeMs >= 0)) throw new RangeError(`measure: minTimeMs must be >= 0, got ${minTimeMs}`);
  if (!Number.isInteger(warmup) || warmup < 0) throw new RangeError(`measure: warmup must be an integer >= 0, got ${warmup}`);
  return { repeat, minTimeMs, warmup, clock };
}

/** A timed function, how many calls make one sample, and the clock. */
interface Timer {
  fn: () => void;
  calls: number;
  now: () => number;
}

function calibrate(fn: () => void, minTimeMs: number, warmup: number, clock: 'wall' | 'cpu'): Timer {
  const now = clock === 'cpu' ? cpuMs : wallMs;
  for (let i = 0; i < warmup; i++) fn();
  let calls = 1;
  for (;;) {
    const t = sampleMs({ fn, calls, now });
    if (t * calls >= minTimeMs || calls >= 1 << 20) return { fn, calls, now };
    // Aim 20% past the target so the next try usually suffices.
    const scale = t > 0 ? Math.ceil((minTimeMs * 1.2) / (t * calls)) : 10;
    calls = Math.min(1 << 20, calls * Math.max(2, scale));
  }
}

/** Time per call (ms) of one sample; adds the sample's pool allocations to `allocated`. */
function sampleMs(timer: Timer, allocated?: { bytes: number }): number {
  const a0 = memoryStats().allocatedBytes;
  const t0 = timer.now();
  for (let i = 0; i < timer.calls; i++) timer.fn();
  const t = (timer.now() - t0) / timer.calls;
  if (allocated) allocated.bytes += memoryStats().allocatedBytes - a0;
  return t;
}

function summarize(workload: Workload, backend: BackendName, samples: number[], calls: number, allocatedBytes: number): Measurement {
  const medianMs = median(samples);
  const bestMs = Math.min(...samples);
  const allocatedBytesPerCall = allocatedBytes / (samples.length * calls);
  const m: Measurement = { name: workload.name, backend, medianMs, bestMs, samplesMs: samples, callsPerSample: calls, allocatedBytesPerCall };
  if (workload.flops !== undefined) {
    m.gflops = workload.flops / (medianMs * 1e6);
    m.bestGflops = workload.flops / (bestMs * 1e6);
  }
  if (workload.bytes !== undefined) m.gbps = workload.bytes / (medianMs * 1e6);
  return m;
}

/** Times `workload` on the active backend. */
export function measure(workload: Workload, options: MeasureOptions = {}): Measurement {
  const { repeat, minTimeMs, warmup, clock } = resolved(options);
  const timer = calibrate(workload.setup(), minTimeMs, warmup, clock);
  const samples: number[] = [];
  const allocated = { bytes: 0 };
  for (let r = 0; r < repeat; r++) samples.push(sampleMs(timer, allocated));
  return summarize(workload, getBackend(), samples, timer.calls, allocated.bytes);
}

export interface Comparison {
  name: string;
  /** One measurement per backend, in the order asked for. */
  results: Measurement[];
  /** Median time of the last backend over the first (e.g. js over native: native's speed-up). */
  ratio: number;
}

export interface CompareOptions extends MeasureOptions {
  /** Backends to run, in order (default ['native', 'js']). */
  backends?: BackendName[];
}

/**
 * Measures one workload on several backends with their samples interleaved (sample r of every
 * backend before sample r+1 of any). Restores the active backend afterwards.
 */
export function compareBackends(workload: Workload, options: CompareOptions = {}): Comparison {
  const { repeat, minTimeMs, warmup, clock } = resolved(options);
  const names = options.backends ?? ['native', 'js'];
  if (names.length === 0) throw new RangeError('compareBackends: backends must not be empty');
  const before = getBackend();
  try {
    const timers = names.map((name) => {
      setBackend(name);
      return calibrate(workload.setup(), minTimeMs, warmup, clock);
    });
    const samples: number[][] = names.map(() => []);
    const allocated = names.map(() => ({ bytes: 0 }));
    for (let r = 0; r < repeat; r++) {
      names.forEach((_, i) => samples[i]!.push(sampleMs(timers[i]!, allocated[i])));
    }
    const results = names.map((name, i) => summarize(workload, name, samples[i]!, timers[i]!.calls, allocated[i]!.bytes));
    return { name: workload.name, results, ratio: results[results.length - 1]!.medianMs / results[0]!.medianMs };
  } finally {
    setBackend(before);
  }
}

/** Formats a measurement as one line: name, backend, median ms, GFLOP/s or GB/s. */
export function formatMeasurement(m: Measurement): string {
  const rate = m.gflops !== undefined ? `${m.gflops.toFixed(1)} GFLOP/s` : m.gbps !== undefined ? `${m.gbps.toFixed(2)} GB/s` : '';
  return `${m.name.padEnd(32)} ${m.backend.padEnd(7)} ${m.medianMs.toFixed(3).padStart(10)} ms  ${rate}`;
}
