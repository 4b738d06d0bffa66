/**
 * LSTM cell, one time step over a batch (B rows, H hidden units); equations and gradients in
 * native/kernels/lstm.md. Gate blocks in PyTorch's order, each H wide: i, f, g, o with a forget
 * gate (G = 4), or i, g, o without one (G = 3, the original LSTM: C_t = C_{t-1} + i * g).
 * Peepholes add P_i * C_{t-1} and P_f * C_{t-1} to the i and f pre-activations and P_o * C_t to
 * o's; `peep` holds P_i, [P_f,] P_o, each H long.
 *
 * The caller computes the input projection W_ih x_t + b_ih + b_hh for every step at once (one
 * GEMM) and hands it in through `gates`. `mask` holds B values, 0 marking a padded step for that
 * row (h and C carry over unchanged there), or is empty. Backward kernels write dgates and
 * ACCUMULATE into dhprev, dcprev and dpeep.
 */
export interface LstmKernels {
  /**
   * gates (B, G*H): on entry the input projection, on exit the gate activations (cache).
   * hprev, cprev (B, H); whh (G*H, H); peep ((G-1)*H, read only with peephole); mask (B or
   * empty). h and c (B, H) are written.
   */
  lstmCellForward(
    B: number, H: number, forgetGate: boolean, peephole: boolean, gates: Float32Array,
    hprev: Float32Array, cprev: Float32Array, whh: Float32Array, peep: Float32Array,
    mask: Float32Array, h: Float32Array, c: Float32Array,
  ): void;
  /**
   * gates as left by the forward; cprev, c (B, H) the cell states before and after the step;
   * dh, dc (B, H) the gradients reaching h_t and C_t. Writes dgates (B, G*H) = dL/d(gate
   * pre-activations); dhprev, dcprev (B, H) and dpeep ((G-1)*H, with peephole) accumulate.
   */
  lstmCellBackward(
    B: number, H: number, forgetGate: boolean, peephole: boolean, gates: Float32Array,
    cprev: Float32Array, c: Float32Array, whh: Float32Array, peep: Float32Array,
    mask: Float32Array, dh: Float32Array, dc: Float32Array, dgates: Float32Array,
    dhprev: Float32Array, dcprev: Float32Array, dpeep: Float32Array,
  ): void;
  /**
   * T steps of lstmCellForward over a sequence, as one call (native: W_hh packed once, the
   * batch rows split across threads for the whole sequence). Step k = 0..T-1 is time t = k
   * (t = T-1-k when `reverse`); it reads state slot t (t + 1 when reverse) and writes slot
   * t + 1 (t). gates (T, B, G*H), slice t per step; mask (T, B) or empty; h, c (T + 1, B, H)
   * state slots, the h0 / c0 slot filled by the caller. Same results as the step kernel.
   */
  lstmSequenceForward(
    T: number, B: number, H: number, forgetGate: boolean, peephole: boolean, reverse: boolean,
    gates: Float32Array, whh: Float32Array, peep: Float32Array, mask: Float32Array,
    h: Float32Array, c: Float32Array,
  ): void;
  /**
   * The backward steps of a sequence, last step first: c (T + 1, B, H) the forward's cell-state
   * slots; dh, dc (T + 1, B, H) on entry the gradients reaching each slot from outside, each step
   * adding its recurrent part into the slot it read. Writes dgates (T, B, G*H); dpeep accumulates.
   */
  lstmSequenceBackward(
    T: number, B: number, H: number, forgetGate: boolean, peephole: boolean, reverse: boolean,
    gates: Float32Array, c: Float32Array, whh: Float32Array, peep: Float32Array,
    mask: Float32Array, dh: Float32Array, dc: Float32Array, dgates: Float32Array,
    dpeep: Float32Array,
  ): void;
}

export const LSTM_KERNELS = {
  lstmCellForward: true,
  lstmCellBackward: true,
  lstmSequenceForward: true,
  lstmSequenceBackward: true,
} as const satisfies Record<keyof LstmKernels, true>;
