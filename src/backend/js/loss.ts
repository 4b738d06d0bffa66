/**
 * Loss kernels in plain TypeScript, mirroring native/kernels/loss.cpp: per-element terms in
 * double, the forward sum accumulated in double, results rounded to float32 on store.
 */
import { ClassLoss, PointwiseLoss, type LossKernels } from '../interface/loss';

// PyTorch's binary_cross_entropy clamps each log at -100 and the gradient's denominator at 1e-12.
const LOG_FLOOR = -100;
const BCE_EPS = 1e-12;

function pointwiseValue(kind: PointwiseLoss, y: number, t: number, delta: number): number {
  switch (kind) {
    case PointwiseLoss.hinge: return Math.max(0, 1 - y * t);
    case PointwiseLoss.squaredHinge: {
      const m = Math.max(0, 1 - y * t);
      return m * m;
    }
    case PointwiseLoss.binaryCrossEntropy:
      return -(t * Math.max(Math.log(y), LOG_FLOOR) + (1 - t) * Math.max(Math.log1p(-y), LOG_FLOOR));
    case PointwiseLoss.binaryCrossEntropyWithLogits:
      return Math.max(y, 0) - y * t + Math.log1p(Math.exp(-Math.abs(y)));
    case PointwiseLoss.mse: return (y - t) * (y - t);
    case PointwiseLoss.l1: return Math.abs(y - t);
    case PointwiseLoss.pseudoHuber: {
      const r = (y - t) / delta;
      return delta * delta * (Math.sqrt(1 + r * r) - 1);
    }
  }
  throw new RangeError(`pointwiseLossForward: unknown kind ${kind as number}`);
}

function pointwiseGrad(kind: PointwiseLoss, y: number, t: number, delta: number): number {
  switch (kind) {
    case PointwiseLoss.hinge: return 1 - y * t > 0 ? -t : 0;
    case PointwiseLoss.squaredHinge: {
      const m = 1 - y * t;
      return m > 0 ? -2 * t * m : 0;
    }
    case PointwiseLoss.binaryCrossEntropy: return (y - t) / Math.max((1 - y) * y, BCE_EPS);
    case PointwiseLoss.binaryCrossEntropyWithLogits:
      return (y >= 0 ? 1 / (1 + Math.exp(-y)) : Math.exp(y) / (1 + Math.exp(y))) - t;
    case PointwiseLoss.mse: return 2 * (y - t);
    case PointwiseLoss.l1: {
      const d = y - t;
      return d > 0 ? 1 : d < 0 ? -1 : d !== d ? d : 0;
    }
    case PointwiseLoss.pseudoHuber: {
      const r = (y - t) / delta;
      return (y - t) / Math.sqrt(1 + r * r);
    }
  }
  throw new RangeError(`pointwiseLossBackward: unknown kind ${kind as number}`);
}

function rowMax(y: Float32Array, o: number, C: number): number {
  let m = -Infinity;
  for (let j = 0; j < C; j++) {
    const v = y[o + j]!;
    if (v !== v) return v;
    if (v > m) m = v;
  }
  return m;
}

function checkTargets(fn: string, t: Float32Array, N: number, C: number): void {
  for (let r = 0; r < N; r++) {
    const v = t[r]!;
    if (!(v >= 0 && v < C && Number.isInteger(v))) {
      throw new RangeError(`${fn}: argument 2 (t): t[${r}] must be a class index, an integer in [0, ${C}), got ${v}`);
    }
  }
}

export const loss: LossKernels = {
  pointwiseLossForward(kind, y, t, out, n, param, scale) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += pointwiseValue(kind, y[i]!, t[i]!, Math.fround(param));
    out[0] = sum * Math.fround(scale);
  },

  pointwiseLossBackward(kind, y, t, dy, n, param, scale) {
    const s = Math.fround(scale), delta = Math.fround(param);
    for (let i = 0; i < n; i++) dy[i] += Math.fround(s * pointwiseGrad(kind, y[i]!, t[i]!, delta));
  },

  classLossForward(kind, y, t, out, N, C, scale) {
    checkTargets('classLossForward', t, N, C);
    let sum = 0;
    for (let r = 0; r < N; r++) {
      const o = r * C;
      const target = t[r]!;
      const yt = y[o + target]!;
      if (kind === ClassLoss.crossEntropy) {
        const m = rowMax(y, o, C);
        let s = 0;
        for (let j = 0; j < C; j++) s += Math.exp(y[o + j]! - m);
        sum += m - yt + Math.log(s);
        continue;
      }
      for (let j = 0; j < C; j++) {
        if (j === target) continue;
        const margin = Math.max(0, 1 - (yt - y[o + j]!));
        sum += kind === ClassLoss.multiMargin ? margin : margin * margin;
      }
    }
    out[0] = sum * Math.fround(scale);
  },

  classLossBackward(kind, y, t, dy, N, C, scale) {
    checkTargets('classLossBackward', t, N, C);
    const sc = Math.fround(scale);
    for (let r = 0; r < N; r++) {
      const o = r * C;
      const target = t[r]!;
      const yt = y[o + target]!;
      if (kind === ClassLoss.crossEntropy) {
        const m = rowMax(y, o, C);
        let s = 0;
        for (let j = 0; j < C; j++) s += Math.exp(y[o + j]! - m);
        const inv = 1 / s;
        for (let j = 0; j < C; j++) {
          const p = Math.exp(y[o + j]! - m) * inv;
          dy[o + j] += Math.fround(sc * (j === target ? p - 1 : p));
        }
        continue;
      }
      let dt = 0;
      for (let j = 0; j < C; j++) {
        if (j === target) continue;
        const margin = 1 - (yt - y[o + j]!);
        if (!(margin > 0)) continue;
        const g = kind === ClassLoss.multiMargin ? 1 : 2 * margin;
        dy[o + j] += Math.fround(sc * g);
        dt -= g;
      }
      dy[o + target] += Math.fround(sc * dt);
    }
  },
};
