/**
 * Replays test/fixtures/golden-mlp (made by scripts/make-golden-mlp.py with PyTorch): loads the
 * PyTorch state dict of Sequential(Linear(4, 8), ReLU(), Linear(8, 3)) from safetensors into
 * neurite's MLP, then checks the output and, for every loss entry, the loss value and the
 * gradients wrt the output and every parameter. Runs on both backends; PyTorch is not needed.
 *
 * Each loss is a table entry: `loss` in golden.json -> how neurite computes it. FORMULAS builds
 * each loss from primitive ops exactly as the issue writes it, so it checks the fixture, the
 * MLP's forward/backward and autograd against PyTorch; LOSS_FUNCTIONS holds neurite's fused loss
 * functions (src/ops/loss.ts), checked the same way. A new loss gets an entry in
 * scripts/make-golden-mlp.py and one in each table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  abs, add, getBackend, loadSafetensors, loadWeights, log, logSoftmax, mean, mul, relu, setBackend, sigmoid, softplus, sqrt,
  square, sub, sum, tensor, tidy, type Tensor,
  hingeLoss, squaredHingeLoss, binaryCrossEntropy, binaryCrossEntropyWithLogits, multiMarginLoss, squaredMultiMarginLoss,
  crossEntropy, mseLoss, l1Loss, pseudoHuberLoss, Sequential, Linear, ReLU,
} from '../../src/index';
import { BACKEND_NAMES, expectClose } from '../helpers/backends';

const DIR = join(__dirname, '..', 'fixtures', 'golden-mlp');

interface Entry {
  key: string;
  loss: string;
  reduction: 'mean' | 'sum';
  options: { delta?: number };
  target: string;
  input: 'output' | 'sigmoid(output)';
  value: number;
}

type LossFn = (y: Tensor, t: Tensor, reduction: 'mean' | 'sum', options: { delta?: number }) => Tensor;

/** neurite's own MLP with torch's layout: Sequential(Linear(i, h), ReLU(), Linear(h, o)). */
const mlp = (i: number, h: number, o: number): Sequential => new Sequential(new Linear(i, h), new ReLU(), new Linear(h, o));

const reduce = (v: Tensor, r: 'mean' | 'sum'): Tensor => (r === 'mean' ? mean(v) : sum(v));

function oneHot(t: Tensor, classes: number): Tensor {
  const out: number[] = [];
  for (const k of t.data) for (let j = 0; j < classes; j++) out.push(j === k ? 1 : 0);
  return tensor(out, [t.size, classes]);
}

/** sum_{j != t} f(1 - (y_t - y_j)) per row, as [N]. */
function marginRows(y: Tensor, t: Tensor, f: (m: Tensor) => Tensor): Tensor {
  const hot = oneHot(t, y.shape[1]!);
  const yt = sum(mul(y, hot), 1, true);
  return sum(mul(f(relu(sub(1, sub(yt, y)))), sub(1, hot)), 1);
}

/** The formulas, from primitive ops (y = output, t = target). */
const FORMULAS: Record<string, LossFn> = {
  hinge: (y, t, r) => reduce(relu(sub(1, mul(y, t))), r),
  squaredHinge: (y, t, r) => reduce(square(relu(sub(1, mul(y, t)))), r),
  // -(t log y + (1 - t) log(1 - y)), on y = sigmoid(output)
  binaryCrossEntropy: (y, t, r) => reduce(mul(-1, add(mul(t, log(y)), mul(sub(1, t), log(sub(1, y))))), r),
  // The same loss on logits: softplus(y) - t y
  binaryCrossEntropyWithLogits: (y, t, r) => reduce(sub(softplus(y), mul(t, y)), r),
  multiMargin: (y, t, r) => reduce(marginRows(y, t, (m) => m), r),
  squaredMultiMargin: (y, t, r) => reduce(marginRows(y, t, square), r),
  crossEntropy: (y, t, r) => reduce(mul(-1, sum(mul(logSoftmax(y), oneHot(t, y.shape[1]!)), 1)), r),
  mse: (y, t, r) => reduce(square(sub(y, t)), r),
  l1: (y, t, r) => reduce(abs(sub(y, t)), r),
  pseudoHuber: (y, t, r, { delta = 1 }) => reduce(mul(delta * delta, sub(sqrt(add(1, square(mul(1 / delta, sub(y, t))))), 1)), r),
};

/** neurite's loss functions (src/ops/loss.ts), by golden.json name. */
const LOSS_FUNCTIONS: Record<string, LossFn> = {
  hinge: (y, t, reduction) => hingeLoss(y, t, { reduction }),
  squaredHinge: (y, t, reduction) => squaredHingeLoss(y, t, { reduction }),
  binaryCrossEntropy: (y, t, reduction) => binaryCrossEntropy(y, t, { reduction }),
  binaryCrossEntropyWithLogits: (y, t, reduction) => binaryCrossEntropyWithLogits(y, t, { reduction }),
  multiMargin: (y, t, reduction) => multiMarginLoss(y, t, { reduction }),
  squaredMultiMargin: (y, t, reduction) => squaredMultiMarginLoss(y, t, { reduction }),
  crossEntropy: (y, t, reduction) => crossEntropy(y, t, { reduction }),
  mse: (y, t, reduction) => mseLoss(y, t, { reduction }),
  l1: (y, t, reduction) => l1Loss(y, t, { reduction }),
  pseudoHuber: (y, t, reduction, { delta }) => pseudoHuberLoss(y, t, { reduction, delta }),
};

const golden = JSON.parse(readFileSync(join(DIR, 'golden.json'), 'utf8')) as { losses: Entry[]; shapes: Record<string, number> };
const fixture = loadSafetensors(join(DIR, 'golden.safetensors')).tensors;
const get = (name: string): Tensor => {
  const t = fixture.get(name);
  if (!t) throw new Error(`golden.safetensors has no "${name}"`);
  return t;
};

function replay(fn: LossFn, entry: Entry): void {
  const { I, H, C } = golden.shapes as { I: number; H: number; C: number };
  const model = mlp(I!, H!, C!);
  loadWeights(model, join(DIR, 'model.safetensors'));
  tidy(() => {
    const out = model.forward(get('x'));
    out.retainGrad = true;
    const y = entry.input === 'sigmoid(output)' ? sigmoid(out) : out;
    const loss = fn(y, get(entry.target), entry.reduction, entry.options);
    expectClose([loss.item()], [entry.value], 1e-5, 1e-6);
    loss.backward();
    expectClose(out.grad!.data, get(`grad/${entry.key}/output`).data, 1e-4, 1e-6);
    for (const [name, p] of model.namedParameters()) {
      try {
        expectClose(p.grad!.data, get(`grad/${entry.key}/${name}`).data, 1e-4, 1e-6);
      } catch (err) {
        throw new Error(`${entry.key}, d/d ${name}: ${(err as Error).message}`);
      }
    }
  });
}

describe.each(BACKEND_NAMES)('golden MLP from PyTorch on %s', (backendName) => {
  let previous: 'js' | 'native';
  beforeAll(() => { previous = getBackend(); setBackend(backendName); });
  afterAll(() => setBackend(previous));

  it('loads the PyTorch state dict and reproduces the outputs', () => {
    const model = mlp(4, 8, 3);
    loadWeights(model, join(DIR, 'model.safetensors'));
    expect([...model.stateDict().keys()]).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expectClose(model.forward(get('x')).data, get('output').data, 1e-5, 1e-6);
  });

  it('the fixture covers every loss of the issue, both reductions', () => {
    expect(new Set(golden.losses.map((e) => e.loss))).toEqual(new Set(Object.keys(FORMULAS)));
    expect(golden.losses.filter((e) => e.reduction === 'sum').length).toBe(golden.losses.length / 2);
  });

  for (const entry of golden.losses) {
    it(`${entry.key}: formula from ops matches PyTorch (value and gradients)`, () => replay(FORMULAS[entry.loss]!, entry));
    const fused = LOSS_FUNCTIONS[entry.loss];
    if (fused) it(`${entry.key}: neurite loss function matches PyTorch (value and gradients)`, () => replay(fused, entry));
  }
});
