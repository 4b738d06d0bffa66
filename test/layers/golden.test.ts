// Replays the PyTorch golden fixture (scripts/make-rnn-fixture.py): a PyTorch state dict loads
// into neurite's LSTM and GRU (2 layers, bidirectional) and gives the same outputs, final
// states and gradients of every parameter, input and initial state; padded batches match
// PyTorch's packed sequences. Models round-trip through saveModel/loadModel.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GRU, LSTM, MGU, RNN, Seq2Seq, SequenceClassifier, add, getBackend, loadModel, manualSeed, mul, noGrad, randNormal, saveModel, setBackend, sum,
  type RecurrentBase, type Tensor,
} from '../../src/index';
import { BACKEND_NAMES, expectClose } from '../helpers/backends';
import { loadSafetensors } from '../../src/io/safetensors';

const readSafetensors = (path: string) => loadSafetensors(path).tensors;

const DIR = join(__dirname, '..', 'fixtures', 'rnn');

describe.each(BACKEND_NAMES)('PyTorch golden fixture on %s', (name) => {
  let previous: 'js' | 'native';
  beforeAll(() => { previous = getBackend(); setBackend(name); });
  afterAll(() => setBackend(previous));

  for (const [model, golden] of [['lstm', 'lstm'], ['gru', 'gru'], ['lstm', 'lstm-packed'], ['gru', 'gru-packed']] as const) {
    it(`${golden}: outputs, final states and every gradient match PyTorch`, () => {
      const state = readSafetensors(join(DIR, `${model}.state.safetensors`));
      const g = readSafetensors(join(DIR, `${golden}.golden.safetensors`));
      const get = (k: string) => {
        const t = g.get(k);
        if (!t) throw new Error(`fixture lacks ${k}`);
        return t;
      };
      const layer: RecurrentBase = model === 'lstm'
        ? new LSTM(3, 4, { numLayers: 2, bidirectional: true })
        : new GRU(3, 4, { numLayers: 2, bidirectional: true });
      layer.loadStateDict(state);
      const x = get('x'), h0 = get('h0');
      const c0 = model === 'lstm' ? get('c0') : undefined;
      for (const t of [x, h0, ...(c0 ? [c0] : [])]) t.requiresGrad = true;
      const lengths = g.has('lengths') ? Array.from(get('lengths').data) : undefined;
      const r = layer.run(x, { h: h0, c: c0 }, { lengths });
      expectClose(r.output.data, get('output').data, 1e-4, 1e-5);
      expectClose(r.h.data, get('h_n').data, 1e-4, 1e-5);
      if (c0) expectClose(r.c!.data, get('c_n').data, 1e-4, 1e-5);
      let loss: Tensor = add(sum(mul(r.output, get('w_out'))), sum(mul(r.h, get('w_h'))));
      if (c0) loss = add(loss, sum(mul(r.c!, get('w_c'))));
      expect(loss.item()).toBeCloseTo(get('loss').item(), 3);
      loss.backward();
      expectClose(x.grad!.data, get('grad.x').data, 1e-3, 1e-5);
      expectClose(h0.grad!.data, get('grad.h0').data, 1e-3, 1e-5);
      if (c0) expectClose(c0.grad!.data, get('grad.c0').data, 1e-3, 1e-5);
      const names = layer.namedParameters();
      expect(names.map(([n]) => n).sort()).toEqual([...state.keys()].sort());
      for (const [pname, p] of names) expectClose(p.grad!.data, get(`grad.${pname}`).data, 1e-3, 1e-5);
    });
  }
});

describe('saving and loading recurrent models', () => {
  it('saveModel/loadModel rebuild stacked, bidirectional, peephole and reset-before layers and the heads with the same outputs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'neurite-rnn-'));
    try {
      const models = [
        new LSTM(3, 4, { numLayers: 2, bidirectional: true, peephole: true, forgetGate: false, batchFirst: true }),
        new GRU(3, 4, { resetAfter: false, numLayers: 2 }),
        new SequenceClassifier(new MGU(3, 5, { bidirectional: true }), 4, { pooling: 'mean' }),
        new Seq2Seq(new RNN(3, 4, { nonlinearity: 'relu' }), new RNN(3, 4, { nonlinearity: 'relu' }), 3),
      ];
      models.forEach((m, k) => {
        manualSeed(40 + k);
        const x = randNormal([2, 5, 3]);
        const path = join(dir, `m${k}`);
        saveModel(m, path);
        const copy = loadModel(path);
        expect(copy.className).toBe(m.className);
        expect(copy.getConfig()).toEqual(m.getConfig());
        const out = (mm: typeof m) => noGrad(() => (mm instanceof Seq2Seq ? mm.forward(x, x) : mm.forward(x))).toArray();
        expect(out(copy as typeof m)).toEqual(out(m));
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
