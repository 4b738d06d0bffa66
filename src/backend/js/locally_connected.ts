/**
 * Locally-connected 2-D in plain TypeScript (layout in interface/locally_connected.ts): per
 * output position, the batch's windows are gathered into an (N, R) matrix and multiplied by
 * that position's (OC, R) weights, as native/kernels/locally_connected.cpp does.
 */
import type { LocallyConnectedKernels } from '../interface/locally_connected';
import { gemm } from './gemm';
import { geometry, type Geometry } from './im2col';
import { workspace } from './workspace';

const { sgemm } = gemm;

/** patches (N, R) <- windows at position p of every image. */
function gather(g: Geometry, x: Float32Array, N: number, p: number, patches: Float32Array): void {
  const oh = Math.floor(p / g.OW), ow = p % g.OW;
  let k = 0;
  for (let n = 0; n < N; n++) {
    const xn = n * g.C * g.H * g.W;
    for (let c = 0; c < g.C; c++) {
      for (let kh = 0; kh < g.KH; kh++) {
        const ih = oh * g.sh - g.pt + kh * g.dh;
        const rowOk = ih >= 0 && ih < g.H;
        for (let kw = 0; kw < g.KW; kw++) {
          const iw = ow * g.sw - g.pl + kw * g.dw;
          patches[k++] = rowOk && iw >= 0 && iw < g.W ? x[xn + (c * g.H + ih) * g.W + iw]! : 0;
        }
      }
    }
  }
}

function scatterAdd(g: Geometry, dpatches: Float32Array, N: number, p: number, dx: Float32Array): void {
  const oh = Math.floor(p / g.OW), ow = p % g.OW;
  let k = 0;
  for (let n = 0; n < N; n++) {
    const xn = n * g.C * g.H * g.W;
    for (let c = 0; c < g.C; c++) {
      for (let kh = 0; kh < g.KH; kh++) {
        const ih = oh * g.sh - g.pt + kh * g.dh;
        const rowOk = ih >= 0 && ih < g.H;
        for (let kw = 0; kw < g.KW; kw++, k++) {
          const iw = ow * g.sw - g.pl + kw * g.dw;
          if (rowOk && iw >= 0 && iw < g.W) dx[xn + (c * g.H + ih) * g.W + iw] += dpatches[k]!;
        }
      }
    }
  }
}

export const locallyConnected: LocallyConnectedKernels = {
  locallyConnected2dForward(x, weight, bias, hasBias, out, N, C, H, W, OC, KH, KW, sh, sw, pt, pb, pl, pr, dh, dw) {
    const g = geometry('locallyConnected2dForward', C, H, W, KH, KW, sh, sw, pt, pb, pl, pr, dh, dw);
    const P = g.OH * g.OW, R = C * KH * KW;
    const patches = workspace(0, N * R), res = workspace(1, N * OC);
    for (let p = 0; p < P; p++) {
      gather(g, x, N, p, patches);
      sgemm(false, true, N, OC, R, 1, patches, R, weight.subarray(p * OC * R), R, 0, res, OC);
      for (let n = 0; n < N; n++) {
        for (let oc = 0; oc < OC; oc++) {
          out[(n * OC + oc) * P + p] = res[n * OC + oc]! + (hasBias ? bias[oc * P + p]! : 0);
        }
      }
    }
  },

  locallyConnected2dBackwardInput(dout, weight, dx, N, C, H, W, OC, KH, KW, sh, sw, pt, pb, pl, pr, dh, dw) {
    const g = geometry('locallyConnected2dBackwardInput', C, H, W, KH, KW, sh, sw, pt, pb, pl, pr, dh, dw);
    const P = g.OH * g.OW, R = C * KH * KW;
    const dpatches = workspace(0, N * R), dres = workspace(1, N * OC);
    for (let p = 0; p < P; p++) {
      for (let n = 0; n < N; n++) for (let oc = 0; oc < OC; oc++) dres[n * OC + oc] = dout[(n * OC + oc) * P + p]!;
      sgemm(false, false, N, R, OC, 1, dres, OC, weight.subarray(p * OC * R), R, 0, dpatches, R);
      scatterAdd(g, dpatches, N, p, dx);
    }
  },

  locallyConnected2dBackwardWeight(x, dout, dweight, dbias, hasBias, N, C, H, W, OC, KH, KW, sh, sw, pt, pb, pl, pr, dh, dw) {
    const g = geometry('locallyConnected2dBackwardWeight', C, H, W, KH, KW, sh, sw, pt, pb, pl, pr, dh, dw);
    const P = g.OH * g.OW, R = C * KH * KW;
    const patches = workspace(0, N * R), dres = workspace(1, N * OC);
    for (let p = 0; p < P; p++) {
      gather(g, x, N, p, patches);
      for (let n = 0; n < N; n++) for (let oc = 0; oc < OC; oc++) dres[n * OC + oc] = dout[(n * OC + oc) * P + p]!;
      sgemm(true, false, OC, R, N, 1, dres, OC, patches, R, 1, dweight.subarray(p * OC * R), R);
      if (hasBias) {
        for (let oc = 0; oc < OC; oc++) {
          let s = 0;
          for (let n = 0; n < N; n++) s += dres[n * OC + oc]!;
          dbias[oc * P + p] += s;
        }
      }
    }
  },
};
