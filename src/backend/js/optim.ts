/**
 * Optimizer kernels in plain TypeScript, mirroring native/kernels/optim.cpp. Each element's
 * update is rounded to float32 at the same points as the C++ float arithmetic, so the two
 * backends agree to an ulp or so.
 */
import type { OptimKernels } from '../interface/optim';

const f = Math.fround;

export const optim: OptimKernels = {
  sgdStep(param, grad, buf, n, lr, momentum, dampening, weightDecay, nesterov, firstStep) {
    const lr32 = f(lr), m = f(momentum), keep = f(1 - f(dampening)), wd = f(weightDecay);
    for (let i = 0; i < n; i++) {
      let g = f(grad[i]! + f(wd * param[i]!));
      if (m !== 0) {
        buf[i] = firstStep ? g : f(f(m * buf[i]!) + f(keep * g));
        g = nesterov ? f(g + f(m * buf[i]!)) : buf[i]!;
      }
      param[i] = param[i]! - f(lr32 * g);
    }
  },

  adamStep(param, grad, expAvg, expAvgSq, n, lr, beta1, beta2, eps, weightDecay, step, decoupled) {
    const b1 = f(beta1), b2 = f(beta2), lr32 = f(lr), e = f(eps), wd = f(weightDecay);
    const stepSize = f(lr32 / (1 - Math.pow(b1, step)));
    const bc2Sqrt = f(Math.sqrt(1 - Math.pow(b2, step)));
    const decay = decoupled ? f(1 - f(lr32 * wd)) : 1;
    const l2 = decoupled ? 0 : wd;
    const c1 = f(1 - b1), c2 = f(1 - b2);
    for (let i = 0; i < n; i++) {
      const g = f(grad[i]! + f(l2 * param[i]!));
      param[i] = param[i]! * decay;
      expAvg[i] = f(f(b1 * expAvg[i]!) + f(c1 * g));
      expAvgSq[i] = f(f(b2 * expAvgSq[i]!) + f(f(c2 * g) * g));
      const denom = f(f(f(Math.sqrt(expAvgSq[i]!)) / bc2Sqrt) + e);
      param[i] = param[i]! - f(stepSize * f(expAvg[i]! / denom));
    }
  },

  rmspropStep(param, grad, squareAvg, buf, n, lr, alpha, eps, weightDecay, momentum) {
    const lr32 = f(lr), a = f(alpha), c = f(1 - a), e = f(eps), wd = f(weightDecay), m = f(momentum);
    for (let i = 0; i < n; i++) {
      const g = f(grad[i]! + f(wd * param[i]!));
      squareAvg[i] = f(f(a * squareAvg[i]!) + f(f(c * g) * g));
      const avg = f(f(Math.sqrt(squareAvg[i]!)) + e);
      if (m > 0) {
        buf[i] = f(f(m * buf[i]!) + f(g / avg));
        param[i] = param[i]! - f(lr32 * buf[i]!);
      } else {
        param[i] = param[i]! - f(lr32 * f(g / avg));
      }
    }
  },

  penaltyGrad(param, grad, n, l1, l2) {
    const a = f(l1), b = f(2 * f(l2));
    for (let i = 0; i < n; i++) {
      const p = param[i]!;
      const sign = p > 0 ? 1 : p < 0 ? -1 : 0;
      grad[i] = grad[i]! + f(f(a * sign) + f(b * p));
    }
  },

  maxNormRows(weight, rows, cols, maxNorm) {
    const c = f(maxNorm);
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let sq = 0;
      for (let j = 0; j < cols; j++) sq += weight[o + j]! * weight[o + j]!;
      const norm = Math.sqrt(sq);
      if (!(norm > c)) continue;
      const s = f(c / (norm + 1e-7));
      for (let j = 0; j < cols; j++) weight[o + j] = weight[o + j]! * s;
    }
  },

  clipValue(x, n, lo, hi) {
    const l = f(lo), h = f(hi);
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      x[i] = v < l ? l : v > h ? h : v;
    }
  },

  sumSquares(x, n, out) {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i]! * x[i]!;
    out[0] = s;
  },
};
