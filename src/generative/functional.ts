/**
 * The functional pieces of variational autoencoders and GANs, built on the differentiable ops
 * (so their gradients come from the ops' own backward kernels):
 *
 *   reparameterize:  z = mu + exp(logVar / 2) * eps,  eps ~ N(0, I)
 *       dz/dmu = 1,  dz/dlogVar = exp(logVar / 2) * eps / 2
 *   KL(N(mu, sigma^2) || N(0, I)) = -1/2 sum_j (1 + logVar_j - mu_j^2 - exp(logVar_j))
 *       dKL/dmu = mu,  dKL/dlogVar = (exp(logVar) - 1) / 2
 *   GAN losses from discriminator logits l, with D = sigmoid(l):
 *       -log D = softplus(-l),  -log(1 - D) = softplus(l)
 *   so no probability is ever rounded to 0 or 1 before its log is taken.
 */
import { add, mul, mulScalar, sub } from '../ops/binary';
import { randNormal, type RandomOptions } from '../ops/creation';
import { mean, sum } from '../ops/reduce';
import { exp, neg, softplus, square } from '../ops/unary';
import { describe, formatShape, Tensor } from '../tensor';

function checkTensor(fn: string, name: string, t: unknown): asserts t is Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${fn}: ${name} must be a Tensor, got ${describe(t)}`);
}

function checkSameShape(fn: string, a: Tensor, b: Tensor, names: [string, string]): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new RangeError(`${fn}: ${names[0]} ${formatShape(a.shape)} and ${names[1]} ${formatShape(b.shape)} must have the same shape`);
  }
}

export interface ReparameterizeOptions extends RandomOptions {
  /** The standard normal noise to use (same shape as mu); drawn when omitted. */
  eps?: Tensor;
}

/**
 * The reparameterization trick: a sample z = mu + exp(logVar / 2) * eps of N(mu, diag(exp(logVar)))
 * that is differentiable in mu and logVar. mu and logVar have the same shape (N, K).
 */
export function reparameterize(mu: Tensor, logVar: Tensor, options: ReparameterizeOptions = {}): Tensor {
  checkTensor('reparameterize', 'mu', mu);
  checkTensor('reparameterize', 'logVar', logVar);
  checkSameShape('reparameterize', mu, logVar, ['mu', 'logVar']);
  const eps = options.eps ?? randNormal(mu.shape, 0, 1, options);
  checkTensor('reparameterize', 'eps', eps);
  checkSameShape('reparameterize', mu, eps, ['mu', 'eps']);
  return add(mu, mul(exp(mulScalar(logVar, 0.5)), eps));
}

export interface KlOptions {
  /** 'mean' (default): averaged over the N rows; 'sum': summed over them. */
  reduction?: 'mean' | 'sum';
}

/**
 * KL(N(mu, exp(logVar)) || N(0, I)) = -1/2 sum (1 + logVar - mu^2 - exp(logVar)), summed over
 * the latent dimensions. mu and logVar are (N, K); the result (a scalar) is averaged over the
 * N rows, or summed with reduction 'sum'.
 */
export function klDivergenceStdNormal(mu: Tensor, logVar: Tensor, options: KlOptions = {}): Tensor {
  const reduction = options.reduction ?? 'mean';
  checkTensor('klDivergenceStdNormal', 'mu', mu);
  checkTensor('klDivergenceStdNormal', 'logVar', logVar);
  checkSameShape('klDivergenceStdNormal', mu, logVar, ['mu', 'logVar']);
  if (reduction !== 'mean' && reduction !== 'sum') {
    throw new RangeError(`klDivergenceStdNormal: reduction must be 'mean' or 'sum', got ${describe(reduction)}`);
  }
  const rows = mu.rank === 0 ? 1 : mu.shape[0]!;
  const terms = sub(add(logVar, 1), add(square(mu), exp(logVar)));
  return mulScalar(sum(terms), reduction === 'mean' ? -0.5 / rows : -0.5);
}

export interface GanDiscriminatorLossOptions {
  /**
   * Target for real samples (default 1). 0.9 gives one-sided label smoothing (Salimans et al.),
   * which keeps the discriminator from becoming over-confident.
   */
  realLabel?: number;
}

/**
 * The discriminator's loss: binary cross-entropy with real samples labelled 1 (or realLabel = s)
 * and generated samples labelled 0, from logits:
 *   mean softplus(-realLogits) + (1 - s) mean realLogits + mean softplus(fakeLogits)
 * (softplus(l) - s l = softplus(-l) + (1 - s) l is the cross-entropy against target s).
 */
export function ganDiscriminatorLoss(realLogits: Tensor, fakeLogits: Tensor, options: GanDiscriminatorLossOptions = {}): Tensor {
  checkTensor('ganDiscriminatorLoss', 'realLogits', realLogits);
  checkTensor('ganDiscriminatorLoss', 'fakeLogits', fakeLogits);
  const s = options.realLabel ?? 1;
  if (typeof s !== 'number' || !(s > 0 && s <= 1)) {
    throw new RangeError(`ganDiscriminatorLoss: realLabel must be in (0, 1], got ${describe(s)}`);
  }
  const loss = add(mean(softplus(neg(realLogits))), mean(softplus(fakeLogits)));
  return s === 1 ? loss : add(loss, mulScalar(mean(realLogits), 1 - s));
}

/**
 * The non-saturating generator loss -log D(G(z)) = mean softplus(-fakeLogits): its gradient
 * stays large while the discriminator still rejects the generated samples.
 */
export function ganGeneratorLoss(fakeLogits: Tensor): Tensor {
  checkTensor('ganGeneratorLoss', 'fakeLogits', fakeLogits);
  return mean(softplus(neg(fakeLogits)));
}
