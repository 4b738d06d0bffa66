// Sequence heads and tasks: per-step softmax outputs, sequence classification from the last or
// mean-pooled state, and a seq2seq encoder-decoder (gradients, a few training steps, decoding).
import { describe, expect, it } from 'vitest';
import {
  GRU, LSTM, Seq2Seq, SequenceClassifier, StepOutput, manualSeed, noGrad, oneHotStep, randNormal, sequenceCrossEntropy, tensor, tidy,
} from '../../src/index';
import { expectClose } from '../helpers/backends';
import { gradCheck } from '../helpers/gradcheck';

describe('sequence heads', () => {
  it('StepOutput gives y_t = softmax(W h_t + b) at every step', () => {
    manualSeed(31);
    const head = new StepOutput(4, 5);
    const h = randNormal([3, 2, 4]);
    const p = noGrad(() => head.probabilities(h));
    expect(p.shape).toEqual([3, 2, 5]);
    for (let r = 0; r < 6; r++) {
      const z = Array.from({ length: 5 }, (_, o) => head.bias.data[o]! + [0, 1, 2, 3].reduce((s, i) => s + head.weight.data[o * 4 + i]! * h.data[r * 4 + i]!, 0));
      const m = Math.max(...z);
      const e = z.map((v) => Math.exp(v - m));
      const tot = e.reduce((a, b) => a + b, 0);
      expectClose(p.data.subarray(r * 5, r * 5 + 5), e.map((v) => v / tot), 1e-5, 1e-6);
    }
  });

  it('sequenceCrossEntropy is the mean negative log-probability of the targets, with gradients', () => {
    manualSeed(32);
    const logits = randNormal([4, 3]);
    const targets = [0, 2, 1, 2];
    const loss = sequenceCrossEntropy(logits, targets).item();
    let want = 0;
    for (let n = 0; n < 4; n++) {
      const row = Array.from(logits.data.subarray(n * 3, n * 3 + 3));
      const lse = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
      want += (lse - row[targets[n]!]!) / 4;
    }
    expect(loss).toBeCloseTo(want, 5);
    gradCheck((z) => sequenceCrossEntropy(z!, targets), [logits]);
  });

  it('SequenceClassifier with last pooling classifies from the top layer final states of both directions', () => {
    manualSeed(33);
    const rnn = new GRU(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true });
    const clf = new SequenceClassifier(rnn, 3);
    const x = randNormal([2, 5, 3]);
    const logits = noGrad(() => clf.classify(x, { lengths: [5, 3] }));
    const r = noGrad(() => rnn.run(x, {}, { lengths: [5, 3] }));
    const feats: number[] = [];
    for (let b = 0; b < 2; b++) for (const row of [2, 3]) feats.push(...r.h.data.subarray((row * 2 + b) * 4, (row * 2 + b + 1) * 4));
    const want = noGrad(() => clf.head.forward(tensor(feats, [2, 8])));
    expectClose(logits.data, want.data, 1e-6, 1e-7);
  });

  it('SequenceClassifier with mean pooling averages the outputs over real steps only', () => {
    manualSeed(34);
    const rnn = new LSTM(2, 3);
    const clf = new SequenceClassifier(rnn, 2, { pooling: 'mean' });
    const x = randNormal([4, 2, 2]);
    const logits = noGrad(() => clf.classify(x, { lengths: [4, 2] }));
    const out = noGrad(() => rnn.run(x, {}, { lengths: [4, 2] })).output;
    const feats = [0, 1].flatMap((b) => [0, 1, 2].map((j) => {
      const n = b === 0 ? 4 : 2;
      let s = 0;
      for (let t = 0; t < n; t++) s += out.data[(t * 2 + b) * 3 + j]!;
      return s / n;
    }));
    expectClose(logits.data, noGrad(() => clf.head.forward(tensor(feats, [2, 3]))).data, 1e-5, 1e-6);
    gradCheck((xi) => sequenceCrossEntropy(clf.classify(xi!, { lengths: [4, 2] }), [1, 0]), [x]);
  });

  it('Seq2Seq: gradients check, a few SGD steps cut the loss, and greedy decoding runs', () => {
    manualSeed(35);
    const V = 4, B = 6, T = 3;
    const model = new Seq2Seq(new GRU(V, 16), new GRU(V, 16), V);
    // Task: output the source sequence reversed. Decoder input: start symbol 0, then the targets shifted.
    const seqs = Array.from({ length: B }, (_, b) => [1 + (b % 3), 1 + ((b + 1) % 3), 1 + ((b * 2) % 3)]);
    const oneHot = (rows: number[][], steps: number) => {
      const d = new Float32Array(steps * B * V);
      for (let t = 0; t < steps; t++) for (let b = 0; b < B; b++) d[(t * B + b) * V + rows[b]![t]!] = 1;
      return tensor(d, [steps, B, V]);
    };
    const targets = seqs.map((s) => [...s].reverse());
    const src = oneHot(seqs, T);
    const decIn = oneHot(targets.map((s) => [0, ...s.slice(0, -1)]), T);
    const flatTargets: number[] = [];
    for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) flatTargets.push(targets[b]![t]!);
    const loss = () => sequenceCrossEntropy(model.forward(src, decIn), flatTargets);
    for (const p of [model.encoder.getParameter('weight_hh_l0')!, model.head.weight]) gradCheck(() => loss(), [p], { maxElements: 10 });
    const first = tidy(() => loss().item());
    for (let step = 0; step < 60; step++) {
      tidy(() => {
        model.zeroGrad();
        loss().backward();
        for (const p of model.parameters()) for (let i = 0; i < p.size; i++) p.data[i] -= 1.0 * p.grad!.data[i]!;
      });
    }
    const last = tidy(() => loss().item());
    expect(last).toBeLessThan(0.5 * first);
    const ids = model.greedyDecode(src, oneHotStep(new Array(B).fill(0), V), T, (next) => oneHotStep(next, V));
    expect(ids.length).toBe(T);
    expect(ids.every((row) => row.length === B && row.every((v) => v >= 0 && v < V))).toBe(true);
  });

  it('Seq2Seq rejects mismatched encoder and decoder', () => {
    expect(() => new Seq2Seq(new GRU(2, 4), new GRU(2, 5), 3)).toThrow(/must match/);
    expect(() => new Seq2Seq(new GRU(2, 4, { bidirectional: true }), new GRU(2, 4), 3)).toThrow(/unidirectional/);
    expect(() => new Seq2Seq(new LSTM(2, 4), new GRU(2, 4), 3)).toThrow(/must match/);
  });
});

