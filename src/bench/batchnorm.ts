/**
 * Benchmark workloads of batch normalization: the fused kernels alone (training forward then
 * backward, one call each) and the batchNorm2d op through autograd (forward in training mode,
 * backward from a fixed output gradient, inside tidy() as a training step runs it).
 */
import { getBackend, getBackendByName, setBackend } from '../backend/registry';
import { BatchNorm2d } from '../nn/batchnorm';
import { randNormal } from '../ops/creation';
import { manualSeed } from '../random';
import { keep, tidy } from '../scope';
import type { Tensor } from '../tensor';
import type { Workload } from './workload';

/** batchNorm2dForwardTrain + batchNorm2dBackward on (N, C, H, W): two reads, one write each. */
export function batchNorm2dKernelWorkload(N: number, C: number, H: number, W: number): Workload {
  const size = N * C * H * W;
  return {
    name: `batchNorm2d kernels fwd+bwd x=[${N},${C},${H},${W}]`,
    bytes: 4 * size * (3 + 5),
    setup() {
      const k = getBackendByName(getBackend());
      manualSeed(1);
      const x = randNormal([N, C, H, W]).data, dout = randNormal([N, C, H, W]).data;
      const out = new Float32Array(size), dx = new Float32Array(size);
      const w = new Float32Array(C).fill(1), b = new Float32Array(C), dw = new Float32Array(C), db = new Float32Array(C);
      const rm = new Float32Array(C), rv = new Float32Array(C).fill(1), mean = new Float32Array(C), invstd = new Float32Array(C);
      return () => {
        k.batchNorm2dForwardTrain(x, w, b, out, mean, invstd, rm, rv, N, C, H * W, 0.1, 1e-5);
        k.batchNorm2dBackward(dout, x, w, mean, invstd, dx, dw, db, N, C, H * W, true);
      };
    },
  };
}

/** The BatchNorm2d layer, training mode: forward, then backward into x, weight and bias. */
export function batchNorm2dLayerWorkload(N: number, C: number, H: number, W: number): Workload {
  return {
    name: `BatchNorm2d layer fwd+bwd x=[${N},${C},${H},${W}]`,
    setup() {
      manualSeed(1);
      const layer = new BatchNorm2d(C);
      const x = keep(randNormal([N, C, H, W]));
      x.requiresGrad = true;
      const dout = keep(randNormal([N, C, H, W]));
      const backendName = getBackend();
      return () =>
        tidy(() => {
          setBackend(backendName);
          for (const t of [x, ...layer.parameters()]) t.grad?.data.fill(0);
          const y: Tensor = layer.forward(x);
          y.backward(dout);
        });
    },
  };
}
