/**
 * Convolution and pooling workloads: conv2d forward, input-gradient and weight-gradient
 * kernels, max/avg pooling forward and backward, at the shapes of LeNet-5 on 28x28 images and
 * of a small CIFAR CNN. Kernels are taken from the backend active at setup(); inputs are
 * deterministic values in [-1, 1).
 */
import { backend } from '../backend/registry';
import type { Workload } from './workload';

export interface ConvShape {
  N: number; C: number; H: number; W: number; OC: number; K: number; stride?: number; pad?: number;
}

function filled(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = (seed * 2654435761 + 1) >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s >>> 8) / 8388608 - 1;
  }
  return out;
}

function outSize(x: number, k: number, stride: number, pad: number): number {
  return Math.floor((x + 2 * pad - k) / stride) + 1;
}

function convName(kind: string, s: ConvShape): string {
  return `conv2d ${kind} N${s.N} C${s.C} ${s.H}x${s.W} OC${s.OC} k${s.K}${s.stride && s.stride > 1 ? ` s${s.stride}` : ''}${s.pad ? ` p${s.pad}` : ''}`;
}

/** conv2d forward, backward-input and backward-weight workloads for one shape. */
export function conv2dWorkloads(s: ConvShape): Workload[] {
  const stride = s.stride ?? 1, pad = s.pad ?? 0;
  const OH = outSize(s.H, s.K, stride, pad), OW = outSize(s.W, s.K, stride, pad);
  const flops = 2 * s.N * s.OC * OH * OW * s.C * s.K * s.K;
  const args = [s.N, s.C, s.H, s.W, s.OC, s.K, s.K, stride, stride, pad, pad, pad, pad, 1, 1, 1] as const;
  // Backward kernels accumulate into dx/dweight; the sums stay far from overflow over a run.
  const buffers = () => ({
    x: filled(s.N * s.C * s.H * s.W, 1), w: filled(s.OC * s.C * s.K * s.K, 2), b: filled(s.OC, 3),
    out: filled(s.N * s.OC * OH * OW, 4), dx: new Float32Array(s.N * s.C * s.H * s.W), dw: new Float32Array(s.OC * s.C * s.K * s.K),
  });
  return [
    { name: convName('fwd', s), flops, setup() { const k = backend(), t = buffers(); return () => k.conv2dForward(t.x, t.w, t.b, true, t.out, ...args); } },
    { name: convName('bwd-input', s), flops, setup() { const k = backend(), t = buffers(); return () => k.conv2dBackwardInput(t.out, t.w, t.dx, ...args); } },
    { name: convName('bwd-weight', s), flops, setup() { const k = backend(), t = buffers(); return () => k.conv2dBackwardWeight(t.x, t.out, t.dw, ...args); } },
  ];
}

export interface PoolShape { N: number; C: number; H: number; W: number; K: number; stride: number }

/** Max and average pooling, forward and backward (no flop count: they are memory-bound). */
export function pool2dWorkloads(s: PoolShape): Workload[] {
  const OH = outSize(s.H, s.K, s.stride, 0), OW = outSize(s.W, s.K, s.stride, 0);
  const tag = `N${s.N} C${s.C} ${s.H}x${s.W} k${s.K} s${s.stride}`;
  const geo = [s.N, s.C, s.H, s.W, s.K, s.K, s.stride, s.stride, 0, 0, 0, 0] as const;
  const buffers = () => ({
    x: filled(s.N * s.C * s.H * s.W, 1), out: filled(s.N * s.C * OH * OW, 2),
    argmax: new Float32Array(s.N * s.C * OH * OW), dx: new Float32Array(s.N * s.C * s.H * s.W),
  });
  return [
    { name: `maxpool2d fwd ${tag}`, setup() { const k = backend(), t = buffers(); return () => k.maxPool2dForward(t.x, t.out, t.argmax, ...geo, 1, 1); } },
    {
      name: `maxpool2d bwd ${tag}`,
      setup() {
        const k = backend(), t = buffers();
        k.maxPool2dForward(t.x, t.out, t.argmax, ...geo, 1, 1);
        return () => k.maxPool2dBackward(t.out, t.argmax, t.dx, s.N * s.C, s.H * s.W, OH * OW);
      },
    },
    { name: `avgpool2d fwd ${tag}`, setup() { const k = backend(), t = buffers(); return () => k.avgPool2dForward(t.x, t.out, ...geo, true); } },
    { name: `avgpool2d bwd ${tag}`, setup() { const k = backend(), t = buffers(); return () => k.avgPool2dBackward(t.out, t.dx, ...geo, true); } },
  ];
}

/** LeNet-5's first convolution on 28x28 images, and a 3x3 layer of a small CIFAR CNN. */
export const CONV_SHAPES: readonly ConvShape[] = [
  { N: 64, C: 1, H: 28, W: 28, OC: 6, K: 5, pad: 2 },
  { N: 32, C: 32, H: 32, W: 32, OC: 64, K: 3, pad: 1 },
];
export const POOL_SHAPES: readonly PoolShape[] = [{ N: 32, C: 64, H: 32, W: 32, K: 2, stride: 2 }];
