/**
 * conv2d by im2col + GEMM in plain TypeScript, the same algorithm as native/kernels/conv.cpp:
 * per image im2col into a reused workspace then one GEMM per group; 1x1 stride-1 unpadded
 * convolutions use x as its own col matrix; the weight gradient folds a chunk of the batch
 * into the GEMM's K dimension.
 */
import type { ConvKernels } from '../interface/conv';
import { gemm } from './gemm';
import { col2imImpl, geometry, im2colImpl, type Geometry } from './im2col';
import { workspace } from './workspace';

const WEIGHT_WORKSPACE_FLOATS = 1 << 22;
const { sgemm } = gemm;

function isPointwise(g: Geometry): boolean {
  return g.KH === 1 && g.KW === 1 && g.sh === 1 && g.sw === 1 && g.pt === 0 && g.pl === 0 && g.OH === g.H && g.OW === g.W;
}

const at = (a: Float32Array, offset: number) => (offset === 0 ? a : a.subarray(offset));

export const conv: ConvKernels = {
  conv2dForward(x, weight, bias, hasBias, out, N, C, H, W, OC, KH, KW, sh, sw, pt, pb, pl, pr, dh, dw, groups) {
    const g = geometry('conv2dForward', C, H, W, KH, KW, sh, sw, pt, pb, pl, pr, dh, dw);
    const P = g.OH * g.OW, Cg = C / groups, OCg = OC / groups, Kg = Cg * KH * KW;
    const pointwise = isPointwise(g);
    for (let n = 0; n < N; n++) {
      let col: Float32Array;
      if (pointwise) col = at(x, n * C * H * W);
      else {
        col = workspace(0, C * KH * KW * P);
        im2colImpl(g, x, n * C * H * W, col, 0, P);
      }
      for (let grp = 0; grp < groups; grp++) {
        sgemm(false, false, OCg, P, Kg, 1, at(weight, grp * OCg * Kg), Kg, at(col, grp * Kg * P), P, 0, at(out, (n * OC + grp * OCg) * P), P);
      }
      if (hasBias) {
        for (let oc = 0; oc < OC; oc++) {
          const b = bias[oc]!, row = (n * OC + oc) * P;
          for (let p = 0; p < P; p++) out[row + p] += b;
        }
      }
    }
  },

  conv2dBackwardInput(dout, weight, dx, N, C, H, W, OC, KH, KW, sh, sw, pt, pb, pl, pr, dh, dw, groups, accumulate) {
    const g = geometry('conv2dBackwardInput', C, H, W, KH, KW, sh, sw, pt, pb, pl, pr, dh, dw);
    if (!accumulate) dx.fill(0, 0, N * C * H * W);
    const P = g.OH * g.OW, Cg = C / groups, OCg = OC / groups, Kg = Cg * KH * KW;
    const pointwise = isPointwise(g);
    for (let n = 0; n < N; n++) {
      if (pointwise) {
        for (let grp = 0; grp < groups; grp++) {
          sgemm(true, false, Kg, P, OCg, 1, at(weight, grp * OCg * Kg), Kg, at(dout, (n * OC + grp * OCg) * P), P, 1, at(dx, (n * C + grp * Cg) * P), P);
        }
        continue;
      }
      const dcol = workspace(0, C * KH * KW * P);
      for (let grp = 0; grp < groups; grp++) {
        sgemm(true, false, Kg, P, OCg, 1, at(weight, grp * OCg * Kg), Kg, at(dout, (n * OC + grp * OCg) * P), P, 0, at(dcol, grp * Kg * P), P);
      }
      col2imImpl(g, dcol, 0, P, dx, n * C * H * W);
    }
  },

  conv2dBackwardWeight(x, dout, dweight, N, C, H, W, OC, KH, KW, sh, sw, pt, pb, pl, pr, dh, dw, groups) {
    const g = geometry('conv2dBackwardWeight', C, H, W, KH, KW, sh, sw, pt, pb, pl, pr, dh, dw);
    const P = g.OH * g.OW, Cg = C / groups, OCg = OC / groups, Kg = Cg * KH * KW;
    const rows = C * KH * KW;
    if (isPointwise(g)) {
      for (let n = 0; n < N; n++) {
        for (let grp = 0; grp < groups; grp++) {
          sgemm(false, true, OCg, Kg, P, 1, at(dout, (n * OC + grp * OCg) * P), P, at(x, (n * C + grp * Cg) * P), P, 1, at(dweight, grp * OCg * Kg), Kg);
        }
      }
      return;
    }
    const chunk = Math.min(Math.max(Math.floor(WEIGHT_WORKSPACE_FLOATS / Math.max(Math.max(rows, OC) * P, 1)), 1), N);
    const col = workspace(0, rows * chunk * P);
    const dt = workspace(1, OC * chunk * P);
    for (let n0 = 0; n0 < N; n0 += chunk) {
      const nb = Math.min(chunk, N - n0), ld = nb * P;
      for (let i = 0; i < nb; i++) {
        const n = n0 + i;
        im2colImpl(g, x, n * C * H * W, col, i * P, ld);
        for (let oc = 0; oc < OC; oc++) dt.set(dout.subarray((n * OC + oc) * P, (n * OC + oc + 1) * P), oc * ld + i * P);
      }
      for (let grp = 0; grp < groups; grp++) {
        sgemm(false, true, OCg, Kg, ld, 1, at(dt, grp * OCg * ld), ld, at(col, grp * Kg * ld), ld, 1, at(dweight, grp * OCg * Kg), Kg);
      }
    }
  },

  conv2dBackwardBias(dout, dbias, N, OC, P) {
    for (let oc = 0; oc < OC; oc++) {
      let s = 0;
      for (let n = 0; n < N; n++) {
        const row = (n * OC + oc) * P;
        for (let p = 0; p < P; p++) s += dout[row + p]!;
      }
      dbias[oc] += s;
    }
  },
};
