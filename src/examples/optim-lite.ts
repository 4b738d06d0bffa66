/**
 * The two training helpers the examples need: Adam and gradient-norm clipping, in plain
 * TypeScript over parameter buffers.
 * TODO: switch the examples to optim.Adam and clipGradNorm from src/optim once they are on main
 * (training branch); this file then goes.
 */
import type { Tensor } from '../tensor';

/** Scales every gradient so their global L2 norm is at most maxNorm; returns the norm before. */
export function clipGradNormLite(params: readonly Tensor[], maxNorm: number): number {
  let sq = 0;
  for (const p of params) if (p.grad) for (const g of p.grad.data) sq += g * g;
  const norm = Math.sqrt(sq);
  if (norm > maxNorm) {
    const s = maxNorm / (norm + 1e-6);
    for (const p of params) if (p.grad) p.grad.data.forEach((g, i, a) => (a[i] = g * s));
  }
  return norm;
}

/** Adam (Kingma and Ba) with PyTorch's update rule. */
export class AdamLite {
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private t = 0;
  constructor(private readonly params: readonly Tensor[], private readonly lr = 1e-3, private readonly b1 = 0.9, private readonly b2 = 0.999, private readonly eps = 1e-8) {
    this.m = params.map((p) => new Float32Array(p.size));
    this.v = params.map((p) => new Float32Array(p.size));
  }

  step(): void {
    this.t++;
    const c1 = 1 - this.b1 ** this.t, c2 = Math.sqrt(1 - this.b2 ** this.t);
    this.params.forEach((p, k) => {
      if (!p.grad) return;
      const g = p.grad.data, w = p.data, m = this.m[k]!, v = this.v[k]!;
      for (let i = 0; i < w.length; i++) {
        m[i] = this.b1 * m[i]! + (1 - this.b1) * g[i]!;
        v[i] = this.b2 * v[i]! + (1 - this.b2) * g[i]! * g[i]!;
        w[i] -= (this.lr / c1) * (m[i]! / (Math.sqrt(v[i]!) / c2 + this.eps));
      }
    });
  }

  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
  }
}
