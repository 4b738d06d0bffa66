/**
 * Finite-difference gradient checks. `f` maps the inputs to a scalar tensor; each input's
 * analytic gradient (from backward()) is compared with the central difference
 * (f(x + h) - f(x - h)) / 2h, computed by re-running f with one element nudged.
 *
 * The forward runs in float32, so h must not be tiny: 1e-2 to 1e-3 relative works for smooth
 * functions. Points near kinks (relu at 0, hinge at the margin) should be avoided by the caller.
 */
import { Tensor } from '../../src/tensor';

export interface GradCheckOptions {
  /** Step size (default 1e-2). */
  eps?: number;
  /** Relative tolerance (default 2e-2). */
  rtol?: number;
  /** Absolute tolerance (default 2e-3). */
  atol?: number;
  /** Check at most this many elements per input, spread evenly (default all). */
  maxElements?: number;
}

export function numericGrad(f: () => Tensor, x: Tensor, eps: number, indices: number[]): Float64Array {
  const out = new Float64Array(indices.length);
  indices.forEach((i, k) => {
    const saved = x.data[i]!;
    x.data[i] = saved + eps;
    const up = f().item();
    x.data[i] = saved - eps;
    const down = f().item();
    x.data[i] = saved;
    // Use the float32 steps actually taken, not eps itself.
    const h = Math.fround(saved + eps) - Math.fround(saved - eps);
    out[k] = (up - down) / h;
  });
  return out;
}

/** Throws with the worst element if an analytic gradient disagrees with finite differences. */
export function gradCheck(f: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], options: GradCheckOptions = {}): void {
  const eps = options.eps ?? 1e-2;
  const rtol = options.rtol ?? 2e-2;
  const atol = options.atol ?? 2e-3;
  for (const x of inputs) {
    x.requiresGrad = true;
    x.grad = null;
  }
  const y = f(...inputs);
  if (y.size !== 1) throw new Error(`gradCheck: f must return a scalar, got ${y.size} elements`);
  y.backward();
  inputs.forEach((x, which) => {
    const n = x.size;
    const limit = Math.min(n, options.maxElements ?? n);
    const indices = Array.from({ length: limit }, (_, k) => Math.floor((k * n) / limit));
    const numeric = numericGrad(() => f(...inputs), x, eps, indices);
    const analytic = x.grad ? x.grad.data : new Float32Array(n);
    indices.forEach((i, k) => {
      const a = analytic[i]!, e = numeric[k]!;
      if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
        throw new Error(`gradCheck: input ${which} element ${i}: analytic ${a}, numeric ${e} (rtol ${rtol}, atol ${atol})`);
      }
    });
  });
}
