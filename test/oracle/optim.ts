/** PyTorch's optimizer update formulas, one element at a time in float64. */

export function sgdOracle(p: number[], g: number[], buf: number[], o: { lr: number; momentum: number; dampening: number; wd: number; nesterov: boolean; first: boolean }): void {
  for (let i = 0; i < p.length; i++) {
    let d = g[i]! + o.wd * p[i]!;
    if (o.momentum !== 0) {
      buf[i] = o.first ? d : o.momentum * buf[i]! + (1 - o.dampening) * d;
      d = o.nesterov ? d + o.momentum * buf[i]! : buf[i]!;
    }
    p[i] = p[i]! - o.lr * d;
  }
}

export function adamOracle(p: number[], g: number[], m: number[], v: number[], o: { lr: number; b1: number; b2: number; eps: number; wd: number; step: number; decoupled: boolean }): void {
  for (let i = 0; i < p.length; i++) {
    let d = g[i]!;
    if (o.decoupled) p[i] = p[i]! * (1 - o.lr * o.wd);
    else d += o.wd * p[i]!;
    m[i] = o.b1 * m[i]! + (1 - o.b1) * d;
    v[i] = o.b2 * v[i]! + (1 - o.b2) * d * d;
    const mHat = m[i]! / (1 - o.b1 ** o.step);
    const vHat = v[i]! / (1 - o.b2 ** o.step);
    p[i] = p[i]! - (o.lr * mHat) / (Math.sqrt(vHat) + o.eps);
  }
}

export function rmspropOracle(p: number[], g: number[], sq: number[], buf: number[], o: { lr: number; alpha: number; eps: number; wd: number; momentum: number }): void {
  for (let i = 0; i < p.length; i++) {
    const d = g[i]! + o.wd * p[i]!;
    sq[i] = o.alpha * sq[i]! + (1 - o.alpha) * d * d;
    const avg = Math.sqrt(sq[i]!) + o.eps;
    if (o.momentum > 0) {
      buf[i] = o.momentum * buf[i]! + d / avg;
      p[i] = p[i]! - o.lr * buf[i]!;
    } else p[i] = p[i]! - (o.lr * d) / avg;
  }
}
