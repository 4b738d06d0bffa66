/**
 * Generative adversarial network (Goodfellow et al.): a generator G maps noise z ~ N(0, I) to
 * samples; a discriminator D maps a sample to a logit (the log-odds that it is real). They are
 * trained in alternation, each with its own optimizer:
 *
 *   1. discriminator step: minimise  -log D(x) - log(1 - D(G(z)))   (G's output detached)
 *   2. generator step:     minimise  -log D(G(z))                   (non-saturating loss; D frozen)
 *
 * Both losses are computed from logits (see functional.ts).
 */
import { noGrad } from '../autograd';
import { Module } from '../nn/module';
import { moduleFromConfig, moduleToConfig, registerModuleClass, type ModuleConfig } from '../nn/registry';
import { randNormal } from '../ops/creation';
import { defaultRandom, type Random } from '../random';
import { tidy } from '../scope';
import { describe, formatShape, type Tensor } from '../tensor';
import { checkBatch } from './autoencoder';
import { ganDiscriminatorLoss, ganGeneratorLoss } from './functional';

/** What trainStep needs from an optimizer: apply the gradients held in its parameters' .grad. */
export interface StepOptimizer {
  step(): void;
}

export interface GANOptions {
  /** Generator for the noise z (default: the global one). */
  rng?: Random;
  /** Discriminator target for real samples (default 1; 0.9 for one-sided label smoothing). */
  realLabel?: number;
}

export interface GANStepResult {
  discriminatorLoss: number;
  generatorLoss: number;
}

export class GAN extends Module {
  static override className = 'GAN';
  readonly generator: Module;
  readonly discriminator: Module;
  readonly latentDim: number;
  readonly realLabel: number;
  private readonly rng: Random;

  /** generator: z (N, latentDim) -> samples; discriminator: samples -> logits (N, 1) or (N). */
  constructor(generator: Module, discriminator: Module, latentDim: number, options: GANOptions = {}) {
    super();
    if (!(generator instanceof Module)) throw new TypeError(`GAN: generator must be a Module, got ${describe(generator)}`);
    if (!(discriminator instanceof Module)) throw new TypeError(`GAN: discriminator must be a Module, got ${describe(discriminator)}`);
    if (typeof latentDim !== 'number' || !Number.isInteger(latentDim) || latentDim < 1) {
      throw new RangeError(`GAN: latentDim must be a positive integer, got ${describe(latentDim)}`);
    }
    this.generator = this.registerModule('generator', generator);
    this.discriminator = this.registerModule('discriminator', discriminator);
    this.latentDim = latentDim;
    this.rng = options.rng ?? defaultRandom;
    const s = options.realLabel ?? 1;
    if (typeof s !== 'number' || !(s > 0 && s <= 1)) throw new RangeError(`GAN: realLabel must be in (0, 1], got ${describe(s)}`);
    this.realLabel = s;
  }

  /** G(z) for noise z (N, latentDim). */
  forward(z: Tensor): Tensor {
    return this.generator.forward(z);
  }

  /** Draws noise z (n, latentDim). */
  noise(n: number, rng: Random = this.rng): Tensor {
    return randNormal([n, this.latentDim], 0, 1, { rng });
  }

  /** n generated samples; no gradient is recorded. */
  sample(n: number, rng: Random = this.rng): Tensor {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`GAN.sample: n must be a positive integer, got ${describe(n)}`);
    return tidy(() => noGrad(() => this.generator.forward(this.noise(n, rng))));
  }

  /** Discriminator logits for a batch, checked to be one per row. */
  logits(x: Tensor): Tensor {
    const out = this.discriminator.forward(x);
    if (out.size !== x.shape[0]) {
      throw new RangeError(`GAN: the discriminator must give one logit per row (${x.shape[0]}), got ${formatShape(out.shape)}`);
    }
    return out;
  }

  /**
   * One round of alternating updates on a batch of real samples (N, ...): a discriminator step
   * with its optimizer, then a generator step with the other. Gradients of each network are
   * cleared before its own step. Returns both losses (before the updates).
   */
  trainStep(real: Tensor, optimizers: { generator: StepOptimizer; discriminator: StepOptimizer }): GANStepResult {
    checkBatch('GAN.trainStep', real);
    for (const name of ['generator', 'discriminator'] as const) {
      if (typeof optimizers?.[name]?.step !== 'function') {
        throw new TypeError(`GAN.trainStep: optimizers.${name} must have a step() method, got ${describe(optimizers?.[name])}`);
      }
    }
    const n = real.shape[0]!;
    const discriminatorLoss = tidy(() => {
      this.discriminator.zeroGrad();
      const fake = noGrad(() => this.generator.forward(this.noise(n)));
      const loss = ganDiscriminatorLoss(this.logits(real), this.logits(fake), { realLabel: this.realLabel });
      loss.backward();
      optimizers.discriminator.step();
      return loss.item();
    });
    const generatorLoss = tidy(() => {
      this.generator.zeroGrad();
      // Freeze D: its gradients are not needed for G's step.
      const trainable = this.discriminator.parameters().filter((p) => p.requiresGrad);
      for (const p of trainable) p.requiresGrad = false;
      try {
        const loss = ganGeneratorLoss(this.logits(this.generator.forward(this.noise(n))));
        loss.backward();
        optimizers.generator.step();
        return loss.item();
      } finally {
        for (const p of trainable) p.requiresGrad = true;
      }
    });
    return { discriminatorLoss, generatorLoss };
  }

  /** The architecture, both networks included (their classes must be registered). */
  override getConfig(): Record<string, unknown> {
    return { generator: moduleToConfig(this.generator), discriminator: moduleToConfig(this.discriminator), latentDim: this.latentDim, realLabel: this.realLabel };
  }

  static fromConfig(c: Record<string, unknown>): GAN {
    return new GAN(moduleFromConfig(c.generator as ModuleConfig), moduleFromConfig(c.discriminator as ModuleConfig), c.latentDim as number, {
      realLabel: (c.realLabel as number | undefined) ?? 1,
    });
  }
}

registerModuleClass(GAN);
