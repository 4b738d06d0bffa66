import { describe, expect, it } from 'vitest';
import { PCA } from '../../src/decomposition/pca';
import { deepAutoencoder, linearAutoencoder, mlpGan, mlpVae, shallowAutoencoder } from '../../src/generative/models';
import {
  Adam, Autoencoder, GAN, Linear, manualSeed, moduleFromConfig, moduleToConfig, noGrad, Random, randUniform, SGD, tidy,
  VariationalAutoencoder, type Module, type Tensor,
} from '../../src/index';
import { gaussianData, principalCosines } from './tiny';

/** Forward outputs of two modules agree on x. */
function sameOutputs(a: Module, b: Module, x: Tensor): void {
  const ya = noGrad(() => a.forward(x)).toArray();
  const yb = noGrad(() => b.forward(x)).toArray();
  expect(yb).toEqual(ya);
}

/** Rebuilds a module from its config and copies its weights over. */
function roundTrip<M extends Module>(m: M): M {
  const config = JSON.parse(JSON.stringify(moduleToConfig(m)));
  const copy = moduleFromConfig(config) as M;
  copy.loadStateDict(m.stateDict());
  return copy.eval() as M;
}

describe('ready-made generative models', () => {
  it('linearAutoencoder trained with SGD spans the PCA subspace', () => {
    manualSeed(4);
    const x = gaussianData(300, [9, 4, 0.3, 0.2, 0.1, 0.05], new Random(1));
    const pca = new PCA({ nComponents: 2 }).fit(x);
    const ae = linearAutoencoder(6, 2);
    const opt = new SGD(ae.parameters(), { lr: 0.01, momentum: 0.9 });
    for (let s = 0; s < 300; s++) tidy(() => { opt.zeroGrad(); ae.loss(x).backward(); opt.step(); });
    const W = (ae.decoder as Linear).weight; // (6, 2)
    const cols = new Float32Array(12);
    for (let j = 0; j < 6; j++) for (let k = 0; k < 2; k++) cols[k * 6 + j] = W.data[j * 2 + k]!;
    const cos = principalCosines(pca.components!.data, cols, 2, 6);
    expect(Math.acos(Math.min(1, ...cos)) * 180 / Math.PI).toBeLessThan(3);
  });

  it('autoencoders have the requested code sizes and survive a config round trip', () => {
    manualSeed(5);
    const x = randUniform([3, 20]);
    const shallow = shallowAutoencoder(20, 4, { output: 'sigmoid' });
    const deep = deepAutoencoder([20, 12, 8, 3], { sparsity: 0.1, noise: { kind: 'masking', p: 0.2 } });
    expect(noGrad(() => shallow.encode(x)).shape).toEqual([3, 4]);
    expect(noGrad(() => shallow.encode(x)).toArray().every((v) => v > 0 && v < 1)).toBe(true);
    expect(noGrad(() => deep.encode(x)).shape).toEqual([3, 3]);
    expect(noGrad(() => deep.forward(x)).shape).toEqual([3, 20]);
    expect(deep.encoder.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias', '4.weight', '4.bias']);
    for (const ae of [shallow, deep]) {
      const copy = roundTrip(ae);
      expect(copy).toBeInstanceOf(Autoencoder);
      expect(copy.getConfig()).toEqual(ae.getConfig());
      sameOutputs(ae.eval(), copy, x);
    }
  });

  it('mlpVae and mlpGan train a step with Adam, sample, and survive a config round trip', () => {
    manualSeed(6);
    const x = randUniform([8, 16]);
    const vae = mlpVae(16, 10, 2);
    const opt = new Adam(vae.parameters(), { lr: 1e-2 });
    const losses = Array.from({ length: 30 }, () => tidy(() => {
      opt.zeroGrad();
      const { loss } = vae.loss(x);
      loss.backward();
      opt.step();
      return loss.item();
    }));
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    expect(vae.sample(4).shape).toEqual([4, 16]);
    const vaeCopy = roundTrip(vae);
    expect(vaeCopy).toBeInstanceOf(VariationalAutoencoder);
    sameOutputs(vae.eval(), vaeCopy, x);

    const gan = mlpGan(3, [8], 16, [8]);
    const adam = (m: Module) => new Adam(m.parameters(), { lr: 1e-3 });
    const r = tidy(() => gan.trainStep(x, { generator: adam(gan.generator), discriminator: adam(gan.discriminator) }));
    expect(Number.isFinite(r.discriminatorLoss) && Number.isFinite(r.generatorLoss)).toBe(true);
    const s = gan.sample(5);
    expect(s.shape).toEqual([5, 16]);
    expect(s.toArray().every((v) => v > 0 && v < 1)).toBe(true);
    const ganCopy = roundTrip(gan);
    expect(ganCopy).toBeInstanceOf(GAN);
    const z = gan.noise(2, new Random(1));
    sameOutputs(gan.eval(), ganCopy, z);
  });

  it('rejects bad sizes', () => {
    expect(() => deepAutoencoder([10])).toThrow(/at least 2/);
    expect(() => linearAutoencoder(10, 0)).toThrow(RangeError);
    expect(() => mlpVae(10, 5, 1.5)).toThrow(RangeError);
  });
});
