/**
 * Batch normalization in plain TypeScript, mirroring native/kernels/batchnorm.cpp: per-channel
 * sums in double, per-element maps rounded to float32 at the same points as the C++ code.
 */
import type { BatchnormKernels } from '../interface/batchnorm';

const f = Math.fround;

/** out[n, c, :] = (x - m) * scale + shift for one channel, in float32 steps. */
function affineChannel(N: number, C: number, HW: number, c: number, x: Float32Array, m: number, scale: number, shift: number, out: Float32Array): void {
  for (let n = 0; n < N; n++) {
    const base = (n * C + c) * HW;
    for (let i = base; i < base + HW; i++) out[i] = f(f(f(x[i]! - m) * scale) + shift);
  }
}

export const batchnorm: BatchnormKernels = {
  batchNorm2dForwardTrain(x, weight, bias, out, saveMean, saveInvstd, runningMean, runningVar, N, C, HW, momentum, eps) {
    const count = N * HW;
    const mom = f(momentum), e = f(eps);
    for (let c = 0; c < C; c++) {
      let sum = 0;
      for (let n = 0; n < N; n++) {
        const base = (n * C + c) * HW;
        for (let i = base; i < base + HW; i++) sum += x[i]!;
      }
      const mean = count > 0 ? sum / count : 0;
      let ss = 0;
      for (let n = 0; n < N; n++) {
        const base = (n * C + c) * HW;
        for (let i = base; i < base + HW; i++) {
          const d = x[i]! - mean;
          ss += d * d;
        }
      }
      const variance = count > 0 ? ss / count : 0;
      const invstd = 1 / Math.sqrt(variance + e);
      const g = weight.length > 0 ? weight[c]! : 1;
      const m = f(mean);
      saveMean[c] = m;
      saveInvstd[c] = invstd;
      affineChannel(N, C, HW, c, x, m, f(g * invstd), bias.length > 0 ? bias[c]! : 0, out);
      if (runningMean.length > 0) runningMean[c] = (1 - mom) * runningMean[c]! + mom * mean;
      if (runningVar.length > 0) {
        const unbiased = count > 1 ? (variance * count) / (count - 1) : variance;
        runningVar[c] = (1 - mom) * runningVar[c]! + mom * unbiased;
      }
    }
  },

  batchNorm2dForwardEval(x, weight, bias, runningMean, runningVar, out, saveMean, saveInvstd, N, C, HW, eps) {
    const e = f(eps);
    for (let c = 0; c < C; c++) {
      const invstd = 1 / Math.sqrt(runningVar[c]! + e);
      const g = weight.length > 0 ? weight[c]! : 1;
      saveMean[c] = runningMean[c]!;
      saveInvstd[c] = invstd;
      affineChannel(N, C, HW, c, x, runningMean[c]!, f(g * invstd), bias.length > 0 ? bias[c]! : 0, out);
    }
  },

  batchNorm2dBackward(dout, x, weight, saveMean, saveInvstd, dx, dweight, dbias, N, C, HW, training) {
    const count = N * HW;
    for (let c = 0; c < C; c++) {
      const m = saveMean[c]!, invstd = saveInvstd[c]!;
      let sdy = 0, sdyx = 0;
      for (let n = 0; n < N; n++) {
        const base = (n * C + c) * HW;
        for (let i = base; i < base + HW; i++) {
          sdy += dout[i]!;
          sdyx += dout[i]! * (x[i]! - m);
        }
      }
      if (dbias.length > 0) dbias[c] += sdy;
      if (dweight.length > 0) dweight[c] += sdyx * invstd;
      if (dx.length === 0) continue;
      const g = weight.length > 0 ? weight[c]! : 1;
      const k = f(g * invstd);
      const a = training && count > 0 ? f(sdy / count) : 0;
      const b = training && count > 0 ? f((sdyx * invstd * invstd) / count) : 0;
      for (let n = 0; n < N; n++) {
        const base = (n * C + c) * HW;
        if (training) {
          for (let i = base; i < base + HW; i++) dx[i] += f(k * f(f(dout[i]! - a) - f(f(x[i]! - m) * b)));
        } else {
          for (let i = base; i < base + HW; i++) dx[i] += f(k * dout[i]!);
        }
      }
    }
  },
};
