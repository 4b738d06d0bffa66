import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Adam, AdamW, CosineAnnealingLR, ExponentialLR, RMSprop, SGD, StepLR, clipGradNorm, clipGradValue,
  getBackend, setBackend, tensor, tidy, type Tensor,
} from '../../src/index';
import { BACKEND_NAMES, expectClose } from '../helpers/backends';

function param(values: number[] | number[][], grad: number[]): Tensor {
  const p = tensor(values as number[][]);
  p.requiresGrad = true;
  p.grad = tensor(grad, p.shape);
  return p;
}

describe.each(BACKEND_NAMES)('optimizers on %s', (name) => {
  let previous: 'js' | 'native';
  beforeAll(() => { previous = getBackend(); setBackend(name); });
  afterAll(() => setBackend(previous));

  it('SGD: plain, with weight decay, momentum and Nesterov, by hand', () => {
    const p = param([1, -2], [0.5, 1]);
    new SGD([p], { lr: 0.1 }).step();
    expectClose(p.data, [1 - 0.05, -2 - 0.1]);

    const q = param([1], [0.5]);
    const opt = new SGD([q], { lr: 0.1, momentum: 0.9, weightDecay: 0.1 });
    opt.step(); // g = 0.5 + 0.1 = 0.6; buf = 0.6; q = 1 - 0.06 = 0.94
    expectClose(q.data, [0.94]);
    opt.step(); // g = 0.5 + 0.094 = 0.594; buf = 0.54 + 0.594 = 1.134; q = 0.94 - 0.1134
    expectClose(q.data, [0.94 - 0.1134]);

    const r = param([1], [1]);
    const nag = new SGD([r], { lr: 0.1, momentum: 0.5, nesterov: true });
    nag.step(); // buf = 1; g = 1 + 0.5 = 1.5; r = 0.85
    nag.step(); // buf = 0.5 + 1 = 1.5; g = 1 + 0.75 = 1.75; r = 0.85 - 0.175
    expectClose(r.data, [0.675]);
  });

  it('Adam and AdamW first and second steps by hand', () => {
    // First step: m_hat = g, v_hat = g^2, so the update is lr * g / (|g| + eps).
    const p = param([1, 1], [0.2, -3]);
    const adam = new Adam([p], { lr: 0.01 });
    adam.step();
    expectClose(p.data, [0.99, 1.01]);
    // Second step with g = 0.2 again for element 0: m = 0.9*0.02 + 0.02 = 0.038 -> m_hat = 0.038/0.19 = 0.2
    adam.step();
    expectClose([p.data[0]!], [0.98], 1e-5);

    const w = param([2], [0]);
    new AdamW([w], { lr: 0.1, weightDecay: 0.5 }).step(); // w *= 1 - 0.05; g = 0 -> no Adam move
    expectClose(w.data, [1.9]);
    const a = param([2], [0]);
    new Adam([a], { lr: 0.1, weightDecay: 0.5 }).step(); // g = 0 + 1 = 1 -> a = 2 - 0.1
    expectClose(a.data, [1.9], 1e-5);
  });

  it('RMSprop first step by hand', () => {
    const p = param([1], [2]);
    new RMSprop([p], { lr: 0.01, alpha: 0.9 }).step(); // s = 0.1*4 = 0.4; p -= 0.01*2/sqrt(0.4)
    expectClose(p.data, [1 - 0.02 / Math.sqrt(0.4)], 1e-6);
  });

  it('parameter groups override defaults; L1/L2 penalties per group', () => {
    const a = param([1, -1], [0, 0]), b = param([1, -1], [0, 0]);
    const opt = new SGD([{ params: [a], l1: 0.5 }, { params: [b], l2: 0.25, lr: 1 }], { lr: 0.1 });
    opt.step();
    expectClose(a.data, [1 - 0.05, -1 + 0.05]); // g = 0.5 sign(w)
    expectClose(b.data, [1 - 0.5, -1 + 0.5]); // g = 2 * 0.25 * w, lr 1
    expect(opt.penalty()).toBeCloseTo(0.5 * (0.95 + 0.95) + 0.25 * (0.25 + 0.25), 5);
    expect(() => new SGD([{ params: [a] }, { params: [a] }])).toThrow(/more than one group/);
    expect(() => new SGD([a], { lr: -1 })).toThrow(/lr/);
  });

  it('max-norm clamps each neuron row after the step', () => {
    const w = param([[3, 4], [0.3, 0.4]], [0, 0, 0, 0]);
    const bias = param([10], [0]);
    new SGD([w, bias], { lr: 0.1, maxNorm: 1 }).step();
    expectClose(w.data, [0.6, 0.8, 0.3, 0.4], 1e-5, 1e-6);
    expectClose(bias.data, [10]); // rank-1 parameters are not constrained
  });

  it('clipGradValue and clipGradNorm', () => {
    const a = param([0, 0], [3, -0.5]), b = param([0], [-4]);
    clipGradValue([a, b], 1);
    expectClose(a.grad!.data, [1, -0.5]);
    expectClose(b.grad!.data, [-1]);
    const c = param([0, 0], [3, 0]), d = param([0], [4]);
    const norm = clipGradNorm([c, d], 1);
    expect(norm).toBeCloseTo(5, 5);
    expectClose([...c.grad!.data, ...d.grad!.data], [0.6, 0, 0.8], 1e-5);
    const e = param([0], [0.5]);
    clipGradNorm([e], 1);
    expectClose(e.grad!.data, [0.5]);
  });

  it('stateDict has flat keys and loadStateDict resumes identically', () => {
    const make = () => [param([1, 2], [0.1, -0.2]), param([[1], [2]], [0.3, 0.4])];
    const ps1 = make();
    const o1 = new Adam(ps1, { lr: 0.1 });
    o1.step(); o1.step();
    const sd = o1.stateDict();
    expect(Object.keys(sd.state).sort()).toEqual(['0.exp_avg', '0.exp_avg_sq', '0.step', '1.exp_avg', '1.exp_avg_sq', '1.step']);
    expect(sd.state['1.step']!.item()).toBe(2);
    const ps2 = make();
    ps2.forEach((p, i) => p.data.set(ps1[i]!.data));
    const o2 = new Adam(ps2, { lr: 0.5 });
    o2.loadStateDict(sd);
    expect(o2.getLr()).toEqual([0.1]);
    o1.step(); o2.step();
    ps1.forEach((p, i) => expect(Array.from(ps2[i]!.data)).toEqual(Array.from(p.data)));
    expect(() => o2.loadStateDict({ config: sd.config, state: { '7.exp_avg': tensor([1]) } })).toThrow(/unexpected state key/);
    expect(() => new SGD(make()).loadStateDict(sd)).toThrow(/saved by Adam, not SGD/);
  });

  it('optimizer state survives tidy()', () => {
    const p = param([1], [1]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    tidy(() => opt.step());
    expect(opt.stateDict().state['0.momentum_buffer']!.isDisposed).toBe(false);
  });
});

describe('learning-rate schedules', () => {
  const opt = () => new SGD([param([0], [0])], { lr: 1 });
  it('StepLR, ExponentialLR, CosineAnnealingLR follow their closed forms', () => {
    const a = opt(), s = new StepLR(a, { stepSize: 2, gamma: 0.5 });
    const lrs = [];
    for (let e = 0; e < 5; e++) { s.step(); lrs.push(a.getLr()[0]); }
    expect(lrs).toEqual([1, 0.5, 0.5, 0.25, 0.25]);
    const b = opt(), x = new ExponentialLR(b, { gamma: 0.9 });
    x.step(); x.step();
    expect(b.getLr()[0]).toBeCloseTo(0.81, 10);
    const c = opt(), cos = new CosineAnnealingLR(c, { tMax: 4, etaMin: 0.1 });
    cos.step();
    expect(c.getLr()[0]).toBeCloseTo(0.1 + 0.9 * (1 + Math.cos(Math.PI / 4)) / 2, 10);
    cos.step(); cos.step(); cos.step();
    expect(c.getLr()[0]).toBeCloseTo(0.1, 10);
    expect(() => new StepLR(a, { stepSize: 0 })).toThrow(/stepSize/);
  });
});
