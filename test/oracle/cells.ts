/**
 * The recurrent cells in float64, written the plainest way (one output element at a time, the
 * recurrent product as an explicit dot product): the oracle for test/parity/{rnn,lstm,gru,mgu}.
 * Inputs follow the kernels' arguments (see src/backend/interface/<cell>.ts).
 */
export type CellKind = 'rnnTanh' | 'rnnRelu' | 'lstm' | 'lstmNoForget' | 'lstmPeephole' | 'gruAfter' | 'gruBefore' | 'mgu';

export const CELL_KINDS: CellKind[] = ['rnnTanh', 'rnnRelu', 'lstm', 'lstmNoForget', 'lstmPeephole', 'gruAfter', 'gruBefore', 'mgu'];

/** Gate blocks per cell. */
export function gateCount(kind: CellKind): number {
  switch (kind) {
    case 'rnnTanh': case 'rnnRelu': return 1;
    case 'lstm': case 'lstmPeephole': return 4;
    case 'lstmNoForget': return 3;
    case 'gruAfter': case 'gruBefore': return 3;
    case 'mgu': return 2;
  }
}

export interface CellInputs {
  B: number; H: number;
  xproj: ArrayLike<number>; // (B, G*H): W_ih x + b_ih (+ b_hh for rnn and lstm)
  hprev: ArrayLike<number>; cprev: ArrayLike<number>;
  whh: ArrayLike<number>; bhh: ArrayLike<number>; peep: ArrayLike<number>;
  mask: ArrayLike<number>;
}

const sig = (x: number) => 1 / (1 + Math.exp(-x));

/** h_t (and C_t for LSTMs) in float64. */
export function cellOracle(kind: CellKind, p: CellInputs): { h: Float64Array; c: Float64Array } {
  const { B, H } = p;
  const G = gateCount(kind);
  const h = new Float64Array(B * H), c = new Float64Array(B * H);
  // rec(b, row, v) = sum_k whh[row, k] * v[b, k]
  const rec = (b: number, row: number, v: ArrayLike<number>) => {
    let s = 0;
    for (let k = 0; k < H; k++) s += p.whh[row * H + k]! * v[b * H + k]!;
    return s;
  };
  for (let b = 0; b < B; b++) {
    const live = p.mask.length === 0 || p.mask[b] !== 0;
    const xp = (gate: number, j: number) => p.xproj[b * G * H + gate * H + j]!;
    const hp = (j: number) => p.hprev[b * H + j]!;
    const rh = new Float64Array(B * H);
    if (kind === 'gruBefore' || kind === 'mgu') {
      for (let j = 0; j < H; j++) rh[b * H + j] = sig(xp(0, j) + rec(b, j, p.hprev) + p.bhh[j]!) * hp(j);
    }
    for (let j = 0; j < H; j++) {
      let hn: number, cn = 0;
      switch (kind) {
        case 'rnnTanh': hn = Math.tanh(xp(0, j) + rec(b, j, p.hprev)); break;
        case 'rnnRelu': hn = Math.max(0, xp(0, j) + rec(b, j, p.hprev)); break;
        case 'lstm': case 'lstmNoForget': case 'lstmPeephole': {
          const peep = kind === 'lstmPeephole';
          const cp = p.cprev[b * H + j]!;
          const fg = kind !== 'lstmNoForget';
          const oG = fg ? 2 : 1, oO = fg ? 3 : 2;
          const i = sig(xp(0, j) + rec(b, j, p.hprev) + (peep ? p.peep[j]! * cp : 0));
          const f = fg ? sig(xp(1, j) + rec(b, H + j, p.hprev) + (peep ? p.peep[H + j]! * cp : 0)) : 1;
          const g = Math.tanh(xp(oG, j) + rec(b, oG * H + j, p.hprev));
          cn = f * cp + i * g;
          const o = sig(xp(oO, j) + rec(b, oO * H + j, p.hprev) + (peep ? p.peep[2 * H + j]! * cn : 0));
          hn = o * Math.tanh(cn);
          break;
        }
        case 'gruAfter': {
          const r = sig(xp(0, j) + rec(b, j, p.hprev) + p.bhh[j]!);
          const z = sig(xp(1, j) + rec(b, H + j, p.hprev) + p.bhh[H + j]!);
          const n = Math.tanh(xp(2, j) + r * (rec(b, 2 * H + j, p.hprev) + p.bhh[2 * H + j]!));
          hn = (1 - z) * n + z * hp(j);
          break;
        }
        case 'gruBefore': {
          const z = sig(xp(1, j) + rec(b, H + j, p.hprev) + p.bhh[H + j]!);
          const n = Math.tanh(xp(2, j) + rec(b, 2 * H + j, rh) + p.bhh[2 * H + j]!);
          hn = (1 - z) * hp(j) + z * n;
          break;
        }
        case 'mgu': {
          const f = sig(xp(0, j) + rec(b, j, p.hprev) + p.bhh[j]!);
          const n = Math.tanh(xp(1, j) + rec(b, H + j, rh) + p.bhh[H + j]!);
          hn = (1 - f) * hp(j) + f * n;
          break;
        }
      }
      h[b * H + j] = live ? hn : hp(j);
      c[b * H + j] = live ? cn : p.cprev[b * H + j]!;
    }
  }
  return { h, c };
}
