import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ganDiscriminatorLoss, ganGeneratorLoss, klDivergenceStdNormal, reparameterize,
} from '../../src/generative/functional';
import { getBackend, manualSeed, mul, randNormal, randUniform, Random, setBackend, sum, tensor } from '../../src/index';
import { BACKEND_NAMES } from '../helpers/backends';
import { gradCheck } from '../helpers/gradcheck';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

describe.each(BACKEND_NAMES)('VAE and GAN functions on %s', (name) => {
  let previous: 'js' | 'native';
  beforeAll(() => { previous = getBackend(); setBackend(name); });
  afterAll(() => setBackend(previous));

  it('KL divergence to N(0, I): value and gradient match the closed form', () => {
    manualSeed(1);
    const N = 4, K = 3;
    const mu = randNormal([N, K]), logVar = randNormal([N, K], 0, 0.7);
    mu.requiresGrad = true; logVar.requiresGrad = true;
    const kl = klDivergenceStdNormal(mu, logVar);
    let expected = 0;
    for (let i = 0; i < N * K; i++) {
      const m = mu.data[i]!, lv = logVar.data[i]!;
      expected += -0.5 * (1 + lv - m * m - Math.exp(lv));
    }
    expect(kl.item()).toBeCloseTo(expected / N, 5);
    expect(klDivergenceStdNormal(mu, logVar, { reduction: 'sum' }).item()).toBeCloseTo(expected, 4);
    kl.backward();
    for (let i = 0; i < N * K; i++) {
      expect(mu.grad!.data[i]).toBeCloseTo(mu.data[i]! / N, 6);
      expect(logVar.grad!.data[i]).toBeCloseTo((Math.exp(logVar.data[i]!) - 1) / (2 * N), 6);
    }
    // Zero exactly at the prior.
    expect(Math.abs(klDivergenceStdNormal(tensor([[0, 0]]), tensor([[0, 0]])).item())).toBe(0);
    gradCheck((m, lv) => klDivergenceStdNormal(m, lv), [randNormal([2, 3]), randNormal([2, 3], 0, 0.5)]);
  });

  it('the reparameterized sample is mu + sigma * eps and its gradient flows to mu and logVar', () => {
    manualSeed(2);
    const mu = randNormal([3, 2]), logVar = randNormal([3, 2], 0, 0.5), eps = randNormal([3, 2]);
    mu.requiresGrad = true; logVar.requiresGrad = true;
    const z = reparameterize(mu, logVar, { eps });
    for (let i = 0; i < 6; i++) expect(z.data[i]).toBeCloseTo(mu.data[i]! + Math.exp(logVar.data[i]! / 2) * eps.data[i]!, 5);
    const w = randUniform([3, 2], 0.5, 1.5);
    sum(mul(z, w)).backward();
    for (let i = 0; i < 6; i++) {
      expect(mu.grad!.data[i]).toBeCloseTo(w.data[i]!, 6);
      expect(logVar.grad!.data[i]).toBeCloseTo(w.data[i]! * 0.5 * Math.exp(logVar.data[i]! / 2) * eps.data[i]!, 5);
    }
    gradCheck((m, lv) => sum(mul(reparameterize(m, lv, { eps }), w)), [randNormal([3, 2]), randNormal([3, 2], 0, 0.5)]);
  });

  it('drawn samples have the requested mean and variance', () => {
    const n = 20000;
    const mu = tensor(new Float32Array(2 * n).map((_, i) => (i % 2 ? -1 : 2)), [n, 2]);
    const logVar = tensor(new Float32Array(2 * n).map((_, i) => (i % 2 ? Math.log(0.25) : Math.log(4))), [n, 2]);
    const z = reparameterize(mu, logVar, { rng: new Random(5) });
    const stats = [0, 1].map((c) => {
      let s = 0, s2 = 0;
      for (let i = 0; i < n; i++) { const v = z.data[2 * i + c]!; s += v; s2 += v * v; }
      return [s / n, s2 / n - (s / n) ** 2];
    });
    expect(stats[0]![0]).toBeCloseTo(2, 1);
    expect(stats[0]![1]).toBeGreaterThan(3.8); expect(stats[0]![1]).toBeLessThan(4.2);
    expect(stats[1]![0]).toBeCloseTo(-1, 1);
    expect(stats[1]![1]).toBeGreaterThan(0.23); expect(stats[1]![1]).toBeLessThan(0.27);
  });

  it('GAN losses: BCE values from logits, finite for extreme logits, with the right gradients', () => {
    const real = tensor([2, -1, 0.5, 120]), fake = tensor([-3, 0.2, 1, -150]);
    real.requiresGrad = true; fake.requiresGrad = true;
    const d = ganDiscriminatorLoss(real, fake);
    const expectedD = real.toArray().reduce((s, l) => s - Math.log(sigmoid(l)), 0) / 4
      + fake.toArray().reduce((s, l) => s + softplus(l), 0) / 4;
    expect(Number.isFinite(d.item())).toBe(true);
    expect(d.item()).toBeCloseTo(expectedD, 5);
    d.backward();
    real.toArray().forEach((l, i) => expect(real.grad!.data[i]).toBeCloseTo(-(1 - sigmoid(l)) / 4, 6));
    fake.toArray().forEach((l, i) => expect(fake.grad!.data[i]).toBeCloseTo(sigmoid(l) / 4, 6));

    const f2 = tensor([-200, -3, 0, 4]);
    f2.requiresGrad = true;
    const g = ganGeneratorLoss(f2);
    expect(g.item()).toBeCloseTo(f2.toArray().reduce((s, l) => s + softplus(-l), 0) / 4, 4);
    g.backward();
    // Non-saturating: a confidently rejected sample (logit -200) still gets gradient -1/4.
    expect(f2.grad!.data[0]).toBeCloseTo(-0.25, 6);
    f2.toArray().forEach((l, i) => expect(f2.grad!.data[i]).toBeCloseTo(-(1 - sigmoid(l)) / 4, 6));
  });

  it('GAN discriminator loss with one-sided label smoothing is the cross-entropy against 0.9', () => {
    const real = tensor([2, -1, 0.5, 40]), fake = tensor([-3, 0.2]);
    real.requiresGrad = true;
    const d = ganDiscriminatorLoss(real, fake, { realLabel: 0.9 });
    const expected = real.toArray().reduce((s, l) => s + softplus(l) - 0.9 * l, 0) / 4
      + fake.toArray().reduce((s, l) => s + softplus(l), 0) / 2;
    expect(d.item()).toBeCloseTo(expected, 5);
    d.backward();
    real.toArray().forEach((l, i) => expect(real.grad!.data[i]).toBeCloseTo((sigmoid(l) - 0.9) / 4, 6));
    expect(() => ganDiscriminatorLoss(real, fake, { realLabel: 0 })).toThrow(/realLabel/);
  });

  it('rejects mismatched shapes and bad arguments', () => {
    const a = tensor([[1, 2]]), b = tensor([[1, 2, 3]]);
    expect(() => reparameterize(a, b)).toThrow(/same shape/);
    expect(() => klDivergenceStdNormal(a, b)).toThrow(/same shape/);
    expect(() => klDivergenceStdNormal(a, a, { reduction: 'max' as never })).toThrow(/reduction/);
    expect(() => ganGeneratorLoss([1] as never)).toThrow(TypeError);
  });
});
