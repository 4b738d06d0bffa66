/**
 * Autoencoders as composable modules: an encoder x -> z (the bottleneck code of size K) and a
 * decoder z -> x', any two Modules. The output function g is applied by the autoencoder, so
 * that the loss can be computed stably:
 *
 *   output 'identity'  x' = decoder(z)            loss: squared error     sum_j (x'_j - x_j)^2
 *   output 'sigmoid'   x' = sigmoid(decoder(z))   loss: cross-entropy     -sum_j x_j log x'_j + (1 - x_j) log(1 - x'_j)
 *                                                 (from the decoder's logits, for x in [0, 1])
 *
 * Variants are options of the same module:
 *   - sparse:    sparsity = lambda adds lambda * sum_i |z_i| to the loss;
 *   - denoising: noise corrupts the input (x~ = x + N(0, std^2), or each value zeroed with
 *                probability p) while the loss still compares with the clean x.
 * Losses are summed over the features (and code units) and averaged over the N rows.
 * Noise is applied only in training mode, and only inside loss(): forward() never corrupts.
 *
 * The linear autoencoder (one hidden layer, no activations, identity output, squared loss)
 * learns the subspace of the K leading principal components; the nonlinear and deep ones
 * just use other encoders and decoders (see the factories in generative/models.ts).
 */
import { noGrad } from '../autograd';
import { Module } from '../nn/module';
import { moduleFromConfig, moduleToConfig, registerModuleClass, type ModuleConfig } from '../nn/registry';
import { add, mul, mulScalar } from '../ops/binary';
import { randNormal, randUniform } from '../ops/creation';
import { binaryCrossEntropyWithLogits, mseLoss } from '../ops/loss';
import { sum } from '../ops/reduce';
import { abs, sigmoid } from '../ops/unary';
import { defaultRandom, type Random } from '../random';
import { tidy } from '../scope';
import { describe, formatShape, Tensor } from '../tensor';

export type OutputActivation = 'identity' | 'sigmoid';

/** Input corruption for denoising autoencoders. */
export type Noise = { kind: 'gaussian'; std: number } | { kind: 'masking'; p: number };

export interface AutoencoderOptions {
  /** g: 'identity' (squared loss, the default) or 'sigmoid' (cross-entropy loss, data in [0, 1]). */
  output?: OutputActivation;
  /** lambda of the L1 penalty lambda * sum |z_i| on the code (default 0: none). */
  sparsity?: number;
  /** Corrupt the inputs during training (denoising autoencoder); default none. */
  noise?: Noise | null;
  /** Generator for the noise (default: the global one). */
  rng?: Random;
}

export function checkOutput(fn: string, output: unknown): OutputActivation {
  if (output !== 'identity' && output !== 'sigmoid') {
    throw new RangeError(`${fn}: output must be 'identity' or 'sigmoid', got ${describe(output)}`);
  }
  return output;
}

function checkNoise(noise: unknown): Noise | null {
  if (noise === null || noise === undefined) return null;
  const n = noise as Noise;
  if (n.kind === 'gaussian' && typeof n.std === 'number' && n.std >= 0) return n;
  if (n.kind === 'masking' && typeof n.p === 'number' && n.p >= 0 && n.p < 1) return n;
  throw new RangeError(`Autoencoder: noise must be { kind: 'gaussian', std >= 0 } or { kind: 'masking', 0 <= p < 1 }, got ${JSON.stringify(noise)}`);
}

function checkModule(fn: string, name: string, m: unknown): asserts m is Module {
  if (!(m instanceof Module)) throw new TypeError(`${fn}: ${name} must be a Module, got ${describe(m)}`);
}

export function checkBatch(fn: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${fn}: x must be a Tensor, got ${describe(x)}`);
  if (x.rank < 2) throw new RangeError(`${fn}: x must be a batch (N, ...), got ${formatShape(x.shape)}`);
}

/**
 * Reconstruction loss of the decoder output `out` (logits when output is 'sigmoid') against
 * `target`, summed over features and averaged over the N rows.
 */
export function reconstructionLoss(output: OutputActivation, out: Tensor, target: Tensor): Tensor {
  if (out.size !== target.size) {
    throw new RangeError(`reconstructionLoss: output ${formatShape(out.shape)} and target ${formatShape(target.shape)} differ in size`);
  }
  const t = target.shape.length === out.shape.length ? target : target.reshape(out.shape);
  const rows = out.shape[0]!;
  const total = output === 'identity'
    ? mseLoss(out, t, { reduction: 'sum' })
    : binaryCrossEntropyWithLogits(out, t, { reduction: 'sum' });
  return mulScalar(total, 1 / rows);
}

/** x with the given noise applied (a new tensor, cut off from the graph). */
export function corrupt(x: Tensor, noise: Noise, rng: Random = defaultRandom): Tensor {
  return noGrad(() =>
    tidy(() => {
      if (noise.kind === 'gaussian') return add(x.detach(), randNormal(x.shape, 0, noise.std, { rng }));
      const keepMask = randUniform(x.shape, 0, 1, { rng });
      const m = keepMask.data;
      for (let i = 0; i < m.length; i++) m[i] = m[i]! < noise.p ? 0 : 1;
      return mul(x.detach(), keepMask);
    }),
  );
}

export class Autoencoder extends Module {
  static override className = 'Autoencoder';
  readonly encoder: Module;
  readonly decoder: Module;
  readonly output: OutputActivation;
  readonly sparsity: number;
  readonly noise: Noise | null;
  private readonly rng: Random;

  /** encoder maps (N, ...) to codes (N, K); decoder maps codes back to (N, ...). */
  constructor(encoder: Module, decoder: Module, options: AutoencoderOptions = {}) {
    super();
    checkModule('Autoencoder', 'encoder', encoder);
    checkModule('Autoencoder', 'decoder', decoder);
    this.encoder = this.registerModule('encoder', encoder);
    this.decoder = this.registerModule('decoder', decoder);
    this.output = checkOutput('Autoencoder', options.output ?? 'identity');
    const lambda = options.sparsity ?? 0;
    if (typeof lambda !== 'number' || !(lambda >= 0)) throw new RangeError(`Autoencoder: sparsity must be a number >= 0, got ${describe(lambda)}`);
    this.sparsity = lambda;
    this.noise = checkNoise(options.noise);
    this.rng = options.rng ?? defaultRandom;
  }

  /** The codes z = encoder(x), (N, K). */
  encode(x: Tensor): Tensor {
    checkBatch('Autoencoder.encode', x);
    return this.encoder.forward(x);
  }

  /** The reconstructions g(decoder(z)). */
  decode(z: Tensor): Tensor {
    const out = this.decoder.forward(z);
    return this.output === 'sigmoid' ? sigmoid(out) : out;
  }

  /** g(decoder(encoder(x))): the reconstruction of x (never corrupted). */
  forward(x: Tensor): Tensor {
    return this.decode(this.encode(x));
  }

  /** The sparsity penalty lambda * sum_i |z_i|, averaged over the rows of z. */
  codePenalty(z: Tensor): Tensor {
    return mulScalar(sum(abs(z)), this.sparsity / z.shape[0]!);
  }

  /**
   * The training loss for a batch x (N, ...): reconstruction loss of x from the (in training
   * mode, corrupted) input, plus the sparsity penalty. A scalar tensor.
   */
  loss(x: Tensor): Tensor {
    checkBatch('Autoencoder.loss', x);
    const input = this.noise && this.training ? corrupt(x, this.noise, this.rng) : x;
    const z = this.encoder.forward(input);
    const rec = reconstructionLoss(this.output, this.decoder.forward(z), x);
    return this.sparsity > 0 ? add(rec, this.codePenalty(z)) : rec;
  }

  /** The architecture, encoder and decoder included (their classes must be registered). */
  override getConfig(): Record<string, unknown> {
    return {
      encoder: moduleToConfig(this.encoder), decoder: moduleToConfig(this.decoder),
      output: this.output, sparsity: this.sparsity, noise: this.noise,
    };
  }

  static fromConfig(c: Record<string, unknown>): Autoencoder {
    return new Autoencoder(moduleFromConfig(c.encoder as ModuleConfig), moduleFromConfig(c.decoder as ModuleConfig), {
      output: c.output as OutputActivation, sparsity: c.sparsity as number, noise: c.noise as Noise | null,
    });
  }
}

registerModuleClass(Autoencoder);
