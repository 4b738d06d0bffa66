/**
 * Variational autoencoder (Kingma and Welling). The encoder gives features h = encoder(x); two
 * heads give the mean mu = meanHead(h) and the log-variance logVar = logVarHead(h) of
 * q(z | x) = N(mu, diag(exp(logVar))); z is drawn with the reparameterization trick and decoded.
 *
 *   loss = reconstruction(x' , x) + KL(q(z | x) || N(0, I))
 *
 * both summed over features / latent units and averaged over the batch (the negative ELBO per
 * example). sample(n) decodes z ~ N(0, I) into new data.
 */
import { noGrad } from '../autograd';
import { Module } from '../nn/module';
import { moduleFromConfig, moduleToConfig, registerModuleClass, type ModuleConfig } from '../nn/registry';
import { add, mulScalar } from '../ops/binary';
import { randNormal } from '../ops/creation';
import { sigmoid } from '../ops/unary';
import { defaultRandom, type Random } from '../random';
import { tidy } from '../scope';
import { describe, formatShape, type Tensor } from '../tensor';
import { checkBatch, checkOutput, reconstructionLoss, type OutputActivation } from './autoencoder';
import { klDivergenceStdNormal, reparameterize } from './functional';

export interface VAEParts {
  /** x (N, ...) -> features h (N, H). */
  encoder: Module;
  /** h -> mu (N, K). */
  meanHead: Module;
  /** h -> logVar (N, K). */
  logVarHead: Module;
  /** z (N, K) -> x' (N, ...) (logits when output is 'sigmoid'). */
  decoder: Module;
  /** K, the latent dimension. */
  latentDim: number;
}

export interface VAEOptions {
  /** 'sigmoid' (cross-entropy, data in [0, 1]; the default) or 'identity' (squared error). */
  output?: OutputActivation;
  /** Weight of the KL term (default 1; other values give a beta-VAE). */
  beta?: number;
  /** Generator for the reparameterization noise and sample() (default: the global one). */
  rng?: Random;
}

export interface VAELoss {
  /** reconstruction + beta * kl, a scalar tensor to back-propagate. */
  loss: Tensor;
  reconstruction: Tensor;
  kl: Tensor;
}

export class VariationalAutoencoder extends Module {
  static override className = 'VariationalAutoencoder';
  readonly encoder: Module;
  readonly meanHead: Module;
  readonly logVarHead: Module;
  readonly decoder: Module;
  readonly latentDim: number;
  readonly output: OutputActivation;
  readonly beta: number;
  private readonly rng: Random;

  constructor(parts: VAEParts, options: VAEOptions = {}) {
    super();
    for (const name of ['encoder', 'meanHead', 'logVarHead', 'decoder'] as const) {
      if (!(parts?.[name] instanceof Module)) {
        throw new TypeError(`VariationalAutoencoder: ${name} must be a Module, got ${describe(parts?.[name])}`);
      }
    }
    const K = parts.latentDim;
    if (typeof K !== 'number' || !Number.isInteger(K) || K < 1) {
      throw new RangeError(`VariationalAutoencoder: latentDim must be a positive integer, got ${describe(K)}`);
    }
    this.encoder = this.registerModule('encoder', parts.encoder);
    this.meanHead = this.registerModule('meanHead', parts.meanHead);
    this.logVarHead = this.registerModule('logVarHead', parts.logVarHead);
    this.decoder = this.registerModule('decoder', parts.decoder);
    this.latentDim = K;
    this.output = checkOutput('VariationalAutoencoder', options.output ?? 'sigmoid');
    const beta = options.beta ?? 1;
    if (typeof beta !== 'number' || !(beta >= 0)) throw new RangeError(`VariationalAutoencoder: beta must be a number >= 0, got ${describe(beta)}`);
    this.beta = beta;
    this.rng = options.rng ?? defaultRandom;
  }

  /** The parameters of q(z | x): mu and logVar, each (N, K). */
  encode(x: Tensor): { mu: Tensor; logVar: Tensor } {
    checkBatch('VariationalAutoencoder.encode', x);
    const h = this.encoder.forward(x);
    const mu = this.meanHead.forward(h);
    const logVar = this.logVarHead.forward(h);
    if (mu.rank !== 2 || mu.shape[1] !== this.latentDim || logVar.size !== mu.size) {
      throw new RangeError(
        `VariationalAutoencoder: the heads must give (N, ${this.latentDim}), got mu ${formatShape(mu.shape)} and logVar ${formatShape(logVar.shape)}`,
      );
    }
    return { mu, logVar };
  }

  /** g(decoder(z)) for codes z (N, K). */
  decode(z: Tensor): Tensor {
    const out = this.decoder.forward(z);
    return this.output === 'sigmoid' ? sigmoid(out) : out;
  }

  /** The reconstruction decoded from the mean code (deterministic). */
  forward(x: Tensor): Tensor {
    return this.decode(this.encode(x).mu);
  }

  /** The negative ELBO for a batch x, with its two terms. */
  loss(x: Tensor): VAELoss {
    const { mu, logVar } = this.encode(x);
    const z = reparameterize(mu, logVar, { rng: this.rng });
    const reconstruction = reconstructionLoss(this.output, this.decoder.forward(z), x);
    const kl = klDivergenceStdNormal(mu, logVar);
    const loss = this.beta === 1 ? add(reconstruction, kl) : add(reconstruction, mulScalar(kl, this.beta));
    return { loss, reconstruction, kl };
  }

  /** n new samples g(decoder(z)), z ~ N(0, I); no gradient is recorded. */
  sample(n: number, rng: Random = this.rng): Tensor {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`VariationalAutoencoder.sample: n must be a positive integer, got ${describe(n)}`);
    return tidy(() => noGrad(() => this.decode(randNormal([n, this.latentDim], 0, 1, { rng }))));
  }

  /** The architecture, all four parts included (their classes must be registered). */
  override getConfig(): Record<string, unknown> {
    return {
      encoder: moduleToConfig(this.encoder), meanHead: moduleToConfig(this.meanHead),
      logVarHead: moduleToConfig(this.logVarHead), decoder: moduleToConfig(this.decoder),
      latentDim: this.latentDim, output: this.output, beta: this.beta,
    };
  }

  static fromConfig(c: Record<string, unknown>): VariationalAutoencoder {
    const part = (name: string) => moduleFromConfig(c[name] as ModuleConfig);
    return new VariationalAutoencoder(
      { encoder: part('encoder'), meanHead: part('meanHead'), logVarHead: part('logVarHead'), decoder: part('decoder'), latentDim: c.latentDim as number },
      { output: c.output as OutputActivation, beta: c.beta as number },
    );
  }
}

registerModuleClass(VariationalAutoencoder);
