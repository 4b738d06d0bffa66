/**
 * im2col / col2im in plain TypeScript (layout in native/kernels/im2col.h). The valid output
 * range of each (c, kh, kw) row is computed once, so the inner loops carry no bounds checks.
 */
import { convOutputSize, type Im2colKernels } from '../interface/im2col';

/** Window geometry of one image, as native/kernels/im2col.h ConvGeometry. */
export interface Geometry {
  C: number; H: number; W: number; KH: number; KW: number;
  sh: number; sw: number; pt: number; pl: number; dh: number; dw: number;
  OH: number; OW: number;
}

export function geometry(
  fn: string, C: number, H: number, W: number, KH: number, KW: number, sh: number, sw: number,
  pt: number, pb: number, pl: number, pr: number, dh: number, dw: number,
): Geometry {
  const OH = convOutputSize(fn, 'height', H, KH, sh, pt, pb, dh);
  const OW = convOutputSize(fn, 'width', W, KW, sw, pl, pr, dw);
  return { C, H, W, KH, KW, sh, sw, pt, pl, dh, dw, OH, OW };
}

const ceilDiv = (a: number, b: number) => -Math.floor(-a / b);
const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

/** col rows of ldcol floats starting at colOff <- windows of the image at x[xOff]. */
export function im2colImpl(g: Geometry, x: Float32Array, xOff: number, col: Float32Array, colOff: number, ldcol: number): void {
  const { C, H, W, KH, KW, sh, sw, OH, OW } = g;
  for (let c = 0; c < C; c++) {
    const xc = xOff + c * H * W;
    for (let kh = 0; kh < KH; kh++) {
      const ohOff = kh * g.dh - g.pt;
      const ohLo = clamp(ceilDiv(-ohOff, sh), 0, OH), ohHi = clamp(ceilDiv(H - ohOff, sh), ohLo, OH);
      for (let kw = 0; kw < KW; kw++) {
        const row = colOff + ((c * KH + kh) * KW + kw) * ldcol;
        const owOff = kw * g.dw - g.pl;
        const owLo = clamp(ceilDiv(-owOff, sw), 0, OW), owHi = clamp(ceilDiv(W - owOff, sw), owLo, OW);
        col.fill(0, row, row + ohLo * OW);
        for (let oh = ohLo; oh < ohHi; oh++) {
          const dst = row + oh * OW;
          const base = xc + (oh * sh + ohOff) * W + owOff;
          col.fill(0, dst, dst + owLo);
          for (let ow = owLo; ow < owHi; ow++) col[dst + ow] = x[base + ow * sw]!;
          col.fill(0, dst + owHi, dst + OW);
        }
        col.fill(0, row + ohHi * OW, row + OH * OW);
      }
    }
  }
}

/** dx (image at dxOff) += adjoint of im2col applied to col. */
export function col2imImpl(g: Geometry, col: Float32Array, colOff: number, ldcol: number, dx: Float32Array, dxOff: number): void {
  const { C, H, W, KH, KW, sh, sw, OH, OW } = g;
  for (let c = 0; c < C; c++) {
    const dxc = dxOff + c * H * W;
    for (let kh = 0; kh < KH; kh++) {
      const ohOff = kh * g.dh - g.pt;
      const ohLo = clamp(ceilDiv(-ohOff, sh), 0, OH), ohHi = clamp(ceilDiv(H - ohOff, sh), ohLo, OH);
      for (let kw = 0; kw < KW; kw++) {
        const row = colOff + ((c * KH + kh) * KW + kw) * ldcol;
        const owOff = kw * g.dw - g.pl;
        const owLo = clamp(ceilDiv(-owOff, sw), 0, OW), owHi = clamp(ceilDiv(W - owOff, sw), owLo, OW);
        for (let oh = ohLo; oh < ohHi; oh++) {
          const src = row + oh * OW;
          const base = dxc + (oh * sh + ohOff) * W + owOff;
          for (let ow = owLo; ow < owHi; ow++) dx[base + ow * sw] += col[src + ow]!;
        }
      }
    }
  }
}

export const im2col: Im2colKernels = {
  im2col(x, col, C, H, W, KH, KW, sh, sw, pt, pb, pl, pr, dh, dw) {
    const g = geometry('im2col', C, H, W, KH, KW, sh, sw, pt, pb, pl, pr, dh, dw);
    im2colImpl(g, x, 0, col, 0, g.OH * g.OW);
  },
  col2im(col, dx, C, H, W, KH, KW, sh, sw, pt, pb, pl, pr, dh, dw) {
    const g = geometry('col2im', C, H, W, KH, KW, sh, sw, pt, pb, pl, pr, dh, dw);
    col2imImpl(g, col, 0, g.OH * g.OW, dx, 0);
  },
};
