/**
 * Calls the recurrent cell kernels of a backend uniformly across cell kinds, for the parity
 * tests (test/parity/{rnn,lstm,gru,mgu}.test.ts).
 */
import type { Backend } from '../../src/backend/backend';
import { RnnActivation } from '../../src/backend/interface/rnn';
import { cellOracle, gateCount, type CellInputs, type CellKind } from '../oracle/cells';
import { closeness, expectClose, pattern } from './backends';

export interface CellForwardResult {
  gates: Float32Array; h: Float32Array; c: Float32Array; aux: Float32Array;
}

export interface CellBackwardResult {
  dgates: Float32Array; daux: Float32Array; dhprev: Float32Array; dcprev: Float32Array; dpeep: Float32Array;
}

function f32(a: ArrayLike<number>): Float32Array {
  return Float32Array.from(a);
}

export function cellForward(k: Backend, kind: CellKind, p: CellInputs): CellForwardResult {
  const { B, H } = p;
  const gates = f32(p.xproj);
  const h = new Float32Array(B * H).fill(NaN), c = new Float32Array(B * H).fill(NaN), aux = new Float32Array(B * H).fill(NaN);
  const hprev = f32(p.hprev), cprev = f32(p.cprev), whh = f32(p.whh), bhh = f32(p.bhh), peep = f32(p.peep), mask = f32(p.mask);
  switch (kind) {
    case 'rnnTanh': case 'rnnRelu':
      k.rnnCellForward(B, H, kind === 'rnnRelu' ? RnnActivation.relu : RnnActivation.tanh, gates, hprev, whh, mask, h);
      break;
    case 'lstm': case 'lstmNoForget': case 'lstmPeephole':
      k.lstmCellForward(B, H, kind !== 'lstmNoForget', kind === 'lstmPeephole', gates, hprev, cprev, whh, peep, mask, h, c);
      break;
    case 'gruAfter': case 'gruBefore':
      k.gruCellForward(B, H, kind === 'gruAfter', gates, hprev, whh, bhh, mask, h, aux);
      break;
    case 'mgu':
      k.mguCellForward(B, H, gates, hprev, whh, bhh, mask, h, aux);
      break;
  }
  return { gates, h, c, aux };
}

/** Backward of one step, given the forward's caches and upstream gradients dh, dc. */
export function cellBackward(k: Backend, kind: CellKind, p: CellInputs, fwd: CellForwardResult, dh: Float32Array, dc: Float32Array): CellBackwardResult {
  const { B, H } = p;
  const G = gateCount(kind);
  const dgates = new Float32Array(B * G * H).fill(NaN), daux = new Float32Array(B * H).fill(NaN);
  // Accumulators start non-zero to show the kernels add rather than overwrite.
  const dhprev = pattern(B * H, 71), dcprev = pattern(B * H, 72), dpeep = pattern(3 * H, 73);
  const whh = f32(p.whh), cprev = f32(p.cprev), hprev = f32(p.hprev), peep = f32(p.peep), mask = f32(p.mask);
  switch (kind) {
    case 'rnnTanh': case 'rnnRelu':
      k.rnnCellBackward(B, H, kind === 'rnnRelu' ? RnnActivation.relu : RnnActivation.tanh, fwd.gates, whh, mask, dh, dgates, dhprev);
      break;
    case 'lstm': case 'lstmNoForget': case 'lstmPeephole':
      k.lstmCellBackward(B, H, kind !== 'lstmNoForget', kind === 'lstmPeephole', fwd.gates, cprev, fwd.c, whh, peep, mask, dh, dc, dgates, dhprev, dcprev, dpeep);
      break;
    case 'gruAfter': case 'gruBefore':
      k.gruCellBackward(B, H, kind === 'gruAfter', fwd.gates, fwd.aux, hprev, whh, mask, dh, dgates, daux, dhprev);
      break;
    case 'mgu':
      k.mguCellBackward(B, H, fwd.gates, hprev, whh, mask, dh, dgates, daux, dhprev);
      break;
  }
  return { dgates, daux, dhprev, dcprev, dpeep };
}

export function cellInputs(kind: CellKind, B: number, H: number, seed: number, masked: boolean): CellInputs {
  const G = gateCount(kind);
  const scale = (a: Float32Array, s: number) => a.map((v) => v * s);
  const mask = masked ? Float32Array.from({ length: B }, (_, b) => (b % 3 === 1 ? 0 : 1)) : new Float32Array(0);
  return {
    B, H,
    xproj: scale(pattern(B * G * H, seed), 1.5),
    hprev: pattern(B * H, seed + 1),
    cprev: scale(pattern(B * H, seed + 2), 2),
    whh: scale(pattern(G * H * H, seed + 3), 1 / Math.sqrt(H)),
    bhh: scale(pattern(G * H, seed + 4), 0.5),
    peep: scale(pattern(3 * H, seed + 5), 0.5),
    mask,
  };
}

/** Loss weights: L = sum(wh * h) + sum(wc * c). */
export function lossWeights(B: number, H: number, seed: number): { wh: Float32Array; wc: Float32Array } {
  return { wh: pattern(B * H, seed + 10), wc: pattern(B * H, seed + 11) };
}

function oracleLoss(kind: CellKind, p: CellInputs, wh: ArrayLike<number>, wc: ArrayLike<number>): number {
  const { h, c } = cellOracle(kind, p);
  let s = 0;
  for (let i = 0; i < h.length; i++) s += wh[i]! * h[i]! + (kind.startsWith('lstm') ? wc[i]! * c[i]! : 0);
  return s;
}

/** Central differences of the float64 oracle loss with respect to one input array. */
export function oracleGrad(kind: CellKind, p: CellInputs, name: 'xproj' | 'hprev' | 'cprev' | 'peep' | 'bhh', wh: ArrayLike<number>, wc: ArrayLike<number>): Float64Array {
  const base = Float64Array.from(p[name]);
  const out = new Float64Array(base.length);
  const eps = 1e-6;
  for (let i = 0; i < base.length; i++) {
    const up = Float64Array.from(base); up[i] += eps;
    const dn = Float64Array.from(base); dn[i] -= eps;
    out[i] = (oracleLoss(kind, { ...p, [name]: up }, wh, wc) - oracleLoss(kind, { ...p, [name]: dn }, wh, wc)) / (2 * eps);
  }
  return out;
}

export { closeness, expectClose };
