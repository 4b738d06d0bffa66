// Recurrent layers: one layer against a step-by-step loop over the float64 oracle cells;
// stacked and bidirectional layers against compositions of single-direction layers; truncated
// BPTT; masks and lengths; dropout; argument errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GRU, LSTM, MGU, RNN, add, clipGradNorm, getBackend, manualSeed, mul, noGrad, randNormal, randUniform, setBackend, sum, tensor, tidy,
  type RecurrentBase, type Tensor,
} from '../../src/index';
import { cellOracle, type CellKind } from '../oracle/cells';
import { BACKEND_NAMES, expectClose } from '../helpers/backends';

const KINDS: [CellKind, (I: number, H: number, o?: object) => RecurrentBase][] = [
  ['rnnTanh', (I, H, o) => new RNN(I, H, o)],
  ['rnnRelu', (I, H, o) => new RNN(I, H, { ...o, nonlinearity: 'relu' })],
  ['lstm', (I, H, o) => new LSTM(I, H, o)],
  ['lstmNoForget', (I, H, o) => new LSTM(I, H, { ...o, forgetGate: false })],
  ['lstmPeephole', (I, H, o) => new LSTM(I, H, { ...o, peephole: true })],
  ['gruAfter', (I, H, o) => new GRU(I, H, o)],
  ['gruBefore', (I, H, o) => new GRU(I, H, { ...o, resetAfter: false })],
  ['mgu', (I, H, o) => new MGU(I, H, o)],
];

function expectSame(a: ArrayLike<number>, b: ArrayLike<number>): void {
  expect(Array.from(a)).toEqual(Array.from(b));
}

/** x (T, B, I) with its time axis reversed. */
function flipTime(x: Float32Array, T: number, rowSize: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let t = 0; t < T; t++) out.set(x.subarray(t * rowSize, (t + 1) * rowSize), (T - 1 - t) * rowSize);
  return out;
}

/** Copies the parameters of `from` with suffix `sfx` into single-layer `to` (suffix _l0). */
function copyDirection(from: RecurrentBase, sfx: string, to: RecurrentBase): void {
  for (const [name, p] of to.namedParameters()) p.data.set(from.getParameter(name.replace('_l0', sfx))!.data);
}

describe.each(BACKEND_NAMES)('recurrent layers on %s', (name) => {
  let previous: 'js' | 'native';
  beforeAll(() => { previous = getBackend(); setBackend(name); });
  afterAll(() => setBackend(previous));

  for (const [kind, make] of KINDS) {
    it(`${kind}: one layer equals a step-by-step loop of the float64 oracle cell`, () => {
      manualSeed(21);
      const [T, B, I, H] = [6, 3, 4, 5];
      const layer = make(I, H);
      const lstm = kind.startsWith('lstm');
      const x = randNormal([T, B, I]), h0 = randNormal([1, B, H]), c0 = randNormal([1, B, H]);
      const r = noGrad(() => layer.run(x, { h: h0, c: lstm ? c0 : undefined }));
      const P = (n: string) => layer.getParameter(n)!.data;
      const wih = P('weight_ih_l0'), bih = P('bias_ih_l0'), bhh = P('bias_hh_l0');
      const GH = wih.length / I;
      let h: ArrayLike<number> = h0.data, c: ArrayLike<number> = c0.data;
      const fold = kind.startsWith('rnn') || lstm;
      for (let t = 0; t < T; t++) {
        const xproj = new Float64Array(B * GH);
        for (let b = 0; b < B; b++) {
          for (let gI = 0; gI < GH; gI++) {
            let s = bih[gI]! + (fold ? bhh[gI]! : 0);
            for (let i = 0; i < I; i++) s += wih[gI * I + i]! * x.data[(t * B + b) * I + i]!;
            xproj[b * GH + gI] = s;
          }
        }
        const next = cellOracle(kind, {
          B, H, xproj, hprev: h, cprev: c, whh: P('weight_hh_l0'), bhh, peep: kind === 'lstmPeephole' ? P('weight_ch_l0') : [], mask: [],
        });
        expectClose(r.output.data.subarray(t * B * H, (t + 1) * B * H), next.h, 1e-4, 1e-5);
        h = next.h;
        c = next.c;
      }
      expectClose(r.h.data, h, 1e-4, 1e-5);
      if (lstm) expectClose(r.c!.data, c, 1e-4, 1e-5);
    });

    it(`${kind}: 2 stacked bidirectional layers equal a composition of single-direction layers`, () => {
      manualSeed(22);
      const [T, B, I, H] = [5, 2, 3, 4];
      const deep = make(I, H, { numLayers: 2, bidirectional: true });
      const lstm = kind.startsWith('lstm');
      const x = randNormal([T, B, I]), h0 = randNormal([4, B, H]), c0 = randNormal([4, B, H]);
      const r = noGrad(() => deep.run(x, { h: h0, c: lstm ? c0 : undefined }));
      let input = x.data;
      let inSize = I;
      for (let l = 0; l < 2; l++) {
        const outs: Float32Array[] = [];
        for (let d = 0; d < 2; d++) {
          const single = make(inSize, H);
          copyDirection(deep, `_l${l}${d ? '_reverse' : ''}`, single);
          const row = l * 2 + d;
          const hi = tensor(h0.data.slice(row * B * H, (row + 1) * B * H), [1, B, H]);
          const ci = tensor(c0.data.slice(row * B * H, (row + 1) * B * H), [1, B, H]);
          const xin = tensor(d ? flipTime(input, T, B * inSize) : input, [T, B, inSize]);
          const s = noGrad(() => single.run(xin, { h: hi, c: lstm ? ci : undefined }));
          outs.push(d ? flipTime(s.output.data, T, B * H) : s.output.data);
          expectClose(r.h.data.subarray(row * B * H, (row + 1) * B * H), s.h.data, 1e-5, 1e-6);
          if (lstm) expectClose(r.c!.data.subarray(row * B * H, (row + 1) * B * H), s.c!.data, 1e-5, 1e-6);
        }
        const cat = new Float32Array(T * B * 2 * H);
        for (let tb = 0; tb < T * B; tb++) {
          cat.set(outs[0]!.subarray(tb * H, (tb + 1) * H), tb * 2 * H);
          cat.set(outs[1]!.subarray(tb * H, (tb + 1) * H), tb * 2 * H + H);
        }
        input = cat;
        inSize = 2 * H;
      }
      expectClose(r.output.data, input, 1e-5, 1e-6);
    });
  }

  it('batchFirst gives the transposed result of the time-major layer', () => {
    manualSeed(23);
    const [T, B, I, H] = [4, 3, 2, 3];
    const tm = new GRU(I, H, { bidirectional: true });
    const bf = new GRU(I, H, { bidirectional: true, batchFirst: true });
    bf.loadStateDict(tm.stateDict());
    const x = randNormal([T, B, I]);
    const xb = tensor(Array.from({ length: B * T * I }, (_, k) => {
      const b = Math.floor(k / (T * I)), t = Math.floor(k / I) % T, i = k % I;
      return x.data[(t * B + b) * I + i]!;
    }), [B, T, I]);
    const a = noGrad(() => tm.run(x)), b = noGrad(() => bf.run(xb));
    expect(b.output.shape).toEqual([B, T, 2 * H]);
    for (let t = 0; t < T; t++) for (let bb = 0; bb < B; bb++) {
      expectClose(b.output.data.subarray((bb * T + t) * 2 * H, (bb * T + t + 1) * 2 * H), a.output.data.subarray((t * B + bb) * 2 * H, (t * B + bb + 1) * 2 * H), 1e-6, 1e-7);
    }
    expectClose(b.h.data, a.h.data, 1e-6, 1e-7);
  });

  it('truncated BPTT: chunks with carried, detached state give the full-sequence outputs, and no gradient crosses a chunk', () => {
    manualSeed(24);
    const [T, B, I, H, k] = [9, 2, 3, 4, 3];
    const layer = new LSTM(I, H, { numLayers: 2 });
    const x = randNormal([T, B, I]);
    const full = noGrad(() => layer.run(x));
    let state: { h?: Tensor; c?: Tensor } = {};
    const chunks: Tensor[] = [];
    for (let t0 = 0; t0 < T; t0 += k) {
      const xc = tensor(x.data.slice(t0 * B * I, (t0 + k) * B * I), [k, B, I]);
      xc.requiresGrad = true;
      chunks.push(xc);
      const r = layer.run(xc, state);
      expectClose(r.output.data, full.output.data.subarray(t0 * B * H, (t0 + k) * B * H), 1e-5, 1e-6);
      sum(r.output).backward();
      state = { h: r.h.detach(), c: r.c!.detach() };
    }
    expectClose(state.h!.data, full.h.data, 1e-5, 1e-6);
    expectClose(state.c!.data, full.c!.data, 1e-5, 1e-6);
    // Chunk 2's loss reached chunk 2's input only: chunk 1's input gradient is chunk 1's loss alone.
    const x1 = tensor(x.data.slice(0, k * B * I), [k, B, I]);
    x1.requiresGrad = true;
    sum(layer.run(x1).output).backward();
    expectClose(chunks[0]!.grad!.data, x1.grad!.data, 1e-6, 1e-7);
  });

  for (const bidirectional of [false, true]) {
    it(`padded steps have no effect on outputs, final states or gradients (bidirectional=${bidirectional})`, () => {
      manualSeed(25);
      const [T, B, I, H] = [6, 3, 2, 3];
      const lengths = [6, 2, 4];
      const layer = new LSTM(I, H, { numLayers: 2, bidirectional, peephole: true });
      const D = bidirectional ? 2 : 1;
      const runWith = (padValue: number, w: Tensor) => {
        const x = randNormal([T, B, I]);
        for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) if (t >= lengths[b]!) x.data.fill(padValue, (t * B + b) * I, (t * B + b + 1) * I);
        x.requiresGrad = true;
        layer.zeroGrad();
        const r = layer.run(x, {}, { lengths });
        add(sum(mul(r.output, w)), add(sum(r.h), sum(r.c!))).backward();
        return { r, x, grads: layer.parameters().map((p) => Float32Array.from(p.grad!.data)) };
      };
      const w = randUniform([T, B, D * H], 0.5, 1.5);
      manualSeed(5);
      const a = runWith(100, w);
      manualSeed(5);
      const b = runWith(-3, w);
      expectSame(a.r.output.data, b.r.output.data);
      expectSame(a.r.h.data, b.r.h.data);
      a.grads.forEach((g, i) => expectSame(g, b.grads[i]!));
      for (let t = 0; t < T; t++) for (let bb = 0; bb < B; bb++) {
        if (t < lengths[bb]!) continue;
        const o = (t * B + bb) * D * H;
        expect(Array.from(a.r.output.data.subarray(o, o + D * H)).every((v) => v === 0)).toBe(true);
        expect(Array.from(a.x.grad!.data.subarray((t * B + bb) * I, (t * B + bb + 1) * I)).every((v) => v === 0)).toBe(true);
      }
      // Each row alone, cut to its length, gives the same outputs and final states.
      for (let bb = 0; bb < B; bb++) {
        const n = lengths[bb]!;
        const xs = tensor(Array.from({ length: n * I }, (_, k) => a.x.data[(Math.floor(k / I) * B + bb) * I + (k % I)]!), [n, 1, I]);
        const s = noGrad(() => layer.run(xs));
        for (let t = 0; t < n; t++) expectClose(s.output.data.subarray(t * D * H, (t + 1) * D * H), a.r.output.data.subarray((t * B + bb) * D * H, (t * B + bb + 1) * D * H), 1e-5, 1e-6);
        for (let row = 0; row < 2 * D; row++) expectClose(s.h.data.subarray(row * H, (row + 1) * H), a.r.h.data.subarray((row * B + bb) * H, (row * B + bb + 1) * H), 1e-5, 1e-6);
      }
    });
  }

  it('a mask tensor equals the same lengths', () => {
    manualSeed(26);
    const layer = new GRU(2, 3, { batchFirst: true, bidirectional: true });
    const x = randNormal([2, 4, 2]);
    const m = tensor([[1, 1, 1, 0], [1, 1, 0, 0]]);
    const a = noGrad(() => layer.run(x, {}, { mask: m }));
    const b = noGrad(() => layer.run(x, {}, { lengths: [3, 2] }));
    expectSame(a.output.data, b.output.data);
    expectSame(a.h.data, b.h.data);
  });

  it('dropout between layers applies in training only', () => {
    manualSeed(27);
    const layer = new RNN(3, 8, { numLayers: 2, dropout: 0.5 });
    const x = randNormal([4, 2, 3]);
    const evalOut = () => noGrad(() => layer.eval().run(x).output.toArray());
    const e1 = evalOut(), e2 = evalOut();
    expect(e1).toEqual(e2);
    layer.train();
    const t1 = tidy(() => layer.run(x).output.toArray());
    expect(t1).not.toEqual(e1);
  });

  it('gradient clipping applies to recurrent parameters after BPTT', () => {
    manualSeed(28);
    const layer = new LSTM(3, 5, { numLayers: 2, bidirectional: true });
    const x = randNormal([20, 4, 3], 0, 3);
    tidy(() => { sum(mul(layer.run(x).output, 10)).backward(); });
    const norm = () => Math.sqrt(layer.parameters().reduce((s, p) => s + p.grad!.data.reduce((a, g) => a + g * g, 0), 0));
    const before = norm();
    expect(before).toBeGreaterThan(1);
    expect(clipGradNorm(layer.parameters(), 1)).toBeCloseTo(before, 3);
    expect(norm()).toBeLessThanOrEqual(1 + 1e-5);
  });

  it('handles T = 0, B = 0 and T = 1', () => {
    manualSeed(29);
    const layer = new LSTM(2, 3, { bidirectional: true });
    const h0 = randNormal([2, 2, 3]), c0 = randNormal([2, 2, 3]);
    const empty = layer.run(randNormal([0, 2, 2]), { h: h0, c: c0 });
    expect(empty.output.shape).toEqual([0, 2, 6]);
    expectSame(empty.h.data, h0.data);
    expectSame(empty.c!.data, c0.data);
    const noRows = layer.run(randNormal([4, 0, 2]));
    expect(noRows.output.shape).toEqual([4, 0, 6]);
    expect(noRows.h.shape).toEqual([2, 0, 3]);
    const x = randNormal([1, 2, 2]);
    x.requiresGrad = true;
    const one = layer.run(x);
    sum(one.output).backward();
    expect(one.output.shape).toEqual([1, 2, 6]);
    expect(x.grad!.data.every((v) => Number.isFinite(v))).toBe(true);
  });

  it('rejects bad arguments with clear messages', () => {
    const layer = new LSTM(3, 4, { numLayers: 2 });
    expect(() => layer.run(randNormal([5, 3]))).toThrow(/x must be a 3-D tensor/);
    expect(() => layer.run(randNormal([5, 2, 4]))).toThrow(/x has 4 features, the layer expects inputSize 3/);
    expect(() => layer.run(randNormal([5, 2, 3]), { h: randNormal([1, 2, 4]) })).toThrow(/initial state h must have shape \[2, 2, 4\]/);
    expect(() => layer.run(randNormal([5, 2, 3]), {}, { lengths: [5] })).toThrow(/lengths must be an array of B = 2/);
    expect(() => layer.run(randNormal([5, 2, 3]), {}, { lengths: [5, 6] })).toThrow(/lengths\[1\] must be an integer in \[0, 5\]/);
    expect(() => new GRU(0, 4)).toThrow(RangeError);
    expect(() => new RNN(3, 4, { dropout: 1 })).toThrow(/dropout must be in \[0, 1\)/);
  });
});
