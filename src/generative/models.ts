/**
 * Ready-made fully connected autoencoders, VAE and GAN, built from nn layers (Linear,
 * Sequential and activations). Each returns the general module (Autoencoder,
 * VariationalAutoencoder, GAN), so the parts stay reachable as .encoder, .decoder, ...
 *
 *   linearAutoencoder(D, K)            x -> W1 x + b1 -> W2 z + b2   (no activations: the PCA subspace)
 *   shallowAutoencoder(D, K)           z = sigmoid(V x + b), x' = g(W z + c)
 *   deepAutoencoder([D, H1, ..., K])   ReLU MLP encoder to a linear code, mirrored ReLU decoder
 *   mlpVae(D, H, K)                    ReLU encoder D-H, heads H-K (mean, log-variance), decoder K-H-D
 *   mlpGan(L, [H...], D, [H...])       generator L-H...-D (LeakyReLU 0.2, sigmoid output), discriminator
 *                                      D-H...-1 (LeakyReLU 0.2 and dropout, logit output)
 */
import { Dropout, Linear, LeakyReLU, ReLU, Sequential, Sigmoid } from '../nn/layers';
import type { Module } from '../nn/module';
import type { Random } from '../random';
import { describe } from '../tensor';
import { Autoencoder, type AutoencoderOptions } from './autoencoder';
import { GAN } from './gan';
import { VariationalAutoencoder, type VAEOptions } from './vae';

function checkSizes(fn: string, sizes: unknown, min: number): number[] {
  if (!Array.isArray(sizes) || sizes.length < min || !sizes.every((s) => Number.isInteger(s) && s >= 1)) {
    throw new RangeError(`${fn}: sizes must be an array of at least ${min} positive integers, got ${describe(sizes)}`);
  }
  return sizes as number[];
}

/** Linear layers through `sizes`, with the modules from `between()` after every layer but the last. */
function mlp(sizes: number[], between: () => Module[], rng?: Random): Sequential {
  const layers: Module[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    layers.push(new Linear(sizes[i]!, sizes[i + 1]!, { rng }));
    if (i + 2 < sizes.length) layers.push(...between());
  }
  return new Sequential(...layers);
}

/** The linear autoencoder: one hidden layer of K units, no activations; identity output by default. */
export function linearAutoencoder(D: number, K: number, options: AutoencoderOptions = {}): Autoencoder {
  const [d, k] = checkSizes('linearAutoencoder', [D, K], 2);
  return new Autoencoder(new Linear(d!, k!, { rng: options.rng }), new Linear(k!, d!, { rng: options.rng }), options);
}

/** The shallow nonlinear autoencoder z = sigmoid(V x + b), x' = g(W z + c). */
export function shallowAutoencoder(D: number, K: number, options: AutoencoderOptions = {}): Autoencoder {
  const [d, k] = checkSizes('shallowAutoencoder', [D, K], 2);
  const encoder = new Sequential(new Linear(d!, k!, { rng: options.rng }), new Sigmoid());
  return new Autoencoder(encoder, new Linear(k!, d!, { rng: options.rng }), options);
}

/**
 * A deep ReLU autoencoder: encoder through sizes [D, H1, ..., K] (ReLU between layers, a linear
 * code), decoder through the reverse [K, ..., H1, D].
 */
export function deepAutoencoder(sizes: number[], options: AutoencoderOptions = {}): Autoencoder {
  const s = checkSizes('deepAutoencoder', sizes, 2);
  const relu = () => [new ReLU()];
  return new Autoencoder(mlp(s, relu, options.rng), mlp([...s].reverse(), relu, options.rng), options);
}

/** A VAE with one ReLU hidden layer of H units on each side and a K-dimensional latent. */
export function mlpVae(D: number, H: number, K: number, options: VAEOptions = {}): VariationalAutoencoder {
  const [d, h, k] = checkSizes('mlpVae', [D, H, K], 3);
  const rng = options.rng;
  return new VariationalAutoencoder({
    encoder: new Sequential(new Linear(d!, h!, { rng }), new ReLU()),
    meanHead: new Linear(h!, k!, { rng }),
    logVarHead: new Linear(h!, k!, { rng }),
    decoder: mlp([k!, h!, d!], () => [new ReLU()], rng),
    latentDim: k!,
  }, options);
}

export interface MlpGanOptions {
  /** Dropout probability after each hidden layer of the discriminator (default 0.3; 0 for none). */
  dropout?: number;
  /** Discriminator target for real samples (default 1; see GANOptions). */
  realLabel?: number;
  rng?: Random;
}

/**
 * A fully connected GAN: generator latentDim -> generatorHidden... -> D with LeakyReLU(0.2) and a
 * sigmoid output (data in [0, 1]); discriminator D -> discriminatorHidden... -> 1 logit with
 * LeakyReLU(0.2) and dropout, which keeps it from overpowering the generator early on.
 */
export function mlpGan(latentDim: number, generatorHidden: number[], D: number, discriminatorHidden: number[], options: MlpGanOptions = {}): GAN {
  const g = checkSizes('mlpGan', [latentDim, ...generatorHidden, D], 2);
  const d = checkSizes('mlpGan', [D, ...discriminatorHidden, 1], 2);
  const p = options.dropout ?? 0.3;
  if (typeof p !== 'number' || !(p >= 0 && p < 1)) throw new RangeError(`mlpGan: dropout must be in [0, 1), got ${describe(p)}`);
  const rng = options.rng;
  const generator = new Sequential(mlp(g, () => [new LeakyReLU(0.2)], rng), new Sigmoid());
  const discriminator = mlp(d, () => (p > 0 ? [new LeakyReLU(0.2), new Dropout(p, { rng })] : [new LeakyReLU(0.2)]), rng);
  return new GAN(generator, discriminator, latentDim, { rng, realLabel: options.realLabel });
}
