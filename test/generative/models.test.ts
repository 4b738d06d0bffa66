import { describe, expect, it } from 'vitest';
import { PCA } from '../../src/decomposition/pca';
import { Autoencoder, corrupt } from '../../src/generative/autoencoder';
import { klDivergenceStdNormal } from '../../src/generative/functional';
import { GAN } from '../../src/generative/gan';
import { VariationalAutoencoder } from '../../src/generative/vae';
import { Linear, noGrad, randNormal, Random, Sequential, SGD, tensor, tidy, type Tensor } from '../../src/index';
import { dense, gaussianData, principalCosines } from './tiny';

function train(model: { loss(x: Tensor): Tensor; parameters(): Tensor[]; zeroGrad(): void }, x: Tensor, steps: number, lr: number): number[] {
  const opt = new SGD(model.parameters(), { lr });
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    losses.push(tidy(() => {
      model.zeroGrad();
      const loss = model.loss(x);
      loss.backward();
      opt.step();
      return loss.item();
    }));
  }
  return losses;
}

describe('autoencoders', () => {
  it('a linear autoencoder trained by gradient descent spans the PCA subspace', () => {
    const rng = new Random(1);
    const D = 6, K = 2;
    const x = gaussianData(300, [9, 4, 0.3, 0.2, 0.1, 0.05], rng);
    const pca = new PCA({ nComponents: K }).fit(x);
    const ae = new Autoencoder(dense(D, K, 'none', rng), dense(K, D, 'none', rng));
    const losses = train(ae, x, 400, 0.02);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! / 5);
    // The decoder's columns span the reconstruction subspace.
    const W = (ae.decoder as Linear).weight; // (D, K)
    const cols = new Float32Array(K * D);
    for (let j = 0; j < D; j++) for (let k = 0; k < K; k++) cols[k * D + j] = W.data[j * K + k]!;
    const cos = principalCosines(pca.components!.data, cols, K, D);
    const worstAngle = Math.acos(Math.min(1, Math.min(...cos))) * 180 / Math.PI;
    expect(worstAngle).toBeLessThan(3);
    // And its reconstruction error approaches PCA's (the sum of the discarded eigenvalues).
    const pcaError = pca.explainedVariance.length && pca.totalVariance - pca.explainedVariance.reduce((s, v) => s + v, 0);
    ae.eval();
    expect(noGrad(() => ae.loss(x).item())).toBeLessThan(pcaError * 1.05);
  });

  it('the sparsity penalty lowers the L1 norm of the codes', () => {
    const x = gaussianData(200, [4, 3, 2, 1, 0.5, 0.25], new Random(2));
    const l1 = (lambda: number) => {
      const rng = new Random(7);
      const ae = new Autoencoder(dense(6, 4, 'relu', rng), dense(4, 6, 'none', rng), { sparsity: lambda });
      train(ae, x, 150, 0.01);
      return noGrad(() => tidy(() => {
        const z = ae.encode(x);
        return z.toArray().reduce((s, v) => s + Math.abs(v), 0) / 200;
      }));
    };
    const plain = l1(0), sparse = l1(1);
    expect(sparse).toBeLessThan(0.5 * plain);
  });

  it('a denoising autoencoder reconstructs clean inputs from noisy ones better than a plain one', () => {
    const D = 8;
    const x = gaussianData(300, [4, 2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2], new Random(3));
    const make = (noise: { kind: 'gaussian'; std: number } | null) => {
      const rng = new Random(5);
      return new Autoencoder(dense(D, D, 'none', rng), dense(D, D, 'none', rng), { noise, rng: new Random(9) });
    };
    const plain = make(null), denoising = make({ kind: 'gaussian', std: 0.7 });
    train(plain, x, 300, 0.03);
    train(denoising, x, 300, 0.03);
    const noisy = corrupt(x, { kind: 'gaussian', std: 0.7 }, new Random(11));
    const error = (ae: Autoencoder) => noGrad(() => tidy(() => {
      const y = ae.eval().forward(noisy);
      return y.toArray().reduce((s, v, i) => s + (v - x.data[i]!) ** 2, 0) / 300;
    }));
    const noiseError = noisy.toArray().reduce((s, v, i) => s + (v - x.data[i]!) ** 2, 0) / 300;
    expect(error(denoising)).toBeLessThan(0.6 * error(plain));
    expect(error(denoising)).toBeLessThan(0.6 * noiseError);
  });

  it('masking noise zeroes about a fraction p of the inputs and keeps the rest', () => {
    const x = tensor(new Float32Array(4000).fill(2), [40, 100]);
    const y = corrupt(x, { kind: 'masking', p: 0.3 }, new Random(4));
    const zeros = y.toArray().filter((v) => v === 0).length;
    expect(y.toArray().every((v) => v === 0 || v === 2)).toBe(true);
    expect(zeros / 4000).toBeGreaterThan(0.26);
    expect(zeros / 4000).toBeLessThan(0.34);
  });

  it('sigmoid output: reconstructions in (0, 1) and a cross-entropy loss', () => {
    const rng = new Random(6);
    const x = tensor(Array.from({ length: 40 }, (_, i) => [i % 2, (i >> 1) % 2, 1, 0]));
    const ae = new Autoencoder(dense(4, 2, 'sigmoid', rng), dense(2, 4, 'none', rng), { output: 'sigmoid' });
    const losses = train(ae, x, 200, 0.5);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.7);
    const y = noGrad(() => ae.forward(x));
    expect(y.toArray().every((v) => v > 0 && v < 1)).toBe(true);
  });

  it('rejects bad options', () => {
    const d = dense(2, 2);
    expect(() => new Autoencoder(d, {} as never)).toThrow(TypeError);
    expect(() => new Autoencoder(d, d, { output: 'tanh' as never })).toThrow(/output/);
    expect(() => new Autoencoder(d, d, { sparsity: -1 })).toThrow(/sparsity/);
    expect(() => new Autoencoder(d, d, { noise: { kind: 'masking', p: 1 } })).toThrow(/noise/);
    expect(() => new Autoencoder(d, d).loss(tensor([1, 2]))).toThrow(/batch/);
  });
});

describe('VariationalAutoencoder', () => {
  const make = () => {
    const rng = new Random(8);
    return new VariationalAutoencoder({
      encoder: dense(4, 8, 'tanh', rng),
      meanHead: dense(8, 2, 'none', rng),
      logVarHead: dense(8, 2, 'none', rng),
      decoder: new Sequential(dense(2, 8, 'tanh', rng), dense(8, 4, 'none', rng)),
      latentDim: 2,
    }, { rng: new Random(3) });
  };
  const x = tensor(Array.from({ length: 32 }, (_, i) => [i % 2, (i >> 1) % 2, ((i >> 1) % 2) ^ (i % 2), 0.5]));

  it('loss = reconstruction + KL, with gradients reaching every part', () => {
    const vae = make();
    const { loss, reconstruction, kl } = vae.loss(x);
    expect(loss.item()).toBeCloseTo(reconstruction.item() + kl.item(), 5);
    const { mu, logVar } = vae.encode(x);
    expect(kl.item()).toBeCloseTo(klDivergenceStdNormal(mu, logVar).item(), 5);
    loss.backward();
    for (const [name, p] of vae.namedParameters()) {
      if (name.endsWith('weight')) expect(p.grad!.toArray().some((g) => g !== 0), name).toBe(true);
    }
  });

  it('trains (using its latent code), and sample(n) decodes prior draws', () => {
    const r = new Random(1);
    const data = tensor(Array.from({ length: 64 }, () => { const a = 2 * r.normal(), b = 2 * r.normal(); return [a, b, a + b, a - b]; }));
    const rng = new Random(8);
    const vae = new VariationalAutoencoder({
      encoder: dense(4, 8, 'tanh', rng),
      meanHead: dense(8, 2, 'none', rng),
      logVarHead: dense(8, 2, 'none', rng),
      decoder: new Sequential(dense(2, 8, 'tanh', rng), dense(8, 4, 'none', rng)),
      latentDim: 2,
    }, { rng: new Random(3), output: 'identity' });
    const opt = new SGD(vae.parameters(), { lr: 0.01 });
    const terms: number[][] = [];
    for (let s = 0; s < 300; s++) {
      terms.push(tidy(() => {
        vae.zeroGrad();
        const { loss, kl } = vae.loss(data);
        loss.backward();
        opt.step();
        return [loss.item(), kl.item()];
      }));
    }
    const avg = (a: number[][], k: number) => a.reduce((s, v) => s + v[k]!, 0) / a.length;
    expect(avg(terms.slice(-20), 0)).toBeLessThan(0.4 * avg(terms.slice(0, 20), 0));
    // The code carries information (no posterior collapse): KL well above 0.
    expect(avg(terms.slice(-20), 1)).toBeGreaterThan(1);
    const samples = vae.sample(5);
    expect(samples.shape).toEqual([5, 4]);
    expect(samples.requiresGrad).toBe(false);
    expect(() => vae.sample(0)).toThrow(RangeError);
    // A sigmoid-output VAE samples in (0, 1).
    expect(make().sample(5).toArray().every((v) => v > 0 && v < 1)).toBe(true);
  });
});

describe('GAN', () => {
  it('discriminator and generator losses move as expected on a 1-D Gaussian', () => {
    const rng = new Random(10);
    const G = dense(1, 1, 'none', rng);
    const Dnet = new Sequential(dense(1, 8, 'tanh', rng), dense(8, 1, 'none', rng));
    const gan = new GAN(G, Dnet, 1, { rng: new Random(12) });
    const real = () => randNormal([64, 1], 3, 0.5, { rng });
    const frozen = { step() {} };
    const gOpt = new SGD(G.parameters(), { lr: 0.05 });
    const dOpt = new SGD(Dnet.parameters(), { lr: 0.1 });

    // Discriminator steps alone: its loss falls below log 4 (the loss of an undecided D).
    const d = Array.from({ length: 60 }, () => tidy(() => gan.trainStep(real(), { generator: frozen, discriminator: dOpt })).discriminatorLoss);
    expect(d[0]!).toBeGreaterThan(d.at(-1)!);
    expect(d.at(-1)!).toBeLessThan(Math.log(4));

    // Generator steps alone against that discriminator: its loss falls and its samples move to the data.
    const meanOf = () => tidy(() => gan.sample(500).toArray().reduce((s, v) => s + v, 0) / 500);
    const before = meanOf();
    const g = Array.from({ length: 40 }, () => tidy(() => gan.trainStep(real(), { generator: gOpt, discriminator: frozen })).generatorLoss);
    expect(g.at(-1)!).toBeLessThan(g[0]!);
    expect(Math.abs(meanOf() - 3)).toBeLessThan(Math.abs(before - 3));
    // The discriminator's parameters are trainable again after the generator steps.
    expect(Dnet.parameters().every((p) => p.requiresGrad)).toBe(true);
    expect(gan.sample(3).shape).toEqual([3, 1]);
  });

  it('rejects bad arguments', () => {
    const gan = new GAN(dense(2, 3), dense(3, 2), 2);
    expect(() => gan.trainStep(tensor([[1, 2, 3]]), { generator: { step() {} }, discriminator: { step() {} } })).toThrow(/one logit per row/);
    expect(() => gan.trainStep(tensor([[1, 2, 3]]), {} as never)).toThrow(/step\(\)/);
    expect(() => new GAN(dense(2, 3), dense(3, 1), 0)).toThrow(/latentDim/);
  });
});
