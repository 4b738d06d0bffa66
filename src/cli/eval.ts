/**
 * `neurite eval`: a saved model (a run directory of `neurite train`, or any directory written by
 * saveModel plus --layout) on a dataset's test split: loss, accuracy, per-class accuracy and the
 * confusion matrix (rows: true class, columns: predicted class).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { crossEntropy, loadModel, noGrad, predict, tidy, type Tensor } from '../index';
import { helpText, parseArgs, type CommandSpec } from './args';
import { applyRuntimeOptions, BACKEND_OPTION, JSON_OPTION, out, runtimeLine, THREADS_OPTION, type Command } from './common';
import { arrange, loadDataset } from './datasets';
import { readRunFile, RUN_FILE } from './train';
import type { InputLayout } from './zoo';

const spec = {
  name: 'eval',
  summary: 'Evaluate a saved model: loss, accuracy and a confusion matrix on a test split.',
  positionals: [{ name: 'model-dir', description: 'run directory of neurite train (or a saveModel directory)', required: true }],
  options: {
    data: { type: 'string', description: 'dataset directory [default: the one the run trained on]', placeholder: 'dir' },
    'test-size': { type: 'integer', description: 'evaluate on a class-balanced part of the test split [default: as in training]', min: 1 },
    layout: { type: 'string', description: 'input layout, for a directory without run.json', choices: ['flat', 'image', 'sequence'], placeholder: 'name' },
    'batch-size': { type: 'integer', description: 'samples per batch', default: 256, min: 1, max: 1 << 20 },
    backend: BACKEND_OPTION,
    threads: THREADS_OPTION,
    json: JSON_OPTION,
  },
  examples: ['neurite eval runs/mlp', 'neurite eval runs/mlp --data /usr/share/datasets/fashion-mnist --json'],
} satisfies CommandSpec;

export interface EvalResult {
  samples: number;
  loss: number;
  accuracy: number;
  classes: readonly string[];
  /** confusion[t][p]: samples of true class t predicted as p. */
  confusion: number[][];
  /** Accuracy within each true class (recall). */
  perClass: number[];
}

/** Loss, accuracy and confusion matrix from logits (N, C) and class indices (N). */
export function scoreLogits(logits: Tensor, y: Tensor, classes: readonly string[]): EvalResult {
  const [n, c] = logits.shape as [number, number];
  if (c !== classes.length) throw new Error(`the model outputs ${c} scores per sample but the dataset has ${classes.length} classes`);
  const loss = tidy(() => noGrad(() => crossEntropy(logits, y).item()));
  const confusion = Array.from({ length: c }, () => new Array<number>(c).fill(0));
  const p = logits.data, t = y.data;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < c; j++) if (p[i * c + j]! > p[i * c + best]!) best = j;
    confusion[t[i]!]![best]!++;
    if (best === t[i]) correct++;
  }
  const perClass = confusion.map((row, k) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total === 0 ? 0 : row[k]! / total;
  });
  return { samples: n, loss, accuracy: n === 0 ? 0 : correct / n, classes, confusion, perClass };
}

function matrixText(r: EvalResult): string {
  const width = Math.max(5, ...r.confusion.flat().map((v) => String(v).length + 1));
  const label = Math.max(...r.classes.map((c) => c.length)) + 2;
  const lines = [`${'true \\ predicted'.padEnd(label + 4)}${r.classes.map((_, j) => String(j).padStart(width)).join('')}   accuracy`];
  r.confusion.forEach((row, k) => {
    lines.push(`${String(k).padStart(2)}  ${r.classes[k]!.padEnd(label)}${row.map((v) => String(v).padStart(width)).join('')}   ${r.perClass[k]!.toFixed(3)}`);
  });
  return lines.join('\n') + '\n';
}

async function run(argv: readonly string[]): Promise<number> {
  const { values, positionals, help } = parseArgs(spec, argv);
  if (help) return out(helpText(spec)), 0;
  const dir = resolve(positionals[0]!);
  if (!existsSync(join(dir, 'model.json'))) throw new Error(`${dir}: no model.json (train one with: neurite train --out ${positionals[0]})`);
  const runFile = existsSync(join(dir, RUN_FILE)) ? readRunFile(dir) : undefined;
  const layout = (values.layout ?? runFile?.layout) as InputLayout | undefined;
  if (!layout) throw new Error(`${dir} has no ${RUN_FILE}: pass --layout (flat, image or sequence)`);
  applyRuntimeOptions(values);

  const dataDir = values.data !== undefined ? resolve(values.data) : (runFile?.settings.data ?? null);
  const testSize = values['test-size'] ?? (values.data === undefined ? runFile?.settings.testSize : undefined);
  const data = loadDataset(dataDir, { testSize, trainSize: 10 });
  const model = loadModel(dir);
  const x = arrange(data.test.x, layout);
  const logits = await predict(model, x, { batchSize: values['batch-size'] });
  const result = scoreLogits(logits, data.test.y, data.classes);
  if (values.json) {
    out(JSON.stringify(result) + '\n');
    return 0;
  }
  out(`neurite eval: ${dir} on ${data.description}, ${result.samples} test samples (${runtimeLine()})\n`);
  out(`loss ${result.loss.toFixed(4)}  accuracy ${result.accuracy.toFixed(4)}\n\n`);
  out(matrixText(result));
  return 0;
}

export const evalCommand: Command = { spec, run };
