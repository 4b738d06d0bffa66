import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CrossEntropyLoss, Dropout, Flatten, LeakyReLU, Linear, Module, PseudoHuberLoss, Random, ReLU, Sequential, Sigmoid,
  Softmax, Tanh, crossEntropy, dropout, getBackend, kaimingNormal, kaimingUniform, manualSeed, moduleFromConfig,
  moduleToConfig, randNormal, registerModuleClass, setBackend, sum, tensor, xavierNormal, xavierUniform, zeros,
  empty, mul, randUniform, type Tensor,
} from '../../src/index';
import { BACKEND_NAMES, expectClose } from '../helpers/backends';
import { gradCheck } from '../helpers/gradcheck';

function stats(t: Tensor): { mean: number; std: number; min: number; max: number } {
  let s = 0, s2 = 0, min = Infinity, max = -Infinity;
  for (const v of t.data) { s += v; s2 += v * v; min = Math.min(min, v); max = Math.max(max, v); }
  const mean = s / t.size;
  return { mean, std: Math.sqrt(s2 / t.size - mean * mean), min, max };
}

describe('Sequential and Linear', () => {
  it('names children 0, 1, 2 and parameters like PyTorch', () => {
    const m = new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2, { bias: false }));
    expect(m.namedParameters().map(([n, p]) => `${n}:${p.shape.join('x')}`)).toEqual(['0.weight:3x4', '0.bias:3', '2.weight:2x3']);
    expect(m.length).toBe(3);
  });

  it('initializes Linear as PyTorch: U(-1/sqrt(in), 1/sqrt(in)) for weight and bias', () => {
    manualSeed(1);
    const l = new Linear(400, 300);
    const bound = 1 / Math.sqrt(400);
    const w = stats(l.weight), b = stats(l.bias!);
    expect(w.min).toBeGreaterThanOrEqual(-bound);
    expect(w.max).toBeLessThan(bound);
    expect(w.std).toBeCloseTo(bound / Math.sqrt(3), 3);
    expect(b.min).toBeGreaterThanOrEqual(-bound);
    expect(b.max).toBeLessThan(bound);
  });

  it('is deterministic for a seed and computes x W^T + b', () => {
    manualSeed(7);
    const a = new Linear(5, 3);
    manualSeed(7);
    const b = new Linear(5, 3);
    expect(Array.from(a.weight.data)).toEqual(Array.from(b.weight.data));
    const x = tensor([[1, 2, 3, 4, 5]]);
    const y = a.forward(x);
    const w = a.weight.data, bias = a.bias!.data;
    const expected = [0, 1, 2].map((o) => bias[o]! + [0, 1, 2, 3, 4].reduce((s, i) => s + w[o * 5 + i]! * (i + 1), 0));
    expectClose(y.data, expected, 1e-5);
    expect(() => new Linear(0, 3)).toThrow(/inFeatures/);
  });

  it('activation modules and Flatten', () => {
    const x = tensor([[[-1, 2], [3, -4]]]);
    expect(new Flatten().forward(x).shape).toEqual([1, 4]);
    expect(Array.from(new ReLU().forward(x).data)).toEqual([0, 2, 3, 0]);
    expectClose(new LeakyReLU(0.1).forward(x).data, [-0.1, 2, 3, -0.4]);
    expectClose(new Sigmoid().forward(tensor([0])).data, [0.5]);
    expectClose(new Tanh().forward(tensor([0.5])).data, [Math.tanh(0.5)]);
    expectClose(new Softmax().forward(tensor([[0, Math.log(3)]])).data, [0.25, 0.75]);
  });
});

describe('initializers', () => {
  it('Xavier/Glorot and Kaiming/He have the documented spread', () => {
    const rng = new Random(3);
    const t = empty([200, 300]);
    xavierUniform(t, { rng });
    const bx = Math.sqrt(6 / 500);
    expect(stats(t).max).toBeLessThan(bx);
    expect(stats(t).std).toBeCloseTo(bx / Math.sqrt(3), 3);
    xavierNormal(t, { rng, gain: 2 });
    expect(stats(t).std).toBeCloseTo(2 * Math.sqrt(2 / 500), 3);
    kaimingUniform(t, { rng, nonlinearity: 'relu' });
    expect(stats(t).std).toBeCloseTo(Math.sqrt(2 / 300), 3);
    kaimingNormal(t, { rng, mode: 'fanOut' });
    expect(stats(t).std).toBeCloseTo(Math.sqrt(2 / 200), 3);
    expect(Math.abs(stats(t).mean)).toBeLessThan(0.01);
    expect(() => kaimingUniform(zeros([3]))).toThrow(/rank >= 2/);
  });

  it('the same seed gives the same weights', () => {
    const a = kaimingUniform(empty([4, 4]), { rng: new Random(5) });
    const b = kaimingUniform(empty([4, 4]), { rng: new Random(5) });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
  });
});

describe.each(BACKEND_NAMES)('dropout on %s', (name) => {
  let previous: 'js' | 'native';
  beforeAll(() => { previous = getBackend(); setBackend(name); });
  afterAll(() => setBackend(previous));

  it('drops about dropProbability of the units and keeps the mean', () => {
    const x = tensor(new Float32Array(100000).fill(2));
    const y = dropout(x, 0.3, { rng: new Random(1) });
    let zeros = 0;
    for (const v of y.data) {
      if (v === 0) zeros++;
      else expect(v).toBeCloseTo(2 / 0.7, 5);
    }
    expect(zeros / x.size).toBeGreaterThan(0.29);
    expect(zeros / x.size).toBeLessThan(0.31);
    expect(stats(y).mean).toBeCloseTo(2, 1);
  });

  it('is the identity in eval mode and with dropProbability 0', () => {
    const d = new Dropout(0.5);
    const x = randNormal([10]);
    d.eval();
    expect(d.forward(x)).toBe(x);
    expect(dropout(x, 0)).toBe(x);
    d.train();
    expect(Array.from(d.forward(x).data).some((v) => v === 0)).toBe(true);
    expect(() => new Dropout(1.5)).toThrow(/dropProbability/);
  });

  it('passes gradients through the kept units only', () => {
    const x = randUniform([50], 0.5, 1.5);
    gradCheck((x) => sum(mul(dropout(x, 0.4, { rng: new Random(11) }), x)), [x]);
    x.grad = null;
    const y = dropout(x, 0.4, { rng: new Random(11) });
    sum(y).backward();
    for (let i = 0; i < x.size; i++) expect(x.grad!.data[i]).toBeCloseTo(y.data[i] === 0 ? 0 : 1 / 0.6, 5);
  });
});

describe('module registry', () => {
  it('rebuilds a model from its JSON config', () => {
    const model = new Sequential(new Flatten(), new Linear(4, 8), new LeakyReLU(0.2), new Dropout(0.25), new Linear(8, 3, { bias: false }), new Softmax(), new Sigmoid(), new Tanh());
    const json = JSON.parse(JSON.stringify(moduleToConfig(model)));
    const copy = moduleFromConfig(json) as Sequential;
    expect(moduleToConfig(copy)).toEqual(moduleToConfig(model));
    expect(copy.namedParameters().map(([n, p]) => [n, p.shape])).toEqual(model.namedParameters().map(([n, p]) => [n, p.shape]));
    copy.loadStateDict(model.stateDict());
    const x = randNormal([2, 2, 2]);
    copy.eval(); model.eval();
    expect(Array.from(copy.forward(x).data)).toEqual(Array.from(model.forward(x).data));
  });

  it('knows the loss modules, rejects unknown classes, accepts new ones', () => {
    const ce = moduleFromConfig({ className: 'CrossEntropyLoss', config: { reduction: 'sum' } }) as InstanceType<typeof CrossEntropyLoss>;
    const y = tensor([[1, 2], [0, 3]]), t = tensor([1, 0]);
    expect(ce.forward(y, t).item()).toBeCloseTo(crossEntropy(y, t, { reduction: 'sum' }).item(), 6);
    expect((moduleFromConfig(moduleToConfig(new PseudoHuberLoss({ delta: 2 }))) as PseudoHuberLoss).delta).toBe(2);
    expect(() => moduleFromConfig({ className: 'Nope', config: {} })).toThrow(/unknown module class "Nope"/);
    expect(() => moduleFromConfig({ className: '__proto__', config: {} })).toThrow(RangeError);
    class Twice extends Module {
      static override className = 'Twice';
      forward(x: Tensor) { return mul(x, 2); }
      static fromConfig() { return new Twice(); }
    }
    registerModuleClass(Twice);
    expect(moduleFromConfig({ className: 'Twice', config: {} })).toBeInstanceOf(Twice);
    expect(() => registerModuleClass(class extends Module { forward(x: Tensor) { return x; } } as never)).toThrow(/className/);
  });
});
