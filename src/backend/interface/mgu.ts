/**
 * Minimal Gated Unit (Zhou et al., 2016), one time step over a batch (B rows, H hidden units).
 * Gate blocks f, n, each H wide (weight_ih (2H, I), weight_hh (2H, H)):
 *
 *   f = sigmoid(W_if x + b_if + W_hf h_{t-1} + b_hf)
 *   n = tanh(W_in x + b_in + W_hn (f * h_{t-1}) + b_hn)
 *   h_t = (1 - f) * h_{t-1} + f * n
 *
 * Arguments mirror the GRU's reset-before convention: `aux` (B, H) caches f * h_{t-1}.
 */
export interface MguKernels {
  /** gates (B, 2H): on entry W_ih x_t + b_ih, on exit f and n. h and aux (B, H) are written. */
  mguCellForward(
    B: number, H: number, gates: Float32Array, hprev: Float32Array, whh: Float32Array,
    bhh: Float32Array, mask: Float32Array, h: Float32Array, aux: Float32Array,
  ): void;
  /**
   * Writes dgates (B, 2H) and daux (B, H) = dL/d(f * h_{t-1}); dhprev (B, H) accumulates.
   * The W_hh gradient is dgates[f]^T h_{t-1} for rows f and dgates[n]^T aux for rows n.
   */
  mguCellBackward(
    B: number, H: number, gates: Float32Array, hprev: Float32Array, whh: Float32Array,
    mask: Float32Array, dh: Float32Array, dgates: Float32Array, daux: Float32Array,
    dhprev: Float32Array,
  ): void;
  /**
   * T steps of mguCellForward over a sequence, as one call (see LstmKernels.lstmSequenceForward
   * for the step order and state slots). gates (T, B, 2H) and aux (T, B, H), slice t per step;
   * mask (T, B) or empty; h (T + 1, B, H) state slots, the h0 slot filled by the caller.
   */
  mguSequenceForward(
    T: number, B: number, H: number, reverse: boolean, gates: Float32Array, whh: Float32Array,
    bhh: Float32Array, mask: Float32Array, h: Float32Array, aux: Float32Array,
  ): void;
  /**
   * The backward steps of a sequence, last step first: h the forward's state slots; dh
   * (T + 1, B, H) on entry the gradients reaching each slot from outside, each step adding its
   * recurrent part into the slot it read. Writes dgates (T, B, 2H) and daux (T, B, H).
   */
  mguSequenceBackward(
    T: number, B: number, H: number, reverse: boolean, gates: Float32Array, h: Float32Array,
    whh: Float32Array, mask: Float32Array, dh: Float32Array, dgates: Float32Array,
    daux: Float32Array,
  ): void;
}

export const MGU_KERNELS = {
  mguCellForward: true,
  mguCellBackward: true,
  mguSequenceForward: true,
  mguSequenceBackward: true,
} as const satisfies Record<keyof MguKernels, true>;
