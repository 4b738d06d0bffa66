// Parity for the gru cell kernels: forward vs the float64 oracle, backward vs its finite
// differences, native vs js (cases in test/helpers/cell-parity.ts). The sequence kernels: the
// same bits as the step kernels called T times, on each backend and at any thread count.
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend/backend';
import { describeCellParity } from '../helpers/cell-parity';
import { BACKEND_NAMES, expectClose, kernels, pattern, sameBits, withThreads } from '../helpers/backends';

describeCellParity(['gruAfter', 'gruBefore']);

interface SeqCase { T: number; B: number; H: number; resetAfter: boolean; reverse: boolean; masked: boolean }

interface SeqResult { gates: Float32Array; h: Float32Array; aux: Float32Array; dgates: Float32Array; dh: Float32Array; daux: Float32Array }

/** Forward then backward of the sequence, through the sequence kernels or T step calls. */
function runSeq(K: Backend, p: SeqCase, bySteps: boolean): SeqResult {
  const { T, B, H } = p;
  const GH = 3 * H, BH = B * H;
  const seed = T * 7 + B * 3 + H;
  const h = new Float32Array((T + 1) * BH);
  h.set(pattern(BH, seed + 1), (p.reverse ? T : 0) * BH);
  const mask = new Float32Array(p.masked ? T * B : 0);
  // Rows end at different steps (lengths T, T-1, ...), as padded batches do.
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) if (p.masked) mask[t * B + b] = t < T - (b % 3) ? 1 : 0;
  const gates = pattern(T * B * GH, seed + 2), whh = pattern(3 * H * H, seed + 3).map((v) => v * 0.3);
  const bhh = pattern(3 * H, seed + 4), dh = pattern((T + 1) * BH, seed + 5);
  const aux = new Float32Array(T * BH).fill(NaN), dgates = new Float32Array(T * B * GH).fill(NaN);
  const daux = new Float32Array(T * BH).fill(NaN);
  const slot = (a: Float32Array, s: number) => a.subarray(s * BH, (s + 1) * BH);
  const gt = (a: Float32Array, t: number) => a.subarray(t * B * GH, (t + 1) * B * GH);
  const mt = (t: number) => (p.masked ? mask.subarray(t * B, (t + 1) * B) : mask);
  const step = (k: number) => {
    const t = p.reverse ? T - 1 - k : k;
    return { t, prev: p.reverse ? t + 1 : t, cur: p.reverse ? t : t + 1 };
  };
  if (bySteps) {
    for (let k = 0; k < T; k++) {
      const { t, prev, cur } = step(k);
      K.gruCellForward(B, H, p.resetAfter, gt(gates, t), slot(h, prev), whh, bhh, mt(t), slot(h, cur), slot(aux, t));
    }
    for (let k = T - 1; k >= 0; k--) {
      const { t, prev, cur } = step(k);
      K.gruCellBackward(B, H, p.resetAfter, gt(gates, t), slot(aux, t), slot(h, prev), whh, mt(t), slot(dh, cur), gt(dgates, t),
        slot(daux, t), slot(dh, prev));
    }
  } else {
    K.gruSequenceForward(T, B, H, p.resetAfter, p.reverse, gates, whh, bhh, mask, h, aux);
    K.gruSequenceBackward(T, B, H, p.resetAfter, p.reverse, gates, aux, h, whh, mask, dh, dgates, daux);
  }
  return { gates, h, aux, dgates, dh, daux };
}

const FIELDS = ['gates', 'h', 'aux', 'dgates', 'dh', 'daux'] as const;

function expectSameResult(a: SeqResult, b: SeqResult): void {
  for (const f of FIELDS) expect(sameBits(a[f], b[f]), f).toBe(true);
}

// Small shapes take sgemm's direct path (no packing); the others pack W_hh.
const SHAPES: [number, number, number][] = [[3, 2, 3], [5, 1, 6], [4, 5, 16], [6, 17, 40], [3, 33, 70]];
const CASES: SeqCase[] = SHAPES.flatMap(([T, B, H], i) => [
  { T, B, H, resetAfter: true, reverse: i % 2 === 1, masked: i % 2 === 0 },
  { T, B, H, resetAfter: false, reverse: i % 2 === 0, masked: i % 2 === 1 },
]);
const name = (p: SeqCase) =>
  `T=${p.T} B=${p.B} H=${p.H}${p.resetAfter ? ' reset after' : ' reset before'}${p.reverse ? ' reverse' : ''}${p.masked ? ' masked' : ''}`;

describe.each(BACKEND_NAMES)('gru sequence kernels (%s)', (backendName) => {
  it.each(CASES.map((p) => [name(p), p] as const))('%s: the same bits as T step calls', (_, p) => {
    const K = kernels(backendName);
    expectSameResult(runSeq(K, p, false), runSeq(K, p, true));
  });
});

describe('gru sequence kernels, native vs js', () => {
  it.each(CASES.map((p) => [name(p), p] as const))('%s: close to js, and the same bits at 1 and 3 threads', (_, p) => {
    const nat = withThreads(3, () => runSeq(kernels('native'), p, false));
    const js = runSeq(kernels('js'), p, false);
    for (const f of FIELDS) expectClose(nat[f], js[f], 1e-4, 1e-5);
    expectSameResult(withThreads(1, () => runSeq(kernels('native'), p, false)), nat);
  });
});
