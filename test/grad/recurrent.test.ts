// Finite-difference gradient checks through multi-step BPTT for every recurrent cell (both GRU
// conventions, all LSTM variants), on both backends: every parameter, the input and the
// initial states, with masks, stacking and both directions.
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  GRU, LSTM, MGU, RNN, add, getBackend, manualSeed, mul, randNormal, randUniform, setBackend, sum, type RecurrentBase, type Tensor,
} from '../../src/index';
import { BACKEND_NAMES } from '../helpers/backends';
import { gradCheck } from '../helpers/gradcheck';

function weightedSum(y: Tensor, seed: number): Tensor {
  manualSeed(seed);
  return sum(mul(y, randUniform(y.shape, 0.5, 1.5)));
}

const LAYERS: [string, () => RecurrentBase][] = [
  ['RNN tanh', () => new RNN(3, 4)],
  ['RNN relu', () => new RNN(3, 4, { nonlinearity: 'relu' })],
  ['LSTM', () => new LSTM(3, 4)],
  ['LSTM without forget gate', () => new LSTM(3, 4, { forgetGate: false })],
  ['LSTM with peepholes', () => new LSTM(3, 4, { peephole: true })],
  ['LSTM without forget gate, with peepholes', () => new LSTM(3, 4, { forgetGate: false, peephole: true })],
  ['GRU reset after', () => new GRU(3, 4)],
  ['GRU reset before', () => new GRU(3, 4, { resetAfter: false })],
  ['MGU', () => new MGU(3, 4)],
];

describe.each(BACKEND_NAMES)('recurrent gradients on %s', (name) => {
  let previous: 'js' | 'native';
  beforeAll(() => { previous = getBackend(); setBackend(name); });
  afterAll(() => setBackend(previous));

  for (const [label, make] of LAYERS) {
    it(`${label}: T=5 BPTT, every parameter, input and initial state`, () => {
      manualSeed(11);
      const layer = make();
      const lstm = label.startsWith('LSTM');
      const x = randNormal([5, 2, 3]);
      const h0 = randNormal([1, 2, 4], 0, 0.5);
      const c0 = randNormal([1, 2, 4], 0, 0.5);
      const params = layer.parameters();
      // Relu cells have kinks at 0: a smaller step keeps the differences from straddling one.
      const opts = label === 'RNN relu' ? { eps: 1e-3, rtol: 3e-2, atol: 5e-3 } : {};
      const loss = (xi: Tensor, hi: Tensor, ci: Tensor) => {
        const r = layer.run(xi, { h: hi, c: lstm ? ci : undefined });
        let l = add(weightedSum(r.output, 1), weightedSum(r.h, 2));
        if (r.c) l = add(l, weightedSum(r.c, 3));
        return l;
      };
      gradCheck((xi, hi, ci) => loss(xi!, hi!, ci!), [x, h0, c0], opts);
      for (const p of params) {
        gradCheck((pi) => { void pi; return loss(x, h0, c0); }, [p], { maxElements: 24, ...opts });
      }
    });
  }

  it('stacked bidirectional GRU and LSTM with masks (lengths), batchFirst', () => {
    manualSeed(12);
    for (const layer of [new GRU(3, 3, { numLayers: 2, bidirectional: true, batchFirst: true }),
      new LSTM(3, 3, { numLayers: 2, bidirectional: true, batchFirst: true, peephole: true })]) {
      const x = randNormal([3, 4, 3]);
      const loss = (xi: Tensor) => {
        const r = layer.run(xi, {}, { lengths: [4, 2, 3] });
        let l = add(weightedSum(r.output, 1), weightedSum(r.h, 2));
        if (r.c) l = add(l, weightedSum(r.c, 3));
        return l;
      };
      gradCheck((xi) => loss(xi!), [x]);
      for (const p of layer.parameters()) gradCheck((pi) => { void pi; return loss(x); }, [p], { maxElements: 12 });
    }
  });
});
