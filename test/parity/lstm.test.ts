// Parity for the lstm cell kernels: forward vs the float64 oracle, backward vs its finite
// differences, native vs js (cases in test/helpers/cell-parity.ts). The sequence kernels: the
// same bits as the step kernels called T times, on each backend and at any thread count.
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend/backend';
import { describeCellParity } from '../helpers/cell-parity';
import { BACKEND_NAMES, expectClose, kernels, pattern, sameBits, withThreads } from '../helpers/backends';

describeCellParity(['lstm', 'lstmNoForget', 'lstmPeephole']);

interface SeqCase { T: number; B: number; H: number; forget: boolean; peephole: boolean; reverse: boolean; masked: boolean }

interface SeqResult { gates: Float32Array; h: Float32Array; c: Float32Array; dgates: Float32Array; dh: Float32Array; dc: Float32Array; dpeep: Float32Array }

function seqInputs(p: SeqCase, seed: number) {
  const G = p.forget ? 4 : 3;
  const { T, B, H } = p;
  const slots = (T + 1) * B * H;
  const h = new Float32Array(slots), c = new Float32Array(slots);
  const first = p.reverse ? T : 0; // the h0 / c0 slot
  h.set(pattern(B * H, seed + 1), first * B * H);
  c.set(pattern(B * H, seed + 2), first * B * H);
  const mask = new Float32Array(p.masked ? T * B : 0);
  // Rows end at different steps (lengths T, T-1, ...), as padded batches do.
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) if (p.masked) mask[t * B + b] = t < T - (b % 3) ? 1 : 0;
  return {
    G, gates: pattern(T * B * G * H, seed + 3), whh: pattern(G * H * H, seed + 4).map((v) => v * 0.3),
    peep: pattern((G - 1) * H, seed + 5), mask, h, c,
    dh: pattern(slots, seed + 6), dc: pattern(slots, seed + 7), dpeep: pattern((G - 1) * H, seed + 8),
  };
}

/** Forward then backward of the sequence, through the sequence kernels or T step calls. */
function runSeq(K: Backend, p: SeqCase, bySteps: boolean): SeqResult {
  const x = seqInputs(p, p.T * 7 + p.B * 3 + p.H);
  const { T, B, H } = p;
  const GH = x.G * H, BH = B * H;
  const dgates = new Float32Array(T * B * GH).fill(NaN);
  const step = (k: number) => {
    const t = p.reverse ? T - 1 - k : k;
    return { t, prev: p.reverse ? t + 1 : t, cur: p.reverse ? t : t + 1 };
  };
  const slot = (a: Float32Array, s: number) => a.subarray(s * BH, (s + 1) * BH);
  const gt = (a: Float32Array, t: number) => a.subarray(t * B * GH, (t + 1) * B * GH);
  const mt = (t: number) => (p.masked ? x.mask.subarray(t * B, (t + 1) * B) : x.mask);
  if (bySteps) {
    for (let k = 0; k < T; k++) {
      const { t, prev, cur } = step(k);
      K.lstmCellForward(B, H, p.forget, p.peephole, gt(x.gates, t), slot(x.h, prev), slot(x.c, prev), x.whh, x.peep, mt(t), slot(x.h, cur), slot(x.c, cur));
    }
    for (let k = T - 1; k >= 0; k--) {
      const { t, prev, cur } = step(k);
      K.lstmCellBackward(B, H, p.forget, p.peephole, gt(x.gates, t), slot(x.c, prev), slot(x.c, cur), x.whh, x.peep, mt(t),
        slot(x.dh, cur), slot(x.dc, cur), gt(dgates, t), slot(x.dh, prev), slot(x.dc, prev), x.dpeep);
    }
  } else {
    K.lstmSequenceForward(T, B, H, p.forget, p.peephole, p.reverse, x.gates, x.whh, x.peep, x.mask, x.h, x.c);
    K.lstmSequenceBackward(T, B, H, p.forget, p.peephole, p.reverse, x.gates, x.c, x.whh, x.peep, x.mask, x.dh, x.dc, dgates, x.dpeep);
  }
  return { gates: x.gates, h: x.h, c: x.c, dgates, dh: x.dh, dc: x.dc, dpeep: x.dpeep };
}

const FIELDS = ['gates', 'h', 'c', 'dgates', 'dh', 'dc', 'dpeep'] as const;

function expectSameResult(a: SeqResult, b: SeqResult): void {
  for (const f of FIELDS) expect(sameBits(a[f], b[f]), f).toBe(true);
}

// Small shapes take sgemm's direct path (no packing); the others pack W_hh, with row counts on
// both sides of the micro-kernel's 14 rows and hidden sizes off its 32 columns.
const SHAPES: [number, number, number][] = [[3, 2, 3], [5, 1, 6], [4, 5, 16], [6, 17, 40], [3, 33, 70]];
const CASES: SeqCase[] = SHAPES.flatMap(([T, B, H], i) => [
  { T, B, H, forget: true, peephole: false, reverse: false, masked: false },
  { T, B, H, forget: true, peephole: true, reverse: true, masked: true },
  { T, B, H, forget: false, peephole: i % 2 === 0, reverse: i % 2 === 1, masked: i % 2 === 0 },
]);
const name = (p: SeqCase) =>
  `T=${p.T} B=${p.B} H=${p.H}${p.forget ? '' : ' no-forget'}${p.peephole ? ' peephole' : ''}${p.reverse ? ' reverse' : ''}${p.masked ? ' masked' : ''}`;

describe.each(BACKEND_NAMES)('lstm sequence kernels (%s)', (backendName) => {
  it.each(CASES.map((p) => [name(p), p] as const))('%s: the same bits as T step calls', (_, p) => {
    const K = kernels(backendName);
    expectSameResult(runSeq(K, p, false), runSeq(K, p, true));
  });
});

describe('lstm sequence kernels, native vs js', () => {
  it.each(CASES.map((p) => [name(p), p] as const))('%s: close to js, and the same bits at 1 and 3 threads', (_, p) => {
    const nat = withThreads(3, () => runSeq(kernels('native'), p, false));
    const js = runSeq(kernels('js'), p, false);
    for (const f of FIELDS) expectClose(nat[f], js[f], 1e-4, 1e-5);
    expectSameResult(withThreads(1, () => runSeq(kernels('native'), p, false)), nat);
  });

  it('T = 0 leaves every buffer as it was', () => {
    for (const backendName of BACKEND_NAMES) {
      const K = kernels(backendName);
      const h = pattern(6, 1), c = pattern(6, 2), dh = pattern(6, 3), dc = pattern(6, 4), dpeep = pattern(9, 5);
      const copies = [h, c, dh, dc, dpeep].map((a) => a.slice());
      const E = new Float32Array(0);
      K.lstmSequenceForward(0, 2, 3, true, true, false, E, pattern(36, 6), pattern(9, 7), E, h, c);
      K.lstmSequenceBackward(0, 2, 3, true, true, false, E, c, pattern(36, 6), pattern(9, 7), E, dh, dc, E, dpeep);
      [h, c, dh, dc, dpeep].forEach((a, i) => expect(sameBits(a, copies[i]!)).toBe(true));
    }
  });
});
