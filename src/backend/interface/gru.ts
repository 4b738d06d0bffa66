/**
 * GRU cell, one time step over a batch (B rows, H hidden units); gate blocks r, z, n in
 * PyTorch's order, each H wide. Equations and gradients in native/kernels/gru.md. Two
 * conventions:
 *
 * - resetAfter (PyTorch, cuDNN, Keras reset_after=True): n = tanh(W_in x + b_in + r *
 *   (W_hn h + b_hn)), h_t = (1 - z) * n + z * h_{t-1}   (z is the share of the OLD state);
 * - reset before (the course, Keras reset_after=False): n = tanh(W_in x + b_in + W_hn (r * h)
 *   + b_hn), h_t = (1 - z) * h_{t-1} + z * n            (z is the share of the NEW state).
 *
 * The caller computes W_ih x_t + b_ih for every step at once (one GEMM) and hands it in through
 * `gates`; b_hh is added here because b_hn sits inside the reset. `aux` (B, H) is a cache:
 * W_hn h_{t-1} + b_hn with resetAfter, r * h_{t-1} otherwise (the right operand of the W_hn
 * weight gradient). `mask` holds B values, 0 marking a padded step, or is empty.
 */
export interface GruKernels {
  /**
   * gates (B, 3H): on entry W_ih x_t + b_ih, on exit the activations r, z, n. hprev (B, H);
   * whh (3H, H); bhh (3H); mask (B or empty). h and aux (B, H) are written.
   */
  gruCellForward(
    B: number, H: number, resetAfter: boolean, gates: Float32Array, hprev: Float32Array,
    whh: Float32Array, bhh: Float32Array, mask: Float32Array, h: Float32Array, aux: Float32Array,
  ): void;
  /**
   * Writes dgates (B, 3H) = dL/d(W_ih x_t + b_ih) per gate, and daux (B, H): dL/d(W_hn h + b_hn)
   * with resetAfter, dL/d(r * h_{t-1}) otherwise. dhprev (B, H) accumulates. The W_hh gradient
   * is dgates[r, z]^T h_{t-1} for rows r, z, and daux^T h_{t-1} (resetAfter) or
   * dgates[n]^T aux (reset before) for rows n.
   */
  gruCellBackward(
    B: number, H: number, resetAfter: boolean, gates: Float32Array, aux: Float32Array,
    hprev: Float32Array, whh: Float32Array, mask: Float32Array, dh: Float32Array,
    dgates: Float32Array, daux: Float32Array, dhprev: Float32Array,
  ): void;
  /**
   * T steps of gruCellForward over a sequence, as one call (see
   * LstmKernels.lstmSequenceForward for the step order and state slots). gates (T, B, 3H) and
   * aux (T, B, H), slice t per step; mask (T, B) or empty; h (T + 1, B, H) state slots, the h0
   * slot filled by the caller. Same results as the step kernel.
   */
  gruSequenceForward(
    T: number, B: number, H: number, resetAfter: boolean, reverse: boolean, gates: Float32Array,
    whh: Float32Array, bhh: Float32Array, mask: Float32Array, h: Float32Array, aux: Float32Array,
  ): void;
  /**
   * The backward steps of a sequence, last step first: h the forward's state slots; dh
   * (T + 1, B, H) on entry the gradients reaching each slot from outside, each step adding its
   * recurrent part into the slot it read. Writes dgates (T, B, 3H) and daux (T, B, H).
   */
  gruSequenceBackward(
    T: number, B: number, H: number, resetAfter: boolean, reverse: boolean, gates: Float32Array,
    aux: Float32Array, h: Float32Array, whh: Float32Array, mask: Float32Array, dh: Float32Array,
    dgates: Float32Array, daux: Float32Array,
  ): void;
}

export const GRU_KERNELS = {
  gruCellForward: true,
  gruCellBackward: true,
  gruSequenceForward: true,
  gruSequenceBackward: true,
} as const satisfies Record<keyof GruKernels, true>;
