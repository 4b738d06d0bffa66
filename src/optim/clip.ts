/** Gradient clipping, as torch.nn.utils.clip_grad_value_ / clip_grad_norm_ (in place). */
import { backend } from '../backend/registry';
import { describe, Tensor } from '../tensor';

function gradsOf(fn: string, params: Iterable<Tensor>): Float32Array[] {
  const out: Float32Array[] = [];
  for (const p of params) {
    if (!(p instanceof Tensor)) throw new TypeError(`${fn}: params must be Tensors, got ${describe(p)}`);
    if (p.grad) out.push(p.grad.data);
  }
  return out;
}

/** Clamps every gradient element to [-clipValue, clipValue]. */
export function clipGradValue(params: Iterable<Tensor>, clipValue: number): void {
  if (typeof clipValue !== 'number' || !(clipValue >= 0)) {
    throw new RangeError(`clipGradValue: clipValue must be a number >= 0, got ${describe(clipValue)}`);
  }
  const B = backend();
  for (const g of gradsOf('clipGradValue', params)) B.clipValue(g, g.length, -clipValue, clipValue);
}

/**
 * Scales all gradients together so that their global L2 norm (over every parameter) is at
 * most maxNorm: when the norm exceeds it, each gradient is multiplied by maxNorm / (norm + 1e-6).
 * Returns the norm before clipping.
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number): number {
  if (typeof maxNorm !== 'number' || !(maxNorm > 0)) {
    throw new RangeError(`clipGradNorm: maxNorm must be a number > 0, got ${describe(maxNorm)}`);
  }
  const B = backend();
  const grads = gradsOf('clipGradNorm', params);
  const partial = new Float32Array(1);
  let total = 0;
  for (const g of grads) {
    B.sumSquares(g, g.length, partial);
    total += partial[0]!;
  }
  const norm = Math.sqrt(total);
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) for (const g of grads) B.scale(g, coef, g, g.length);
  return norm;
}
