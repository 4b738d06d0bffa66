/** 2-D pooling in plain TypeScript, the same semantics as native/kernels/pool.cpp. */
import type { PoolKernels } from '../interface/pool';
import { geometry, type Geometry } from './im2col';

function avgDivisor(g: Geometry, h0: number, h1: number, w0: number, w1: number, includePad: boolean): number {
  return includePad ? g.KH * g.KW : Math.max((h1 - h0) * (w1 - w0), 1);
}

function avgPool(
  fn: string, src: Float32Array, dst: Float32Array, backward: boolean,
  N: number, C: number, H: number, W: number, KH: number, KW: number,
  sh: number, sw: number, pt: number, pb: number, pl: number, pr: number, includePad: boolean,
): void {
  const g = geometry(fn, C, H, W, KH, KW, sh, sw, pt, pb, pl, pr, 1, 1);
  const P = g.OH * g.OW, HW = H * W;
  for (let c = 0; c < N * C; c++) {
    const plane = c * HW;
    for (let oh = 0; oh < g.OH; oh++) {
      const hs = oh * sh - pt, h0 = Math.max(hs, 0), h1 = Math.min(hs + KH, H);
      for (let ow = 0; ow < g.OW; ow++) {
        const ws = ow * sw - pl, w0 = Math.max(ws, 0), w1 = Math.min(ws + KW, W);
        const div = avgDivisor(g, h0, h1, w0, w1, includePad);
        const o = c * P + oh * g.OW + ow;
        if (backward) {
          const d = Math.fround(src[o]! / div);
          for (let ih = h0; ih < h1; ih++) for (let iw = w0; iw < w1; iw++) dst[plane + ih * W + iw] += d;
        } else {
          let s = 0;
          for (let ih = h0; ih < h1; ih++) for (let iw = w0; iw < w1; iw++) s += src[plane + ih * W + iw]!;
          dst[o] = s / div;
        }
      }
    }
  }
}

const adaptiveStart = (o: number, inp: number, out: number) => Math.floor((o * inp) / out);
const adaptiveEnd = (o: number, inp: number, out: number) => Math.ceil(((o + 1) * inp) / out);

export const pool: PoolKernels = {
  maxPool2dForward(x, out, argmax, N, C, H, W, KH, KW, sh, sw, pt, pb, pl, pr, dh, dw) {
    const g = geometry('maxPool2dForward', C, H, W, KH, KW, sh, sw, pt, pb, pl, pr, dh, dw);
    const P = g.OH * g.OW, HW = H * W;
    for (let c = 0; c < N * C; c++) {
      const plane = c * HW;
      for (let oh = 0; oh < g.OH; oh++) {
        for (let ow = 0; ow < g.OW; ow++) {
          let best = -Infinity, arg = -1;
          for (let kh = 0; kh < KH; kh++) {
            const ih = oh * sh - pt + kh * dh;
            if (ih < 0 || ih >= H) continue;
            for (let kw = 0; kw < KW; kw++) {
              const iw = ow * sw - pl + kw * dw;
              if (iw < 0 || iw >= W) continue;
              const v = x[plane + ih * W + iw]!;
              // NaN propagates, as in PyTorch: the first NaN wins and stays.
              if (arg < 0 || v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
                best = v;
                arg = ih * W + iw;
              }
            }
          }
          out[c * P + oh * g.OW + ow] = best;
          argmax[c * P + oh * g.OW + ow] = arg;
        }
      }
    }
  },

  // W and K (the tiling hint) change nothing here: the scatter is the reference.
  maxPool2dBackward(dout, argmax, dx, NC, HW, P, _W, _K, accumulate) {
    if (!accumulate) dx.fill(0, 0, NC * HW);
    for (let c = 0; c < NC; c++) {
      for (let p = 0; p < P; p++) {
        const a = argmax[c * P + p]!;
        // NaN fails both comparisons, so any entry forward did not write is skipped.
        if (a >= 0 && a < HW) dx[c * HW + Math.trunc(a)] += dout[c * P + p]!;
      }
    }
  },

  avgPool2dForward(x, out, N, C, H, W, KH, KW, sh, sw, pt, pb, pl, pr, includePad) {
    avgPool('avgPool2dForward', x, out, false, N, C, H, W, KH, KW, sh, sw, pt, pb, pl, pr, includePad);
  },

  avgPool2dBackward(dout, dx, N, C, H, W, KH, KW, sh, sw, pt, pb, pl, pr, includePad) {
    avgPool('avgPool2dBackward', dout, dx, true, N, C, H, W, KH, KW, sh, sw, pt, pb, pl, pr, includePad);
  },

  adaptiveAvgPool2dForward(x, out, NC, H, W, OH, OW) {
    for (let c = 0; c < NC; c++) {
      for (let oh = 0; oh < OH; oh++) {
        const h0 = adaptiveStart(oh, H, OH), h1 = adaptiveEnd(oh, H, OH);
        for (let ow = 0; ow < OW; ow++) {
          const w0 = adaptiveStart(ow, W, OW), w1 = adaptiveEnd(ow, W, OW);
          let s = 0;
          for (let ih = h0; ih < h1; ih++) for (let iw = w0; iw < w1; iw++) s += x[(c * H + ih) * W + iw]!;
          out[(c * OH + oh) * OW + ow] = s / ((h1 - h0) * (w1 - w0));
        }
      }
    }
  },

  adaptiveAvgPool2dBackward(dout, dx, NC, H, W, OH, OW) {
    for (let c = 0; c < NC; c++) {
      for (let oh = 0; oh < OH; oh++) {
        const h0 = adaptiveStart(oh, H, OH), h1 = adaptiveEnd(oh, H, OH);
        for (let ow = 0; ow < OW; ow++) {
          const w0 = adaptiveStart(ow, W, OW), w1 = adaptiveEnd(ow, W, OW);
          const d = Math.fround(dout[(c * OH + oh) * OW + ow]! / ((h1 - h0) * (w1 - w0)));
          for (let ih = h0; ih < h1; ih++) for (let iw = w0; iw < w1; iw++) dx[(c * H + ih) * W + iw] += d;
        }
      }
    }
  },
};
