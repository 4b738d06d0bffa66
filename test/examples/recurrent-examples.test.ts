// The recurrent examples run end to end at toy sizes (a few steps each: CI checks that they
// work, not that they learn; the README gives the full runs' figures).
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/random';
import { addingBatch, runAdding } from '../../src/examples/adding';
import { CharVocab, runCharLm, sampleText } from '../../src/examples/charlm';

describe('adding problem', () => {
  it('batches hold one marker in each half and the target is the sum of the marked values', () => {
    const [B, T] = [20, 30];
    const { x, y } = addingBatch(B, T, new Random(3));
    expect(x.shape).toEqual([T, B, 2]);
    for (let b = 0; b < B; b++) {
      const marked: number[] = [];
      for (let t = 0; t < T; t++) {
        const v = x.data[(t * B + b) * 2]!, m = x.data[(t * B + b) * 2 + 1]!;
        expect(v >= 0 && v < 1).toBe(true);
        if (m === 1) marked.push(t);
        else expect(m).toBe(0);
      }
      expect(marked.length).toBe(2);
      expect(marked[0]!).toBeLessThan(T / 2);
      expect(marked[1]!).toBeGreaterThanOrEqual(T / 2);
      expect(y.data[b]).toBeCloseTo(x.data[(marked[0]! * B + b) * 2]! + x.data[(marked[1]! * B + b) * 2]!, 6);
    }
  });

  it('runs a few training steps for every cell and reports MSE against the chance level', () => {
    for (const cell of ['lstm', 'gru', 'mgu', 'rnn'] as const) {
      const r = runAdding({ cell, seqLen: 12, hidden: 8, batch: 8, steps: 3, evalSize: 200, evalEvery: 3 });
      expect(r.history.length).toBe(1);
      expect(Number.isFinite(r.mse)).toBe(true);
      expect(Math.abs(r.baseline - 1 / 6)).toBeLessThan(0.05);
    }
  });
});

describe('character-level language model', () => {
  it('encodes and decodes text through its vocabulary', () => {
    const v = new CharVocab('hello world');
    expect(v.size).toBe(8);
    expect(v.decode(v.encode('low role'))).toBe('low role');
    expect(() => v.encode('z')).toThrow(/not in the vocabulary/);
  });

  it('trains a few truncated-BPTT steps on the shipped corpus and samples with a temperature', () => {
    const r = runCharLm({ hidden: 16, batch: 4, seqLen: 16, steps: 3, sampleLength: 30, temperatures: [0.5, 2], prime: 'In the' });
    expect(r.vocabSize).toBeGreaterThan(40);
    expect(Number.isFinite(r.validBits)).toBe(true);
    expect(r.unigramBits).toBeLessThan(r.uniformBits);
    for (const s of r.samples) {
      expect(s.text.startsWith('In the')).toBe(true);
      expect(s.text.length).toBe('In the'.length + 30);
      expect(() => r.model.vocab.encode(s.text)).not.toThrow();
    }
    // Near-zero temperature is greedy: the random draws no longer matter.
    const a = sampleText(r.model, 'And', 20, 1e-4, new Random(1));
    const b = sampleText(r.model, 'And', 20, 1e-4, new Random(2));
    expect(a).toBe(b);
    expect(() => sampleText(r.model, 'And', 5, 0, new Random(1))).toThrow(/temperature must be > 0/);
  });
});
