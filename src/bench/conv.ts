/**
 * Benchmark workloads of the CNN kernels (conv2d forward, input and weight gradients, max
 * pooling) and whole CNN training steps: LeNet-5 on 28x28 at batch 64 and the small CIFAR CNN
 * of the performance targets (conv 32-32-pool-64-pool-fc256-fc10) at batch 32.
 */
import { getBackendByName } from '../backend/registry';
import { getBackend } from '../backend/registry';
import { targetStepSpec, trainingStepWorkload } from './steps';
import { filled, type Workload } from './workload';

export interface ConvShape {
  N: number; C: number; H: number; W: number; OC: number; K: number; stride?: number; pad?: number;
}

/** 'forward' | 'input' | 'weight': which of the three conv2d GEMM passes to time. */
export function conv2dWorkload(s: ConvShape, pass: 'forward' | 'input' | 'weight'): Workload {
  const stride = s.stride ?? 1, pad = s.pad ?? 0;
  const OH = Math.floor((s.H + 2 * pad - s.K) / stride) + 1, OW = Math.floor((s.W + 2 * pad - s.K) / stride) + 1;
  const dims = [s.N, s.C, s.H, s.W, s.OC, s.K, s.K, stride, stride, pad, pad, pad, pad, 1, 1, 1] as const;
  return {
    name: `conv2d ${pass} x=[${s.N},${s.C},${s.H},${s.W}] w=[${s.OC},${s.C},${s.K},${s.K}] s=${stride} p=${pad}`,
    flops: 2 * s.N * s.OC * OH * OW * s.C * s.K * s.K,
    setup() {
      const k = getBackendByName(getBackend());
      const x = filled(s.N * s.C * s.H * s.W, 1), w = filled(s.OC * s.C * s.K * s.K, 2), b = filled(s.OC, 3);
      const out = filled(s.N * s.OC * OH * OW, 4), dx = new Float32Array(x.length), dw = new Float32Array(w.length);
      if (pass === 'forward') return () => k.conv2dForward(x, w, b, true, out, ...dims);
      if (pass === 'input') return () => k.conv2dBackwardInput(out, w, dx, ...dims, true);
      return () => k.conv2dBackwardWeight(x, out, dw, ...dims);
    },
  };
}

export function maxPool2dWorkload(N: number, C: number, H: number, W: number): Workload {
  const OH = Math.floor(H / 2), OW = Math.floor(W / 2);
  return {
    name: `maxPool2d 2x2 x=[${N},${C},${H},${W}]`,
    bytes: 4 * N * C * (H * W + 2 * OH * OW),
    setup() {
      const k = getBackendByName(getBackend());
      const x = filled(N * C * H * W, 1), out = new Float32Array(N * C * OH * OW), am = new Float32Array(out.length);
      return () => k.maxPool2dForward(x, out, am, N, C, H, W, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1);
    },
  };
}

/** LeNet-5 (28x28 variant) training step at batch 64: the target workload of steps.ts. */
export function lenet5StepWorkload(): Workload {
  return trainingStepWorkload(targetStepSpec('lenet5'));
}

/** The CIFAR CNN of the performance targets (conv 32-32-pool-64-pool-fc256-fc10), batch 32. */
export function cifarCnnStepWorkload(): Workload {
  return trainingStepWorkload(targetStepSpec('cifar'));
}
