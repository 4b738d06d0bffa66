/**
 * Zoo entry: LeNet-5 on Fashion-MNIST (28x28, padded first convolution). trainLenet5() trains
 * with softmax cross-entropy and Adam on mini-batches in a seeded order and reports the test
 * accuracy after every epoch. With the defaults it reaches at least 85% test accuracy on the
 * 10,000/2,000-image subset neurite ships.
 *
 * TODO: switch the loop, loss and optimizer to the general fit()/Adam once they are on main;
 * they are kept local here so the entry works on its own.
 */
import { noGrad } from '../autograd';
import { mul } from '../ops/binary';
import { mulScalar } from '../ops/binary';
import { logSoftmax } from '../ops/softmax';
import { sum } from '../ops/reduce';
import { acquire } from '../memory';
import { LeNet5, lenet5 } from '../models/lenet';
import { Random } from '../random';
import { tidy } from '../scope';
import { formatShape, Tensor } from '../tensor';

export interface LabelledImages {
  /** Images [N, 1, 28, 28] (or [N, 28, 28]), float32 in [0, 1]. */
  x: Tensor;
  /** Class indices 0-9 as float32, shape [N]. */
  y: Tensor;
}

export interface Lenet5TrainOptions {
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** Seeds the initial weights and the batch order. */
  seed?: number;
  /** Called after each epoch. */
  onEpoch?: (report: { epoch: number; loss: number; testAccuracy: number; seconds: number }) => void;
}

export interface Lenet5Result {
  model: LeNet5;
  testAccuracy: number;
  history: { epoch: number; loss: number; testAccuracy: number; seconds: number }[];
}

function asNchw(t: Tensor): Tensor {
  if (t.rank === 3) return t.reshape([t.shape[0]!, 1, t.shape[1]!, t.shape[2]!]);
  if (t.rank === 4 && t.shape[1] === 1) return t;
  throw new RangeError(`trainLenet5: images must be [N, 28, 28] or [N, 1, 28, 28], got ${formatShape(t.shape)}`);
}

/** Copies rows `idx` of x ([N, ...]) into a new tensor. */
function gather(x: Tensor, idx: ArrayLike<number>, from: number, to: number): Tensor {
  const row = x.size / x.shape[0]!;
  const out = acquire((to - from) * row);
  for (let i = from; i < to; i++) out.set(x.data.subarray(idx[i]! * row, (idx[i]! + 1) * row), (i - from) * row);
  return new Tensor(out, [to - from, ...x.shape.slice(1)]);
}

/** Mean softmax cross-entropy of logits [B, K] against integer labels [B]. */
function crossEntropy(logits: Tensor, labels: Tensor): Tensor {
  const [B, K] = logits.shape as [number, number];
  const onehot = acquire(B * K).fill(0);
  for (let i = 0; i < B; i++) onehot[i * K + labels.data[i]!] = 1;
  return mulScalar(sum(mul(logSoftmax(logits), new Tensor(onehot, [B, K]))), -1 / B);
}

/** Fraction of images whose arg-max logit equals the label (eval mode, batches of 500). */
export function accuracy(model: LeNet5, data: LabelledImages): number {
  const x = asNchw(data.x);
  const n = x.shape[0]!;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let correct = 0;
  const wasTraining = model.training;
  model.eval();
  for (let b = 0; b < n; b += 500) {
    const e = Math.min(n, b + 500);
    correct += tidy(() => noGrad(() => {
      const logits = model.forward(gather(x, order, b, e));
      const K = logits.shape[1]!;
      let c = 0;
      for (let i = 0; i < e - b; i++) {
        let best = 0;
        for (let k = 1; k < K; k++) if (logits.data[i * K + k]! > logits.data[i * K + best]!) best = k;
        if (best === data.y.data[b + i]) c++;
      }
      return c;
    }));
  }
  model.train(wasTraining);
  return correct / n;
}

/** Trains LeNet-5 (28x28 variant) on `train` and evaluates on `test` after every epoch. */
export function trainLenet5(train: LabelledImages, test: LabelledImages, options: Lenet5TrainOptions = {}): Lenet5Result {
  const epochs = options.epochs ?? 8, batchSize = options.batchSize ?? 64, lr = options.learningRate ?? 2e-3;
  const rng = new Random(options.seed ?? 0);
  const model = lenet5({ inputSize: 28, rng });
  const x = asNchw(train.x);
  const n = x.shape[0]!;
  if (train.y.size !== n) throw new RangeError(`trainLenet5: ${n} images but ${train.y.size} labels`);
  // Adam (Kingma & Ba) state per parameter.
  const params = model.parameters();
  const m = params.map((p) => new Float32Array(p.size)), v = params.map((p) => new Float32Array(p.size));
  const [beta1, beta2, epsilon] = [0.9, 0.999, 1e-8];
  let step = 0;
  const history: Lenet5Result['history'] = [];
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const start = Date.now();
    rng.shuffle(order);
    let total = 0, batches = 0;
    for (let b = 0; b + batchSize <= n; b += batchSize) {
      total += tidy(() => {
        const loss = crossEntropy(model.forward(gather(x, order, b, b + batchSize)), gather(train.y, order, b, b + batchSize));
        loss.backward();
        return loss.item();
      });
      step++;
      const c1 = 1 - beta1 ** step, c2 = 1 - beta2 ** step;
      params.forEach((p, k) => {
        const g = p.grad!.data, mk = m[k]!, vk = v[k]!, w = p.data;
        for (let i = 0; i < w.length; i++) {
          mk[i] = beta1 * mk[i]! + (1 - beta1) * g[i]!;
          vk[i] = beta2 * vk[i]! + (1 - beta2) * g[i]! * g[i]!;
          w[i] -= (lr * (mk[i]! / c1)) / (Math.sqrt(vk[i]! / c2) + epsilon);
        }
        g.fill(0);
      });
      batches++;
    }
    const report = { epoch, loss: total / batches, testAccuracy: accuracy(model, test), seconds: (Date.now() - start) / 1000 };
    history.push(report);
    options.onEpoch?.(report);
  }
  return { model, testAccuracy: history.at(-1)?.testAccuracy ?? accuracy(model, test), history };
}
