/**
 * The sequence kernels of the rnn and mgu cells (rnnSequence*, mguSequence*): the same bits as
 * the step kernels called T times, on each backend; native close to js and the same bits at 1
 * and 3 threads. Shapes on both sides of sgemm's small-product path (the packed path needs
 * B * H * H > 4096), with reverse walks and masked (padded) rows.
 */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend/backend';
import { RnnActivation } from '../../src/backend/interface/rnn';
import { BACKEND_NAMES, expectClose, kernels, pattern, sameBits, withThreads } from './backends';

export type SequenceKind = 'rnnTanh' | 'rnnRelu' | 'mgu';

interface SeqCase { kind: SequenceKind; T: number; B: number; H: number; reverse: boolean; masked: boolean }

type SeqResult = Record<'gates' | 'h' | 'aux' | 'dgates' | 'dh' | 'daux', Float32Array>;

function runSeq(K: Backend, p: SeqCase, bySteps: boolean): SeqResult {
  const { T, B, H } = p;
  const G = p.kind === 'mgu' ? 2 : 1;
  const GH = G * H, BH = B * H;
  const seed = T * 7 + B * 3 + H;
  const h = new Float32Array((T + 1) * BH);
  h.set(pattern(BH, seed + 1), (p.reverse ? T : 0) * BH);
  const mask = new Float32Array(p.masked ? T * B : 0);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) if (p.masked) mask[t * B + b] = t < T - (b % 3) ? 1 : 0;
  const gates = pattern(T * B * GH, seed + 2), whh = pattern(G * H * H, seed + 3).map((v) => v * 0.3);
  const bhh = pattern(G * H, seed + 4), dh = pattern((T + 1) * BH, seed + 5);
  const aux = new Float32Array(p.kind === 'mgu' ? T * BH : 0), daux = new Float32Array(aux.length);
  const dgates = new Float32Array(T * B * GH).fill(NaN);
  const act = p.kind === 'rnnRelu' ? RnnActivation.relu : RnnActivation.tanh;
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
      if (p.kind === 'mgu') K.mguCellForward(B, H, gt(gates, t), slot(h, prev), whh, bhh, mt(t), slot(h, cur), slot(aux, t));
      else K.rnnCellForward(B, H, act, gt(gates, t), slot(h, prev), whh, mt(t), slot(h, cur));
    }
    for (let k = T - 1; k >= 0; k--) {
      const { t, prev, cur } = step(k);
      if (p.kind === 'mgu') K.mguCellBackward(B, H, gt(gates, t), slot(h, prev), whh, mt(t), slot(dh, cur), gt(dgates, t), slot(daux, t), slot(dh, prev));
      else K.rnnCellBackward(B, H, act, gt(gates, t), whh, mt(t), slot(dh, cur), gt(dgates, t), slot(dh, prev));
    }
  } else if (p.kind === 'mgu') {
    K.mguSequenceForward(T, B, H, p.reverse, gates, whh, bhh, mask, h, aux);
    K.mguSequenceBackward(T, B, H, p.reverse, gates, h, whh, mask, dh, dgates, daux);
  } else {
    K.rnnSequenceForward(T, B, H, act, p.reverse, gates, whh, mask, h);
    K.rnnSequenceBackward(T, B, H, act, p.reverse, gates, whh, mask, dh, dgates);
  }
  return { gates, h, aux, dgates, dh, daux };
}

const FIELDS = ['gates', 'h', 'aux', 'dgates', 'dh', 'daux'] as const;

function expectSameResult(a: SeqResult, b: SeqResult): void {
  for (const f of FIELDS) expect(sameBits(a[f], b[f]), f).toBe(true);
}

const SHAPES: [number, number, number][] = [[3, 2, 3], [5, 1, 6], [4, 5, 30], [6, 17, 40], [3, 33, 70]];

export function describeSequenceParity(kinds: SequenceKind[]): void {
  const cases: SeqCase[] = kinds.flatMap((kind) => SHAPES.flatMap(([T, B, H], i) => [
    { kind, T, B, H, reverse: false, masked: i % 2 === 1 },
    { kind, T, B, H, reverse: true, masked: i % 2 === 0 },
  ]));
  const named = cases.map((p) => [`${p.kind} T=${p.T} B=${p.B} H=${p.H}${p.reverse ? ' reverse' : ''}${p.masked ? ' masked' : ''}`, p] as const);

  describe.each(BACKEND_NAMES)('sequence kernels (%s)', (backendName) => {
    it.each(named)('%s: the same bits as T step calls', (_, p) => {
      const K = kernels(backendName);
      expectSameResult(runSeq(K, p, false), runSeq(K, p, true));
    });
  });

  describe('sequence kernels, native vs js', () => {
    it.each(named)('%s: close to js, and the same bits at 1 and 3 threads', (_, p) => {
      const nat = withThreads(3, () => runSeq(kernels('native'), p, false));
      const js = runSeq(kernels('js'), p, false);
      for (const f of FIELDS) expectClose(nat[f], js[f], 1e-4, 1e-5);
      expectSameResult(withThreads(1, () => runSeq(kernels('native'), p, false)), nat);
    });
  });
}
