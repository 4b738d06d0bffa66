/**
 * Whole training steps as benchmark workloads: zero the gradients, forward, loss, backward and
 * an optimizer step on one fixed batch, the way fit() runs them (inside tidy(), so buffers
 * are reused from step to step). The model and batch are built in setup() from a fixed seed;
 * each call first switches to the backend that was active at setup().
 */
import { crossEntropy } from '../ops/loss';
import { randNormal } from '../ops/creation';
import { tensor } from '../ops/creation';
import type { Module } from '../nn/module';
import { Adam } from '../optim/adam';
import { manualSeed } from '../random';
import { keep, tidy } from '../scope';
import { getBackend, setBackend } from '../backend/registry';
import type { Workload } from './workload';

export interface StepSpec {
  /** 'train step mlp 784-256-128-10 b64' */
  name: string;
  build(): Module;
  /** Input shape, batch first. */
  input: number[];
  classes: number;
  /** Floating-point operations of one step, when known. */
  flops?: number;
}

export function trainingStepWorkload(spec: StepSpec): Workload {
  return {
    name: spec.name,
    ...(spec.flops !== undefined ? { flops: spec.flops } : {}),
    setup() {
      manualSeed(1);
      const model = spec.build();
      const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
      const x = keep(randNormal(spec.input));
      const n = spec.input[0]!;
      const y = keep(tensor(Float32Array.from({ length: n }, (_, i) => i % spec.classes), [n]));
      // Ops look the backend up when they run, and compareBackends interleaves backends: pin
      // the one active at setup, as the harness expects of a workload.
      const backendName = getBackend();
      return () =>
        tidy(() => {
          setBackend(backendName);
          optimizer.zeroGrad();
          const loss = crossEntropy(model.forward(x), y);
          loss.backward();
          optimizer.step();
        });
    },
  };
}

/**
 * Flops of one training step through linear layers of these widths: each layer's forward GEMM
 * (2·B·in·out) plus its two backward GEMMs (input and weight gradients), so 6·B·in·out; the
 * elementwise work is left out.
 */
export function linearStepFlops(batch: number, widths: readonly number[]): number {
  let f = 0;
  for (let i = 1; i < widths.length; i++) f += 6 * batch * widths[i - 1]! * widths[i]!;
  return f;
}
