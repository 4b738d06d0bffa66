/**
 * Direct nested-loop convolution, locally-connected layer and pooling in float64: the oracle
 * the im2col/GEMM kernels of both backends are checked against. As simple as possible, no
 * shared code with the kernels.
 */

export interface ConvCase {
  N: number; C: number; H: number; W: number; OC: number; KH: number; KW: number;
  sh: number; sw: number; pt: number; pb: number; pl: number; pr: number; dh: number; dw: number; groups: number;
}

export function outSize(c: ConvCase): [number, number] {
  return [
    Math.floor((c.H + c.pt + c.pb - (c.dh * (c.KH - 1) + 1)) / c.sh) + 1,
    Math.floor((c.W + c.pl + c.pr - (c.dw * (c.KW - 1) + 1)) / c.sw) + 1,
  ];
}

/** Calls fn(n, oc, oh, ow, c, kh, kw, xIndex) for every in-image term of the convolution sum. */
function eachTerm(c: ConvCase, fn: (outIndex: number, wIndex: number, xIndex: number) => void): void {
  const [OH, OW] = outSize(c);
  const Cg = c.C / c.groups, OCg = c.OC / c.groups;
  for (let n = 0; n < c.N; n++)
    for (let oc = 0; oc < c.OC; oc++) {
      const grp = Math.floor(oc / OCg);
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++)
          for (let ci = 0; ci < Cg; ci++)
            for (let kh = 0; kh < c.KH; kh++)
              for (let kw = 0; kw < c.KW; kw++) {
                const ih = oh * c.sh - c.pt + kh * c.dh, iw = ow * c.sw - c.pl + kw * c.dw;
                if (ih < 0 || ih >= c.H || iw < 0 || iw >= c.W) continue;
                const ch = grp * Cg + ci;
                fn(((n * c.OC + oc) * OH + oh) * OW + ow, ((oc * Cg + ci) * c.KH + kh) * c.KW + kw, ((n * c.C + ch) * c.H + ih) * c.W + iw);
              }
    }
}

export function convForwardOracle(c: ConvCase, x: Float32Array, w: Float32Array, b: Float32Array | null): Float64Array {
  const [OH, OW] = outSize(c);
  const out = new Float64Array(c.N * c.OC * OH * OW);
  if (b) for (let i = 0; i < out.length; i++) out[i] = b[Math.floor(i / (OH * OW)) % c.OC]!;
  eachTerm(c, (o, wi, xi) => { out[o] += w[wi]! * x[xi]!; });
  return out;
}

export function convBackwardOracle(c: ConvCase, x: Float32Array, w: Float32Array, dout: Float32Array) {
  const [OH, OW] = outSize(c);
  const dx = new Float64Array(x.length), dw = new Float64Array(w.length), db = new Float64Array(c.OC);
  eachTerm(c, (o, wi, xi) => {
    dx[xi] += w[wi]! * dout[o]!;
    dw[wi] += x[xi]! * dout[o]!;
  });
  for (let i = 0; i < dout.length; i++) db[Math.floor(i / (OH * OW)) % c.OC] += dout[i]!;
  return { dx, dw, db };
}

/** Locally connected: weight (OH, OW, OC, C, KH, KW), bias (OC, OH, OW). */
function eachLcTerm(c: ConvCase, fn: (o: number, wi: number, xi: number) => void): void {
  const [OH, OW] = outSize(c);
  for (let n = 0; n < c.N; n++)
    for (let oc = 0; oc < c.OC; oc++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++)
          for (let ch = 0; ch < c.C; ch++)
            for (let kh = 0; kh < c.KH; kh++)
              for (let kw = 0; kw < c.KW; kw++) {
                const ih = oh * c.sh - c.pt + kh * c.dh, iw = ow * c.sw - c.pl + kw * c.dw;
                if (ih < 0 || ih >= c.H || iw < 0 || iw >= c.W) continue;
                const p = oh * OW + ow;
                fn(((n * c.OC + oc) * OH + oh) * OW + ow, (((p * c.OC + oc) * c.C + ch) * c.KH + kh) * c.KW + kw, ((n * c.C + ch) * c.H + ih) * c.W + iw);
              }
}

export function lcForwardOracle(c: ConvCase, x: Float32Array, w: Float32Array, b: Float32Array | null): Float64Array {
  const [OH, OW] = outSize(c);
  const P = OH * OW;
  const out = new Float64Array(c.N * c.OC * P);
  if (b) for (let i = 0; i < out.length; i++) out[i] = b[i % (c.OC * P)]!;
  eachLcTerm(c, (o, wi, xi) => { out[o] += w[wi]! * x[xi]!; });
  return out;
}

export function lcBackwardOracle(c: ConvCase, x: Float32Array, w: Float32Array, dout: Float32Array) {
  const [OH, OW] = outSize(c);
  const dx = new Float64Array(x.length), dw = new Float64Array(w.length), db = new Float64Array(c.OC * OH * OW);
  eachLcTerm(c, (o, wi, xi) => {
    dx[xi] += w[wi]! * dout[o]!;
    dw[wi] += x[xi]! * dout[o]!;
  });
  for (let i = 0; i < dout.length; i++) db[i % db.length] += dout[i]!;
  return { dx, dw, db };
}

/** Max and average pooling; padding counts as -inf for max. Returns out and, for max, argmax. */
export function poolOracle(c: ConvCase, x: Float32Array, kind: 'max' | 'avg', includePad = true) {
  const [OH, OW] = outSize(c);
  const out = new Float64Array(c.N * c.C * OH * OW);
  const argmax = new Int32Array(out.length).fill(-1);
  for (let pl = 0; pl < c.N * c.C; pl++)
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OW; ow++) {
        let best = -Infinity, arg = -1, sum = 0, count = 0;
        for (let kh = 0; kh < c.KH; kh++)
          for (let kw = 0; kw < c.KW; kw++) {
            const ih = oh * c.sh - c.pt + kh * c.dh, iw = ow * c.sw - c.pl + kw * c.dw;
            if (ih < 0 || ih >= c.H || iw < 0 || iw >= c.W) continue;
            const v = x[(pl * c.H + ih) * c.W + iw]!;
            if (v > best) { best = v; arg = ih * c.W + iw; }
            sum += v;
            count++;
          }
        const o = (pl * OH + oh) * OW + ow;
        out[o] = kind === 'max' ? best : sum / (includePad ? c.KH * c.KW : Math.max(count, 1));
        argmax[o] = arg;
      }
  return { out, argmax };
}

export function adaptiveAvgOracle(NC: number, H: number, W: number, OH: number, OW: number, x: Float32Array): Float64Array {
  const out = new Float64Array(NC * OH * OW);
  for (let c = 0; c < NC; c++)
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OW; ow++) {
        const h0 = Math.floor((oh * H) / OH), h1 = Math.ceil(((oh + 1) * H) / OH);
        const w0 = Math.floor((ow * W) / OW), w1 = Math.ceil(((ow + 1) * W) / OW);
        let s = 0;
        for (let i = h0; i < h1; i++) for (let j = w0; j < w1; j++) s += x[(c * H + i) * W + j]!;
        out[(c * OH + oh) * OW + ow] = s / ((h1 - h0) * (w1 - w0));
      }
  return out;
}
