/**
 * Grow-only scratch buffers for the js kernels (im2col columns, gathered patches), reused
 * across calls as the native kernels reuse theirs. The js backend is single-threaded, so one
 * set of slots suffices. Callers must not hold a slot across another kernel call.
 */
const slots: Float32Array[] = [new Float32Array(0), new Float32Array(0), new Float32Array(0), new Float32Array(0)];

/** Slot `slot` with at least n floats (contents unspecified). */
export function workspace(slot: number, n: number): Float32Array {
  if (slots[slot]!.length < n) slots[slot] = new Float32Array(n);
  return slots[slot]!;
}
