/**
 * recurrentScan: one layer and direction of a recurrent network over a whole sequence, as one
 * autograd op. Forward runs the input projection for every step as one GEMM, then the cell's
 * sequence kernel (the fused cell step for every time step, in one call); backward runs the
 * sequence backward kernel (BPTT, the steps in reverse), then forms the weight and input
 * gradients with one GEMM each over all steps.
 *
 * Shapes: T steps, B batch rows, I input features, H hidden units, G gate blocks per cell.
 *
 * The result Y holds the hidden state in T + 1 slots, (T + 1, B, H), followed for LSTMs by the
 * cell state in T + 1 more. Slot s holds the state after time step s - 1 going forward (slot 0
 * holds h0), or after time step s going in reverse (slot T holds h0): so the outputs for times
 * 0..T-1 are slots 1..T (forward) or 0..T-1 (reverse), and the final state is slot T (forward)
 * or 0 (reverse). Masked (padded) steps carry the state over unchanged.
 *
 * The per-step gate activations are kept in cache tensors created in the caller's scope: run
 * backward() inside the tidy() that ran the forward.
 */
import { gradBuffer, needsGrad, record } from '../autograd';
import type { Backend } from '../backend/backend';
import { RnnActivation } from '../backend/interface/rnn';
import { backend } from '../backend/registry';
import { acquire, acquireZeroed, release } from '../memory';
import { describe, formatShape, Tensor } from '../tensor';

/** Which recurrent cell a scan runs. */
export type CellSpec =
  | { kind: 'rnn'; activation: 'tanh' | 'relu' }
  | { kind: 'lstm'; forgetGate: boolean; peephole: boolean }
  | { kind: 'gru'; resetAfter: boolean }
  | { kind: 'mgu' };

/** Gate blocks of a cell (rows of weight_ih are gates * H). */
export function cellGates(spec: CellSpec): number {
  switch (spec.kind) {
    case 'rnn': return 1;
    case 'lstm': return spec.forgetGate ? 4 : 3;
    case 'gru': return 3;
    case 'mgu': return 2;
  }
}

export interface ScanWeights {
  /** (G*H, I) */ weightIh: Tensor;
  /** (G*H, H) */ weightHh: Tensor;
  /** (G*H) or null */ biasIh: Tensor | null;
  /** (G*H) or null */ biasHh: Tensor | null;
  /** ((G-1)*H) LSTM peephole weights P_i, [P_f,] P_o, or null */ peephole: Tensor | null;
}

export interface ScanOptions {
  /** Walk the sequence from the last step to the first. */
  reverse?: boolean;
  /** (T, B) values, 0 where a row's step is padding; null when every step is real. */
  mask?: Float32Array | null;
}

const EMPTY = new Float32Array(0);

function check(fn: string, name: string, t: Tensor | null, shape: number[] | null): void {
  if (shape === null) return;
  if (!(t instanceof Tensor)) throw new TypeError(`${fn}: ${name} must be a Tensor, got ${describe(t)}`);
  if (t.rank !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new RangeError(`${fn}: ${name} must have shape ${formatShape(shape)}, got ${formatShape(t.shape)}`);
  }
}

/**
 * Runs one recurrent layer in one direction. x is (T, B, I), h0 and c0 (B, H) (c0 only for
 * LSTMs, else null). Returns Y as described in the file header: (S * (T + 1), B, H) with S = 2
 * for LSTMs (h slots then C slots) and 1 otherwise.
 */
export function recurrentScan(spec: CellSpec, x: Tensor, h0: Tensor, c0: Tensor | null, w: ScanWeights, options: ScanOptions = {}): Tensor {
  const fn = 'recurrentScan';
  if (!(x instanceof Tensor) || x.rank !== 3) throw new RangeError(`${fn}: x must be a (T, B, I) tensor, got ${x instanceof Tensor ? formatShape(x.shape) : describe(x)}`);
  const [T, B, I] = x.shape as [number, number, number];
  const G = cellGates(spec);
  if (!(w.weightHh instanceof Tensor) || w.weightHh.rank !== 2) throw new TypeError(`${fn}: weightHh must be a 2-D Tensor`);
  const H = w.weightHh.shape[1]!;
  const GH = G * H;
  const lstm = spec.kind === 'lstm';
  check(fn, 'weightIh', w.weightIh, [GH, I]);
  check(fn, 'weightHh', w.weightHh, [GH, H]);
  if (w.biasIh) check(fn, 'biasIh', w.biasIh, [GH]);
  if (w.biasHh) check(fn, 'biasHh', w.biasHh, [GH]);
  check(fn, 'h0', h0, [B, H]);
  if (lstm) check(fn, 'c0', c0, [B, H]);
  const peephole = lstm && spec.peephole;
  if (peephole) check(fn, 'peephole', w.peephole, [(G - 1) * H]);
  const mask = options.mask ?? null;
  if (mask !== null && (!(mask instanceof Float32Array) || mask.length !== T * B)) {
    throw new RangeError(`${fn}: mask must be a Float32Array of T*B = ${T * B} values, got ${describe(mask)}`);
  }
  const reverse = options.reverse === true;
  const K = backend();
  const BH = B * H;
  const S = lstm ? 2 : 1;
  const slots = T + 1;
  const h0Slot = reverse ? T : 0;

  // The input projection for every step at once; biases that are plain sums fold in here.
  const gates = new Tensor(acquire(T * B * GH), [T, B, GH]);
  const g = gates.data;
  K.sgemm(false, true, T * B, GH, I, 1, x.data, I, w.weightIh.data, I, 0, g, GH);
  const foldHh = spec.kind === 'rnn' || spec.kind === 'lstm';
  if (w.biasIh && w.biasHh && foldHh) {
    // Both biases in one pass over the gates: b_ih + b_hh first.
    const bsum = acquire(GH);
    bsum.set(w.biasIh.data);
    K.axpy(1, w.biasHh.data, bsum, GH);
    K.biasAddForward(g, bsum, T * B, GH);
    release(bsum);
  } else {
    if (w.biasIh) K.biasAddForward(g, w.biasIh.data, T * B, GH);
    if (w.biasHh && foldHh) K.biasAddForward(g, w.biasHh.data, T * B, GH);
  }
  const bhhOwned = !foldHh && !w.biasHh ? acquireZeroed(GH) : null;
  const bhh = foldHh ? EMPTY : (w.biasHh?.data ?? bhhOwned!);
  const aux = spec.kind === 'gru' || spec.kind === 'mgu' ? new Tensor(acquire(T * BH), [T, B, H]) : null;

  const out = new Tensor(acquire(S * slots * BH), [S * slots, B, H]);
  const Y = out.data;
  Y.set(h0.data, h0Slot * BH);
  if (lstm) Y.set(c0!.data, (slots + h0Slot) * BH);
  const whh = w.weightHh.data;
  const peep = peephole ? w.peephole!.data : EMPTY;
  const act = spec.kind === 'rnn' && spec.activation === 'relu' ? RnnActivation.relu : RnnActivation.tanh;

  // The whole sequence in one kernel call. An empty batch has nothing to compute (the kernels
  // take B >= 1).
  const m = mask ?? EMPTY;
  if (B > 0) {
    switch (spec.kind) {
      case 'rnn': K.rnnSequenceForward(T, B, H, act, reverse, g, whh, m, Y); break;
      case 'lstm': K.lstmSequenceForward(T, B, H, spec.forgetGate, peephole, reverse, g, whh, peep, m, Y.subarray(0, slots * BH), Y.subarray(slots * BH)); break;
      case 'gru': K.gruSequenceForward(T, B, H, spec.resetAfter, reverse, g, whh, bhh, m, Y, aux!.data); break;
      case 'mgu': K.mguSequenceForward(T, B, H, reverse, g, whh, bhh, m, Y, aux!.data); break;
    }
  }

  const inputs = [x, h0, ...(lstm ? [c0!] : []), w.weightIh, w.weightHh,
    ...(w.biasIh ? [w.biasIh] : []), ...(w.biasHh ? [w.biasHh] : []), ...(peephole ? [w.peephole!] : [])];
  if (!needsGrad(...inputs)) {
    gates.dispose();
    aux?.dispose();
    if (bhhOwned) release(bhhOwned);
    return out;
  }

  return record(out, `recurrentScan(${spec.kind})`, inputs, (dY) => {
    const Kb = backend();
    // D starts as the gradient reaching each slot from outside; each step's backward adds the
    // recurrent part into its predecessor slot, so D[slot] is complete when that step runs.
    const D = acquire(dY.length);
    D.set(dY);
    const dh = (s: number) => D.subarray(s * BH, (s + 1) * BH);
    const dc = (s: number) => D.subarray((slots + s) * BH, (slots + s + 1) * BH);
    const dg = acquire(T * B * GH);
    const daux = aux ? acquire(T * BH) : null;
    const dpeepOwn = peephole ? gradBuffer(w.peephole!) ?? acquireZeroed((G - 1) * H) : EMPTY;
    if (B > 0) {
      switch (spec.kind) {
        case 'rnn': Kb.rnnSequenceBackward(T, B, H, act, reverse, g, whh, m, D, dg); break;
        case 'lstm': Kb.lstmSequenceBackward(T, B, H, spec.forgetGate, peephole, reverse, g, Y.subarray(slots * BH), whh, peep, m,
          D.subarray(0, slots * BH), D.subarray(slots * BH), dg, dpeepOwn); break;
        case 'gru': Kb.gruSequenceBackward(T, B, H, spec.resetAfter, reverse, g, aux!.data, Y, whh, m, D, dg, daux!); break;
        case 'mgu': Kb.mguSequenceBackward(T, B, H, reverse, g, Y, whh, m, D, dg, daux!); break;
      }
    }
    const dh0 = gradBuffer(h0);
    if (dh0) Kb.axpy(1, dh(h0Slot), dh0, BH);
    if (lstm) {
      const dc0 = gradBuffer(c0!);
      if (dc0) Kb.axpy(1, dc(h0Slot), dc0, BH);
    }
    if (peephole && !w.peephole!.requiresGrad) release(dpeepOwn);
    weightGradients(Kb, spec, { T, B, I, H, G }, x, w, dg, daux, Y.subarray((reverse ? 1 : 0) * BH), aux?.data ?? null);
    release(D);
    release(dg);
    if (daux) release(daux);
  });
}

/**
 * Gradients of x, the weights and the biases from the gate gradients of all steps: one GEMM
 * each over the T * B rows (two for W_hh where its row blocks see different operands).
 * hprev is (T, B, H) in time order: the state each step started from.
 */
function weightGradients(
  K: Backend, spec: CellSpec, d: { T: number; B: number; I: number; H: number; G: number }, x: Tensor, w: ScanWeights,
  dg: Float32Array, daux: Float32Array | null, hprev: Float32Array, aux: Float32Array | null,
): void {
  const { T, B, I, H, G } = d;
  const R = T * B, GH = G * H;
  const dx = gradBuffer(x);
  if (dx) K.sgemm(false, false, R, I, GH, 1, dg, GH, w.weightIh.data, I, 1, dx, I);
  const dwih = gradBuffer(w.weightIh);
  if (dwih) K.sgemm(true, false, GH, I, R, 1, dg, GH, x.data, I, 1, dwih, I);
  const dbih = w.biasIh ? gradBuffer(w.biasIh) : null;
  const dwhh = gradBuffer(w.weightHh);
  let dbhh = w.biasHh ? gradBuffer(w.biasHh) : null;
  // Every cell but the reset-after GRU has db_hh = db_ih = colsum(dg): one pass over dg for both.
  if (dbih && dbhh && !(spec.kind === 'gru' && spec.resetAfter)) {
    const sums = acquireZeroed(GH);
    K.biasAddBackward(dg, sums, R, GH);
    K.axpy(1, sums, dbih, GH);
    K.axpy(1, sums, dbhh, GH);
    release(sums);
    dbhh = null;
  } else if (dbih) {
    K.biasAddBackward(dg, dbih, R, GH);
  }
  // colSum(dst, src + off, n cols, ld): dst += sum over rows, as a GEMM with a row of ones.
  let ones: Float32Array | null = null;
  const colSum = (dst: Float32Array, src: Float32Array, n: number, ld: number) => {
    ones ??= acquire(R).fill(1);
    K.sgemm(false, false, 1, n, R, 1, ones, R, src, ld, 1, dst, n);
  };
  switch (spec.kind) {
    case 'rnn':
    case 'lstm':
      if (dwhh) K.sgemm(true, false, GH, H, R, 1, dg, GH, hprev, H, 1, dwhh, H);
      if (dbhh) K.biasAddBackward(dg, dbhh, R, GH);
      break;
    case 'gru':
      if (spec.resetAfter) {
        if (dwhh) {
          K.sgemm(true, false, 2 * H, H, R, 1, dg, GH, hprev, H, 1, dwhh, H);
          K.sgemm(true, false, H, H, R, 1, daux!, H, hprev, H, 1, dwhh.subarray(2 * H * H), H);
        }
        if (dbhh) {
          colSum(dbhh, dg, 2 * H, GH);
          colSum(dbhh.subarray(2 * H), daux!, H, H);
        }
      } else {
        if (dwhh) {
          K.sgemm(true, false, 2 * H, H, R, 1, dg, GH, hprev, H, 1, dwhh, H);
          K.sgemm(true, false, H, H, R, 1, dg.subarray(2 * H), GH, aux!, H, 1, dwhh.subarray(2 * H * H), H);
        }
        if (dbhh) K.biasAddBackward(dg, dbhh, R, GH);
      }
      break;
    case 'mgu':
      if (dwhh) {
        K.sgemm(true, false, H, H, R, 1, dg, GH, hprev, H, 1, dwhh, H);
        K.sgemm(true, false, H, H, R, 1, dg.subarray(H), GH, aux!, H, 1, dwhh.subarray(H * H), H);
      }
      if (dbhh) K.biasAddBackward(dg, dbhh, R, GH);
      break;
  }
  if (ones) release(ones);
}
