/**
 * Optimizer family: fused in-place parameter updates after PyTorch's single-tensor formulas,
 * plus the helpers regularization uses. Mirrors native/kernels/optim.h. Gradients are read,
 * never written, except by clipValue.
 */
export interface OptimKernels {
  /**
   * PyTorch SGD. g = grad + weightDecay * param; with momentum: buf = g on the first step,
   * else buf = momentum * buf + (1 - dampening) * g, then g = nesterov ? g + momentum * buf : buf.
   * param -= lr * g. buf is not touched (may be empty) when momentum is 0.
   */
  sgdStep(
    param: Float32Array, grad: Float32Array, buf: Float32Array, n: number, lr: number,
    momentum: number, dampening: number, weightDecay: number, nesterov: boolean, firstStep: boolean,
  ): void;
  /**
   * PyTorch Adam (decoupled false: g = grad + weightDecay * param) or AdamW (decoupled true:
   * param *= 1 - lr * weightDecay). m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
   * param -= lr / (1 - b1^step) * m / (sqrt(v) / sqrt(1 - b2^step) + eps); step >= 1.
   */
  adamStep(
    param: Float32Array, grad: Float32Array, expAvg: Float32Array, expAvgSq: Float32Array, n: number,
    lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, step: number, decoupled: boolean,
  ): void;
  /**
   * PyTorch RMSprop (not centered). g = grad + weightDecay * param; sq = alpha sq + (1 - alpha) g^2;
   * with momentum > 0: buf = momentum buf + g / (sqrt(sq) + eps), param -= lr buf;
   * else param -= lr g / (sqrt(sq) + eps). buf may be empty when momentum is 0.
   */
  rmspropStep(
    param: Float32Array, grad: Float32Array, squareAvg: Float32Array, buf: Float32Array, n: number,
    lr: number, alpha: number, eps: number, weightDecay: number, momentum: number,
  ): void;
  /** Gradient of l1 * sum|p| + l2 * sum p^2: grad += l1 * sign(p) + 2 * l2 * p. */
  penaltyGrad(param: Float32Array, grad: Float32Array, n: number, l1: number, l2: number): void;
  /** weight is (rows, cols); rows with norm > maxNorm are scaled by maxNorm / (norm + 1e-7). */
  maxNormRows(weight: Float32Array, rows: number, cols: number, maxNorm: number): void;
  /** x = min(max(x, lo), hi) in place; NaN stays NaN. */
  clipValue(x: Float32Array, n: number, lo: number, hi: number): void;
  /** out[0] = sum of x^2 (accumulated in double). */
  sumSquares(x: Float32Array, n: number, out: Float32Array): void;
}

export const OPTIM_KERNELS = {
  sgdStep: true,
  adamStep: true,
  rmspropStep: true,
  penaltyGrad: true,
  maxNormRows: true,
  clipValue: true,
  sumSquares: true,
} as const satisfies Record<keyof OptimKernels, true>;
