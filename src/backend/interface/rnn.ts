/**
 * Vanilla recurrent cell, one time step over a batch (B rows, H hidden units):
 *
 *   h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh),   act = tanh or relu
 *
 * The input projection W_ih x_t + b_ih + b_hh is computed for every step at once (one GEMM) by
 * the caller and handed in through `gates`. Weights are row-major as in PyTorch (weight_hh is
 * (H, H)). Masks: `mask` holds B values, 0 marking a padded step for that row (h_t = h_{t-1}
 * there, and no gradient reaches the cell), or is empty when every step is real.
 *
 * Backward kernels write the per-step gate gradient (kept by the caller for the weight GEMMs
 * over all steps) and ACCUMULATE into dhprev.
 */

/** Activation codes, shared with native/kernels/rnn.h. */
export const RnnActivation = { tanh: 0, relu: 1 } as const;
export type RnnActivation = (typeof RnnActivation)[keyof typeof RnnActivation];

export interface RnnKernels {
  /**
   * gates (B, H): on entry the input projection, on exit act(pre-activation) (the cache for
   * backward). hprev (B, H), whh (H, H), mask (B or empty); h (B, H) is written.
   */
  rnnCellForward(
    B: number, H: number, activation: RnnActivation, gates: Float32Array, hprev: Float32Array,
    whh: Float32Array, mask: Float32Array, h: Float32Array,
  ): void;
  /**
   * gates (B, H) as left by the forward; dh (B, H) is dL/dh_t. dgates (B, H) is written with
   * dL/d(pre-activation); dhprev (B, H) += dL/dh_{t-1}.
   */
  rnnCellBackward(
    B: number, H: number, activation: RnnActivation, gates: Float32Array, whh: Float32Array,
    mask: Float32Array, dh: Float32Array, dgates: Float32Array, dhprev: Float32Array,
  ): void;
  /**
   * T steps of rnnCellForward over a sequence, as one call (see LstmKernels.lstmSequenceForward
   * for the step order and state slots). gates (T, B, H), slice t per step; mask (T, B) or empty;
   * h (T + 1, B, H) state slots, the h0 slot filled by the caller. Same results as the step kernel.
   */
  rnnSequenceForward(
    T: number, B: number, H: number, activation: RnnActivation, reverse: boolean,
    gates: Float32Array, whh: Float32Array, mask: Float32Array, h: Float32Array,
  ): void;
  /**
   * The backward steps of a sequence, last step first: dh (T + 1, B, H) on entry the gradients
   * reaching each slot from outside, each step adding its recurrent part into the slot it read.
   * Writes dgates (T, B, H).
   */
  rnnSequenceBackward(
    T: number, B: number, H: number, activation: RnnActivation, reverse: boolean,
    gates: Float32Array, whh: Float32Array, mask: Float32Array, dh: Float32Array,
    dgates: Float32Array,
  ): void;
}

export const RNN_KERNELS = {
  rnnCellForward: true,
  rnnCellBackward: true,
  rnnSequenceForward: true,
  rnnSequenceBackward: true,
} as const satisfies Record<keyof RnnKernels, true>;
