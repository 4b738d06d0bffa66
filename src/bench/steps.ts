/**
 * Whole training steps as benchmark workloads: zero the gradients, forward, loss, backward and
 * an optimizer step on one fixed batch, the way fit() runs them (inside tidy(), so buffers
 * are reused from step to step). The model and batch are built in setup() from a fixed seed;
 * each call first switches to the backend that was active at setup().
 */
import { crossEntropy } from '../ops/loss';
import { reshape } from '../ops/shape';
import { Conv2d } from '../nn/conv';
import { Flatten, Linear, ReLU, Sequential } from '../nn/layers';
import { MaxPool2d } from '../nn/pooling';
import { GRU, LSTM, type RecurrentBase } from '../nn/recurrent';
import { lenet5 } from '../models/lenet';
import { mlp } from '../zoo/mlp';
import type { Tensor } from '../tensor';
import { randNormal } from '../ops/creation';
import { tensor } from '../ops/creation';
import { Module } from '../nn/module';
import { Adam } from '../optim/adam';
import { manualSeed } from '../random';
import { keep, tidy } from '../scope';
import { getBackend, setBackend } from '../backend/registry';
import type { Workload } from './workload';

export interface StepSpec {
  /** 'train step mlp 784-256-128-10 b64' */
  name: string;
  build(): Module;
  /** Input shape: batch first, or (T, B, features) for a recurrent model (then set batch). */
  input: number[];
  /** Examples (labels) per step, when the batch is not the input's first dimension. */
  batch?: number;
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
      const n = spec.batch ?? spec.input[0]!;
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

/** Flops of one training step of a convolution (forward, input and weight gradients: 3x forward). */
function convStepFlops(n: number, c: number, oc: number, oh: number, ow: number, k: number): number {
  return 3 * 2 * n * oc * oh * ow * c * k * k;
}

/**
 * A recurrent classifier: one layer (LSTM or GRU) over (T, B, I), then a linear head on the
 * final hidden state. PyTorch's peer (bench/peers/torch_steps.py) builds the same network.
 */
export class RecurrentClassifier extends Module {
  static override className = 'RecurrentClassifier';
  readonly rnn: RecurrentBase;
  readonly head: Linear;

  constructor(cell: 'lstm' | 'gru', inputSize: number, hiddenSize: number, classes: number) {
    super();
    this.rnn = this.registerModule('rnn', cell === 'lstm' ? new LSTM(inputSize, hiddenSize) : new GRU(inputSize, hiddenSize));
    this.head = this.registerModule('head', new Linear(hiddenSize, classes));
  }

  forward(x: Tensor): Tensor {
    const h = this.rnn.run(x).h;
    return this.head.forward(reshape(h, [h.shape[1]!, h.shape[2]!]));
  }
}

/**
 * The CIFAR CNN of issue 8: conv 3x3 32 (padding 1), conv 3x3 32, max pool 2, conv 3x3 64,
 * max pool 2, fc 256, fc 10, ReLU after every conv and hidden fc; input (N, 3, 32, 32).
 */
export function cifarCnn(): Sequential {
  return new Sequential(
    new Conv2d(3, 32, 3, { padding: 1 }), new ReLU(),
    new Conv2d(32, 32, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2),
    new Conv2d(32, 64, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Linear(64 * 8 * 8, 256), new ReLU(), new Linear(256, 10),
  );
}

/**
 * The training steps of issue 8's targets (PyTorch has the same networks in
 * bench/peers/torch_steps.py, keyed by `key`): LeNet-5 batch 64 on 28x28, the CIFAR CNN batch
 * 32, LSTM and GRU (hidden 128 and 512, T=50, batch 32, input 64) with a linear head on the
 * last hidden state, and an MLP 784-512-512-10 batch 128. Cross-entropy loss and Adam.
 */
export function targetStepSpecs(): (StepSpec & { key: string })[] {
  const specs: (StepSpec & { key: string })[] = [
    {
      key: 'lenet5', name: 'train step lenet5 b64 28x28', build: () => lenet5({ inputSize: 28 }), input: [64, 1, 28, 28], classes: 10,
      flops: convStepFlops(64, 1, 6, 28, 28, 5) + convStepFlops(64, 6, 16, 10, 10, 5) + linearStepFlops(64, [400, 120, 84, 10]),
    },
    {
      key: 'cifar', name: 'train step cifar cnn b32 3x32x32', build: cifarCnn, input: [32, 3, 32, 32], classes: 10,
      flops: convStepFlops(32, 3, 32, 32, 32, 3) + convStepFlops(32, 32, 32, 32, 32, 3) + convStepFlops(32, 32, 64, 16, 16, 3) +
        linearStepFlops(32, [4096, 256, 10]),
    },
  ];
  for (const H of [128, 512]) {
    for (const cell of ['lstm', 'gru'] as const) {
      const G = cell === 'lstm' ? 4 : 3;
      specs.push({
        key: `${cell}${H}`, name: `train step ${cell} h${H} T50 b32 i64`, build: () => new RecurrentClassifier(cell, 64, H, 10),
        input: [50, 32, 64], batch: 32, classes: 10,
        flops: 3 * 2 * 50 * 32 * (64 + H) * G * H + linearStepFlops(32, [H, 10]),
      });
    }
  }
  specs.push({
    key: 'mlp', name: 'train step mlp 784-512-512-10 b128', build: () => mlp({ hidden: [512, 512] }), input: [128, 784], classes: 10,
    flops: linearStepFlops(128, [784, 512, 512, 10]),
  });
  return specs;
}

/** One of targetStepSpecs() by key ('lenet5', 'cifar', 'lstm128', 'gru128', 'lstm512', 'gru512', 'mlp'). */
export function targetStepSpec(key: string): StepSpec & { key: string } {
  const spec = targetStepSpecs().find((s) => s.key === key);
  if (!spec) throw new RangeError(`targetStepSpec: key must be one of ${targetStepSpecs().map((s) => s.key).join(', ')}, got "${key}"`);
  return spec;
}
