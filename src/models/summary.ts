/**
 * summary(model, inputShape): a Keras-style table of the layers a forward pass runs through,
 * with each layer's output shape and parameter count, then the totals. It runs one forward
 * pass on zeros (batch 1, eval mode, no gradients) and records the output of every leaf
 * module (one without children) as it is called, so graphs such as residual blocks are
 * listed in execution order. The model's train/eval mode is restored afterwards.
 */
import { noGrad } from '../autograd';
import { zeros } from '../ops/creation';
import { tidy } from '../scope';
import { formatShape } from '../tensor';
import type { Module } from '../nn/module';
import type { Tensor } from '../tensor';

export interface SummaryRow {
  name: string;
  className: string;
  outputShape: number[];
  params: number;
}

export interface Summary {
  rows: SummaryRow[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  /** The printable table. */
  text: string;
}

function ownParams(m: Module): [number, number] {
  let total = 0, trainable = 0;
  for (const [name, p] of m.namedParameters()) {
    if (name.includes('.')) continue;
    total += p.size;
    if (p.requiresGrad) trainable += p.size;
  }
  return [total, trainable];
}

/**
 * Builds the summary of `model` for inputs of `inputShape` (without the batch dimension,
 * e.g. [1, 28, 28]) and prints it unless `print` is false.
 */
export function summary(model: Module, inputShape: readonly number[], options: { print?: boolean } = {}): Summary {
  const rows: SummaryRow[] = [];
  const leaves = model.namedModules().filter(([, m]) => m.namedChildren().length === 0);
  const wasTraining = model.training;
  const patched: [Module, PropertyDescriptor | undefined][] = [];
  for (const [name, m] of leaves) {
    const original = m.forward;
    patched.push([m, Object.getOwnPropertyDescriptor(m, 'forward')]);
    (m as { forward: (...x: Tensor[]) => Tensor }).forward = (...x: Tensor[]) => {
      const out = original.apply(m, x);
      rows.push({ name: name || '(model)', className: m.className, outputShape: [...out.shape], params: ownParams(m)[0] });
      return out;
    };
  }
  try {
    model.eval();
    tidy(() => noGrad(() => model.forward(zeros([1, ...inputShape]))));
  } finally {
    for (const [m, descriptor] of patched) {
      if (descriptor) Object.defineProperty(m, 'forward', descriptor);
      else delete (m as { forward?: unknown }).forward;
    }
    model.train(wasTraining);
  }
  // Parameters of modules the pass did not reach as leaves (e.g. own parameters of
  // containers) still count in the totals.
  const params = model.parameters();
  const totalParams = params.reduce((n, p) => n + p.size, 0);
  const trainableParams = params.filter((p) => p.requiresGrad).reduce((n, p) => n + p.size, 0);
  const header = ['Layer (type)', 'Output Shape', 'Param #'];
  const body = rows.map((r) => [`${r.name} (${r.className})`, formatShape([-1, ...r.outputShape.slice(1)]).replace('-1', 'N'), r.params.toLocaleString('en-US')]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('   ');
  const rule = (ch: string) => ch.repeat(widths.reduce((a, b) => a + b, 0) + 6);
  const text = [
    `Model: ${model.className}`,
    rule('='),
    line(header),
    rule('='),
    ...body.map(line),
    rule('='),
    `Total params: ${totalParams.toLocaleString('en-US')}`,
    `Trainable params: ${trainableParams.toLocaleString('en-US')}`,
    `Non-trainable params: ${(totalParams - trainableParams).toLocaleString('en-US')}`,
    rule('_'),
  ].join('\n');
  if (options.print ?? true) console.log(text);
  return { rows, totalParams, trainableParams, nonTrainableParams: totalParams - trainableParams, text };
}
