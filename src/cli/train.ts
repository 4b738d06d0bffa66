/**
 * `neurite train`: trains a model of the zoo on Fashion-MNIST (the shipped subset by default)
 * or a dataset directory, with a progress line, per-epoch metrics on the test split, a
 * checkpoint after every epoch, --resume, and the final model saved as model.json +
 * model.safetensors. Ctrl-C stops after the current batch, saves, and exits with 130.
 *
 * The run directory (--out, default runs/<model>) holds:
 *   run.json                 the settings, per-epoch metrics and status, read by --resume and eval
 *   checkpoint.safetensors   model, optimizer and generator state after the last finished epoch
 *   model.json, model.safetensors   the model (saveModel) when the run ends or is interrupted
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  Adam, AdamW, evaluate, fit, loadCheckpoint, manualSeed, RMSprop, saveCheckpoint, saveModel, SGD,
  type EpochInfo, type Module, type Optimizer, type Tensor,
} from '../index';
import { helpText, parseArgs, UsageError, type CommandSpec } from './args';
import { applyRuntimeOptions, BACKEND_OPTION, out, runtimeLine, THREADS_OPTION, type Command } from './common';
import { arrange, loadDataset } from './datasets';
import { Progress } from './progress';
import { OPTIMIZER_NAMES, ZOO, zooEntry, type OptimizerName } from './zoo';

const spec = {
  name: 'train',
  summary: 'Train a model of the zoo on Fashion-MNIST (shipped subset), IDX files or CIFAR-10.',
  options: {
    model: { type: 'string', short: 'm', description: 'model to train', choices: ZOO.map((e) => e.name), default: 'mlp', placeholder: 'name' },
    data: { type: 'string', description: 'directory with the four IDX files of (Fashion-)MNIST, or CIFAR-10 binary batches (default: the shipped Fashion-MNIST subset)', placeholder: 'dir' },
    epochs: { type: 'integer', short: 'e', description: 'epochs to train in all (with --resume: the new total) [default: per model]', min: 1, max: 100_000 },
    'batch-size': { type: 'integer', short: 'b', description: 'samples per batch [default: per model]', min: 1, max: 1 << 20 },
    optimizer: { type: 'string', description: 'optimizer (momentum = SGD with momentum 0.9) [default: per model]', choices: OPTIMIZER_NAMES, placeholder: 'name' },
    lr: { type: 'number', description: 'learning rate [default: per model and optimizer]', min: 0, max: 10 },
    seed: { type: 'integer', description: 'seed of initialization, shuffling and dropout [default: 0]', min: 0, max: 2 ** 32 - 1 },
    'train-size': { type: 'integer', description: 'train on a class-balanced part of the training split', min: 1 },
    'test-size': { type: 'integer', description: 'evaluate on a class-balanced part of the test split', min: 1 },
    out: { type: 'string', short: 'o', description: 'run directory [default: runs/<model>]', placeholder: 'dir' },
    resume: { type: 'boolean', description: 'continue the run in --out from its checkpoint' },
    'log-every': { type: 'integer', description: 'batches between log lines when stdout is not a terminal [default: a tenth of an epoch]', min: 1 },
    backend: BACKEND_OPTION,
    threads: THREADS_OPTION,
    'list-models': { type: 'boolean', description: 'list the models and exit' },
  },
  details:
    'On a terminal a progress bar shows batches, ETA, samples/s and the running loss; otherwise\n' +
    'plain lines are logged. Each epoch ends with its metrics (val = the test split) and a\n' +
    'checkpoint. Ctrl-C stops after the current batch, saves checkpoint and model, exits 130;\n' +
    '--resume then continues from the last finished epoch.',
  examples: [
    'neurite train',
    'neurite train --model mlp --epochs 10 --optimizer sgd --lr 0.05',
    'neurite train --data /usr/share/datasets/fashion-mnist --out runs/full',
    'neurite train --model cnn --data ~/cifar-10-batches-bin --epochs 10',
    'neurite train --out runs/full --resume --epochs 20',
  ],
} satisfies CommandSpec;

/** The settings a run starts with; stored in run.json so --resume and eval rebuild the same. */
export interface RunSettings {
  model: string;
  data: string | null;
  epochs: number;
  batchSize: number;
  optimizer: OptimizerName;
  lr: number;
  seed: number;
  trainSize?: number;
  testSize?: number;
}

export interface RunFile {
  format: 'neurite-run';
  version: 1;
  settings: RunSettings;
  layout: string;
  classes: readonly string[];
  status: 'running' | 'completed' | 'interrupted';
  epochsDone: number;
  history: { epoch: number; logs: Record<string, number>; seconds: number; samplesPerSecond: number }[];
  test?: { loss: number; accuracy: number };
}

export const RUN_FILE = 'run.json';
export const CHECKPOINT_FILE = 'checkpoint.safetensors';

const DEFAULT_LR: Record<OptimizerName, number> = { sgd: 0.05, momentum: 0.01, adam: 1e-3, adamw: 1e-3, rmsprop: 1e-3 };

export function makeOptimizer(name: OptimizerName, params: Iterable<Tensor>, lr: number): Optimizer<{ lr: number }> {
  switch (name) {
    case 'sgd': return new SGD(params, { lr });
    case 'momentum': return new SGD(params, { lr, momentum: 0.9 });
    case 'adam': return new Adam(params, { lr });
    case 'adamw': return new AdamW(params, { lr });
    case 'rmsprop': return new RMSprop(params, { lr });
  }
}

export function readRunFile(dir: string): RunFile {
  const path = join(dir, RUN_FILE);
  if (!existsSync(path)) throw new Error(`${path} not found (not a run directory of neurite train)`);
  const run = JSON.parse(readFileSync(path, 'utf8')) as RunFile;
  if (run?.format !== 'neurite-run' || run.version !== 1 || typeof run.settings?.model !== 'string') {
    throw new Error(`${path} is not a neurite run file`);
  }
  return run;
}

function writeRunFile(dir: string, run: RunFile): void {
  writeFileSync(join(dir, RUN_FILE), JSON.stringify(run, null, 2) + '\n');
}

function formatLogs(logs: Record<string, number>): string {
  return Object.entries(logs)
    .map(([k, v]) => `${k.replace(/^val([A-Z])/, (_, c: string) => `val_${c.toLowerCase()}`)} ${v.toFixed(4)}`)
    .join('  ');
}

type Values = ReturnType<typeof parseArgs<typeof spec.options>>['values'];

/** Settings for a new run: flags, then the model's defaults. */
function newSettings(values: Values): RunSettings {
  const entry = zooEntry(values.model)!;
  const optimizer = (values.optimizer as OptimizerName | undefined) ?? entry.defaults.optimizer;
  const lr = values.lr ?? (optimizer === entry.defaults.optimizer ? entry.defaults.lr : DEFAULT_LR[optimizer]);
  return {
    model: entry.name,
    data: values.data === undefined ? null : resolve(values.data),
    epochs: values.epochs ?? entry.defaults.epochs,
    batchSize: values['batch-size'] ?? entry.defaults.batchSize,
    optimizer,
    lr,
    seed: values.seed ?? 0,
    ...(values['train-size'] !== undefined ? { trainSize: values['train-size'] } : {}),
    ...(values['test-size'] !== undefined ? { testSize: values['test-size'] } : {}),
  };
}

/** Settings for --resume: those of run.json; only --epochs may change (the new total). */
function resumedSettings(values: Values, argv: readonly string[], run: RunFile): RunSettings {
  const fixed = ['model', 'data', 'batch-size', 'optimizer', 'lr', 'seed', 'train-size', 'test-size'];
  for (const name of fixed) {
    if (argv.some((a) => a === `--${name}` || a.startsWith(`--${name}=`) || (name === 'model' && a === '-m') || (name === 'batch-size' && a === '-b'))) {
      throw new UsageError(`neurite train: --${name} cannot change on --resume (the run's settings are in ${RUN_FILE})`);
    }
  }
  return { ...run.settings, epochs: values.epochs ?? run.settings.epochs };
}

async function run(argv: readonly string[]): Promise<number> {
  const { values, help } = parseArgs(spec, argv);
  if (help) return out(helpText(spec)), 0;
  if (values['list-models']) {
    for (const e of ZOO) out(`${e.name.padEnd(10)}${e.description}\n`);
    return 0;
  }
  const outDir = resolve(values.out ?? join('runs', values.model));
  let previous: RunFile | undefined;
  if (values.resume) {
    previous = readRunFile(outDir);
    if (!existsSync(join(outDir, CHECKPOINT_FILE))) throw new Error(`--resume: ${join(outDir, CHECKPOINT_FILE)} not found`);
  }
  const settings = previous ? resumedSettings(values, argv, previous) : newSettings(values);
  const entry = zooEntry(settings.model);
  if (!entry) throw new Error(`${RUN_FILE}: unknown model "${settings.model}"`);
  applyRuntimeOptions(values);

  const data = loadDataset(settings.data, { trainSize: settings.trainSize, testSize: settings.testSize });
  const refusal = entry.accepts?.(data.shape);
  if (refusal) throw new UsageError(`neurite train: ${entry.name} cannot train on ${data.description}: ${refusal}`);
  const train = { x: arrange(data.train.x, entry.layout), y: data.train.y };
  const test = { x: arrange(data.test.x, entry.layout), y: data.test.y };

  manualSeed(settings.seed);
  const model: Module = entry.build(data.shape);
  const optimizer = makeOptimizer(settings.optimizer, model.parameters(), settings.lr);
  let epochsDone = 0;
  const history: RunFile['history'] = previous ? [...previous.history] : [];
  if (previous) {
    // Restores weights, optimizer moments and the generator, so shuffling continues as if
    // the run had not stopped.
    epochsDone = loadCheckpoint(join(outDir, CHECKPOINT_FILE), { model, optimizer }).epoch;
    history.length = Math.min(history.length, epochsDone);
  } else if (existsSync(join(outDir, RUN_FILE))) {
    throw new UsageError(`neurite train: ${outDir} already holds a run (use --resume to continue it, or another --out)`);
  }
  mkdirSync(outDir, { recursive: true });
  const runFile: RunFile = {
    format: 'neurite-run', version: 1, settings, layout: entry.layout, classes: data.classes,
    status: 'running', epochsDone, history,
  };
  writeRunFile(outDir, runFile);
  // A fresh run checkpoints its starting point, so --resume after a Ctrl-C in the first epoch
  // starts that epoch again exactly as before.
  if (!previous) saveCheckpoint(join(outDir, CHECKPOINT_FILE), { model, optimizer, epoch: 0, extra: { settings } });

  const samples = train.x.shape[0]!;
  const batches = Math.ceil(samples / settings.batchSize);
  out(
    `neurite train: ${entry.name} on ${data.description}: ${samples} train / ${test.x.shape[0]} test samples, ` +
      `batch ${settings.batchSize}, ${settings.optimizer} lr ${settings.lr}, seed ${settings.seed}\n`,
  );
  out(`${runtimeLine()}; run directory ${outDir}\n`);
  if (previous) out(`resuming after epoch ${epochsDone} of ${settings.epochs}\n`);

  const startEpoch = epochsDone;
  const remaining = settings.epochs - startEpoch;
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write('\nneurite train: stopping after this batch (Ctrl-C again to quit without saving)\n');
      controller.abort();
    } else {
      process.exit(130);
    }
  };
  const logEvery = values['log-every'] ?? Math.max(1, Math.round(batches / 10));
  let progress: Progress | undefined;
  let lossSum = 0, seen = 0, epochStart = 0;

  if (remaining > 0) {
    process.on('SIGINT', onSigint);
    try {
      const result = await fit(model, train, {
        loss: 'crossEntropy', optimizer, epochs: remaining, batchSize: settings.batchSize,
        metrics: ['accuracy'], validation: test, signal: controller.signal,
        callbacks: {
          onEpochBegin(epoch) {
            progress = new Progress(process.stdout, `epoch ${startEpoch + epoch + 1}/${settings.epochs}`, logEvery);
            lossSum = 0;
            seen = 0;
            epochStart = performance.now();
          },
          onBatchEnd(info) {
            lossSum += info.loss * info.size;
            seen += info.size;
            progress!.update({
              done: info.batch + 1, total: info.batches ?? batches, samples: seen,
              elapsed: (performance.now() - epochStart) / 1000, loss: lossSum / seen,
            });
          },
          onEpochEnd(info: EpochInfo) {
            progress!.end();
            epochsDone++;
            history.push({ epoch: epochsDone, logs: info.logs, seconds: info.seconds, samplesPerSecond: info.samplesPerSecond });
            out(`epoch ${epochsDone}/${settings.epochs}  ${formatLogs(info.logs)}  ${info.seconds.toFixed(1)} s  ${info.samplesPerSecond.toFixed(0)} samples/s\n`);
            saveCheckpoint(join(outDir, CHECKPOINT_FILE), { model, optimizer, epoch: epochsDone, extra: { settings } });
            runFile.epochsDone = epochsDone;
            writeRunFile(outDir, runFile);
          },
        },
      });
      if (result.stopReason === 'aborted') {
        progress?.end();
        saveModel(model, outDir);
        runFile.status = 'interrupted';
        writeRunFile(outDir, runFile);
        out(`interrupted in epoch ${epochsDone + 1}: saved the model to ${outDir}; --resume continues from the checkpoint after epoch ${epochsDone}\n`);
        return 130;
      }
    } finally {
      process.off('SIGINT', onSigint);
    }
  }

  const final = await evaluate(model, test, { loss: 'crossEntropy', metrics: ['accuracy'] });
  saveModel(model, outDir);
  runFile.status = 'completed';
  runFile.test = { loss: final.loss!, accuracy: final.accuracy! };
  writeRunFile(outDir, runFile);
  out(`test  loss ${final.loss!.toFixed(4)}  accuracy ${final.accuracy!.toFixed(4)}\n`);
  out(`saved ${join(outDir, 'model.json')} and model.safetensors (evaluate with: neurite eval ${outDir})\n`);
  return 0;
}

export const trainCommand: Command = { spec, run };
