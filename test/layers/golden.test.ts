// Replays the PyTorch golden fixture (scripts/make-rnn-fixture.py): a PyTorch state dict loads
// into neurite's LSTM and GRU (2 layers, bidirectional) and gives the same outputs, final
// states and gradients of every parameter, input and initial state; padded batches match
// PyTorch's packed sequences.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRU, LSTM, add, getBackend, mul, setBackend, sum, type RecurrentBase, type Tensor } from '../../src/index';
import { BACKEND_NAMES, expectClose } from '../helpers/backends';
import { readSafetensors } from '../helpers/safetensors';

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
