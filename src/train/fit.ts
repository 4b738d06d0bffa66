/**
 * The training loop: fit(), evaluate() and predict(), after Keras' model.fit and a plain
 * PyTorch loop. All three are async and yield to the event loop (setImmediate) after every
 * batch, so a server that trains keeps answering requests. Each training step runs inside
 * tidy(): the step's intermediate tensors go back to the buffer pool and the next step reuses
 * them; parameters and optimizer state are kept.
 *
 * One step: zero the gradients, forward, loss, backward, optional gradient clipping,
 * optimizer.step() (which applies L1/L2 penalties and max-norm; see optim/optimizer.ts).
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { noGrad } from '../autograd';
import { loadCheckpoint, saveCheckpoint } from '../io/checkpoint';
import { acquire } from '../memory';
import * as losses from '../ops/loss';
import type { Module } from '../nn/module';
import { clipGradNorm, clipGradValue } from '../optim/clip';
import type { Optimizer } from '../optim/optimizer';
import type { LRScheduler } from '../optim/scheduler';
import { defaultRandom, manualSeed, type RandomState } from '../random';
import { tidy } from '../scope';
import { describe, formatShape, Tensor } from '../tensor';
import { checkBatch, checkData, epochOrder, gatherRows, isTensorPair, knownBatchCount, type Batch, type FitData } from './data';
import { resolveMetrics, type Metric, type MetricFn } from './metrics';

export type LossFn = (prediction: Tensor, target: Tensor) => Tensor;

/** A loss function, a loss module (anything with forward(y, t)), or a functional loss's name. */
export type LossSpec = LossFn | { forward(prediction: Tensor, target: Tensor): Tensor } | LossName;

export type LossName =
  | 'hingeLoss' | 'squaredHingeLoss' | 'binaryCrossEntropy' | 'binaryCrossEntropyWithLogits'
  | 'multiMarginLoss' | 'squaredMultiMarginLoss' | 'crossEntropy' | 'mseLoss' | 'l1Loss' | 'pseudoHuberLoss';

const LOSS_NAMES: readonly LossName[] = [
  'hingeLoss', 'squaredHingeLoss', 'binaryCrossEntropy', 'binaryCrossEntropyWithLogits',
  'multiMarginLoss', 'squaredMultiMarginLoss', 'crossEntropy', 'mseLoss', 'l1Loss', 'pseudoHuberLoss',
];

export interface BatchInfo {
  epoch: number;
  /** Batch index within the epoch (0-based). */
  batch: number;
  /** Batches per epoch, when known. */
  batches?: number;
  /** This batch's loss. */
  loss: number;
  /** Samples in this batch. */
  size: number;
  /** Running means over the epoch so far: loss and each metric (accuracy, ...). */
  logs: Record<string, number>;
  /** Training samples per second so far this epoch. */
  samplesPerSecond: number;
}

export interface EpochInfo {
  /** Epoch index (0-based). */
  epoch: number;
  epochs: number;
  /**
   * Mean training loss and metrics over the epoch, and with a validation set `valLoss` and
   * `val<Metric>` (valAccuracy, ...). Early stopping monitors one of these keys.
   */
  logs: Record<string, number>;
  seconds: number;
  samplesPerSecond: number;
  /** Learning rate of the first parameter group during the epoch. */
  lr: number;
}

export interface Callbacks {
  onEpochBegin?(epoch: number): void | Promise<void>;
  onBatchEnd?(info: BatchInfo): void | Promise<void>;
  onEpochEnd?(info: EpochInfo): void | Promise<void>;
}

export interface EarlyStoppingOptions {
  /** Key of EpochInfo.logs to watch (default 'valLoss'). */
  monitor?: string;
  /** Epochs without improvement before stopping (default 0: stop at the first). */
  patience?: number;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** 'min' or 'max' (default: 'max' for keys containing "accuracy", else 'min'). */
  mode?: 'min' | 'max';
  /** Put back the weights of the best epoch when stopping (default false). */
  restoreBest?: boolean;
}

export interface FitOptions {
  loss: LossSpec;
  optimizer: Optimizer<{ lr: number }>;
  /** Passes over the data (default 1). */
  epochs?: number;
  /** Rows per batch when data is an { x, y } pair (default 32). */
  batchSize?: number;
  /** Shuffle an { x, y } pair each epoch (default true). */
  shuffle?: boolean;
  /**
   * Seeds the global generator (manualSeed) when fit starts; shuffling and Dropout masks draw
   * from it, so the same seed and the same initial weights give the same trained weights on a
   * given backend.
   */
  seed?: number;
  /** Evaluated after every epoch: an { x, y } pair or a batch source. */
  validation?: FitData;
  /** Metric names ('accuracy', ...), named functions, or { name, fn }. */
  metrics?: (string | MetricFn | Metric)[];
  callbacks?: Callbacks;
  /** Stops cleanly after the current batch; fit then resolves with stopReason 'aborted'. */
  signal?: AbortSignal;
  earlyStopping?: EarlyStoppingOptions;
  /** Clip the global gradient norm to this value before each step. */
  clipGradNorm?: number;
  /** Clip each gradient element to [-value, value] before each step. */
  clipGradValue?: number;
  /** Stepped once after every epoch. */
  scheduler?: LRScheduler;
  /** Save a checkpoint (model, optimizer, generator and loop state) after epochs. */
  checkpoint?: CheckpointOptions;
  /**
   * Continue from a checkpoint (a file, or a directory holding checkpoint.safetensors) saved
   * by fit with the same model, optimizer and data: training resumes at the epoch after the
   * saved one and, on the same backend, ends with the same weights as an uninterrupted run.
   * `seed` is ignored then (the generator's state comes from the checkpoint).
   */
  resumeFrom?: string;
}

export interface CheckpointOptions {
  /** Directory for `checkpoint.safetensors`, replaced atomically on every save. */
  dir: string;
  /** Save every this many epochs (default 1); the last epoch is always saved. */
  every?: number;
}

/** File name of fit's checkpoint inside CheckpointOptions.dir. */
export const CHECKPOINT_FILE = 'checkpoint.safetensors';

/** What fit keeps in a checkpoint's `extra` besides model, optimizer and generator. */
interface LoopState {
  history: EpochInfo[];
  scheduler: { lastEpoch: number } | null;
  earlyStopping: { best: number | null; bestEpoch: number; wait: number };
  /** The data source's own generator state, when it has getState()/setState() (a DataLoader). */
  data: RandomState | null;
}

interface StatefulSource {
  getState(): RandomState;
  setState(state: RandomState): void;
}

function isStateful(data: unknown): data is StatefulSource {
  return typeof (data as StatefulSource).getState === 'function' && typeof (data as StatefulSource).setState === 'function';
}

function checkpointPath(fn: string, where: string): string {
  if (typeof where !== 'string' || where === '') throw new TypeError(`${fn}: resumeFrom must be a path, got ${describe(where)}`);
  const path = existsSync(where) && statSync(where).isDirectory() ? join(where, CHECKPOINT_FILE) : where;
  if (!existsSync(path)) throw new RangeError(`${fn}: no checkpoint at ${path}`);
  return path;
}

export interface History {
  /** One entry per completed epoch. */
  epochs: EpochInfo[];
  stopReason: 'completed' | 'earlyStopping' | 'aborted';
  /** With early stopping: the epoch whose monitored value was best. */
  bestEpoch?: number;
}

function resolveLoss(fn: string, spec: unknown): LossFn {
  if (typeof spec === 'function') return spec as LossFn;
  if (typeof spec === 'string') {
    if (!(LOSS_NAMES as readonly string[]).includes(spec)) {
      throw new RangeError(`${fn}: unknown loss "${spec}" (known: ${LOSS_NAMES.join(', ')})`);
    }
    const f = losses[spec as LossName] as (y: Tensor, t: Tensor) => Tensor;
    return (y, t) => f(y, t);
  }
  if (spec && typeof spec === 'object' && typeof (spec as { forward?: unknown }).forward === 'function') {
    const m = spec as { forward(y: Tensor, t: Tensor): Tensor };
    return (y, t) => m.forward(y, t);
  }
  throw new TypeError(`${fn}: loss must be a function, a loss module or a loss name, got ${describe(spec)}`);
}

function positiveInt(fn: string, name: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new RangeError(`${fn}: ${name} must be a positive integer, got ${describe(v)}`);
  return v;
}

const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Iterates one pass of batches. For an { x, y } pair and for sync iterables, `step` runs
 * inside tidy() together with pulling the batch, so tensors the source creates for a batch
 * are freed after that batch; tensors that existed before (an array of batches) are not.
 */
async function forEachBatch(
  fn: string, data: FitData, batchSize: number, shuffle: boolean,
  step: (batch: Batch, index: number) => number | void, afterBatch: (index: number, size: number) => Promise<boolean>,
): Promise<number> {
  let index = 0;
  if (isTensorPair(data)) {
    const n = data.x.shape[0]!;
    const order = epochOrder(n, shuffle, defaultRandom);
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      tidy(() => { step({ x: gatherRows(data.x, order, start, end), y: gatherRows(data.y, order, start, end) }, index); });
      if (!(await afterBatch(index++, end - start))) break;
    }
    return index;
  }
  if (Symbol.iterator in data) {
    const it = (data as Iterable<Batch>)[Symbol.iterator]();
    for (;;) {
      let size = 0;
      const done = tidy(() => {
        const r = it.next();
        if (r.done) return true;
        const b = checkBatch(fn, r.value, index);
        size = b.x.shape[0] ?? 1;
        step(b, index);
        return false;
      });
      if (done) break;
      if (!(await afterBatch(index++, size))) {
        it.return?.();
        break;
      }
    }
    return index;
  }
  for await (const raw of data as AsyncIterable<Batch>) {
    const b = checkBatch(fn, raw, index);
    tidy(() => { step(b, index); });
    if (!(await afterBatch(index++, b.x.shape[0] ?? 1))) break;
  }
  return index;
}

interface Running {
  loss: number;
  samples: number;
  metrics: number[];
}

function accumulate(run: Running, metrics: Metric[], loss: number, out: Tensor, y: Tensor): void {
  const n = out.shape[0] ?? 1;
  run.loss += loss * n;
  run.samples += n;
  metrics.forEach((m, i) => { run.metrics[i]! += m.fn(out, y) * n; });
}

function summarize(run: Running, metrics: Metric[], prefix: string): Record<string, number> {
  const key = (name: string) => (prefix ? prefix + name[0]!.toUpperCase() + name.slice(1) : name);
  const logs: Record<string, number> = { [key('loss')]: run.loss / Math.max(run.samples, 1) };
  metrics.forEach((m, i) => { logs[key(m.name)] = run.metrics[i]! / Math.max(run.samples, 1); });
  return logs;
}

/**
 * Trains `model` on `data`. Returns the per-epoch history and why training stopped.
 *
 *   const history = await fit(model, { x: images, y: labels }, {
 *     loss: 'crossEntropy', optimizer: new Adam(model.parameters()), epochs: 5, batchSize: 64,
 *     metrics: ['accuracy'], validation: { x: testImages, y: testLabels }, seed: 1,
 *     callbacks: { onEpochEnd: (e) => console.log(e.epoch, e.logs) },
 *   });
 */
export async function fit(model: Module, data: FitData, options: FitOptions): Promise<History> {
  const fn = 'fit';
  if (!model || typeof (model as Module).forward !== 'function') throw new TypeError(`fit: model must be a Module, got ${describe(model)}`);
  if (!options || typeof options !== 'object') throw new TypeError(`fit: options must be an object with loss and optimizer, got ${describe(options)}`);
  checkData(fn, 'data', data);
  if (options.validation !== undefined) checkData(fn, 'validation', options.validation);
  const lossFn = resolveLoss(fn, options.loss);
  const optimizer = options.optimizer;
  if (!optimizer || typeof optimizer.step !== 'function') throw new TypeError(`fit: optimizer must be an Optimizer, got ${describe(optimizer)}`);
  const epochs = positiveInt(fn, 'epochs', options.epochs, 1);
  const batchSize = positiveInt(fn, 'batchSize', options.batchSize, 32);
  const shuffle = options.shuffle ?? true;
  const metrics = resolveMetrics(fn, options.metrics);
  const callbacks = options.callbacks ?? {};
  const signal = options.signal;
  const es = options.earlyStopping;
  const save = options.checkpoint;
  if (save !== undefined && (save === null || typeof save !== 'object' || typeof save.dir !== 'string')) {
    throw new TypeError(`fit: checkpoint must be { dir: string, every?: number }, got ${describe(save)}`);
  }
  const saveEvery = positiveInt(fn, 'checkpoint.every', save?.every, 1);
  const params = model.parameters();

  const history: History = { epochs: [], stopReason: 'completed' };
  let best = Infinity, bestEpoch = -1, wait = 0, startEpoch = 0, steps = 0;
  if (options.resumeFrom !== undefined) {
    const state = loadCheckpoint(checkpointPath(fn, options.resumeFrom), { model, optimizer });
    const loop = state.extra as Partial<LoopState>;
    startEpoch = state.epoch;
    steps = state.step;
    history.epochs = Array.isArray(loop.history) ? loop.history : [];
    if (loop.scheduler && options.scheduler) options.scheduler.loadStateDict(loop.scheduler);
    if (loop.earlyStopping) {
      best = loop.earlyStopping.best ?? Infinity;
      bestEpoch = loop.earlyStopping.bestEpoch;
      wait = loop.earlyStopping.wait;
    }
    if (loop.data && isStateful(data)) data.setState(loop.data);
  } else if (options.seed !== undefined) {
    manualSeed(options.seed);
  }
  let bestWeights: Float32Array[] | null = null;
  const monitor = es?.monitor ?? 'valLoss';
  const sign = (es?.mode ?? (monitor.toLowerCase().includes('accuracy') ? 'max' : 'min')) === 'max' ? -1 : 1;

  const train = (batch: Batch): number => {
    optimizer.zeroGrad();
    model.zeroGrad();
    const out = model.forward(batch.x);
    const loss = lossFn(out, batch.y);
    if (loss.size !== 1) throw new RangeError(`fit: the loss must be a scalar, got shape ${formatShape(loss.shape)}`);
    loss.backward();
    if (options.clipGradValue !== undefined) clipGradValue(params, options.clipGradValue);
    if (options.clipGradNorm !== undefined) clipGradNorm(params, options.clipGradNorm);
    optimizer.step();
    steps++;
    const value = loss.item();
    accumulate(running, metrics, value, out, batch.y);
    return value;
  };

  let running: Running = { loss: 0, samples: 0, metrics: [] };
  model.train();
  for (let epoch = startEpoch; epoch < epochs; epoch++) {
    if (signal?.aborted) { history.stopReason = 'aborted'; break; }
    await callbacks.onEpochBegin?.(epoch);
    running = { loss: 0, samples: 0, metrics: metrics.map(() => 0) };
    const batches = knownBatchCount(data, batchSize);
    const started = performance.now();
    let lastLoss = NaN;
    const count = await forEachBatch(fn, data, batchSize, shuffle, (b) => { lastLoss = train(b); }, async (index, size) => {
      const seconds = (performance.now() - started) / 1000;
      if (callbacks.onBatchEnd) {
        const logs = summarize(running, metrics, '');
        await callbacks.onBatchEnd({ epoch, batch: index, batches, loss: lastLoss, size, logs, samplesPerSecond: running.samples / Math.max(seconds, 1e-9) });
      }
      await nextTick();
      return !signal?.aborted;
    });
    if (count === 0) {
      throw new RangeError(`fit: data yielded no batches in epoch ${epoch + 1}; pass an array or a re-iterable source (a one-shot generator is empty after its first pass)`);
    }
    const seconds = (performance.now() - started) / 1000;
    if (signal?.aborted) { history.stopReason = 'aborted'; break; }
    const logs = summarize(running, metrics, '');
    if (options.validation !== undefined) {
      Object.assign(logs, prefixed(await evaluate(model, options.validation, { loss: options.loss, metrics, batchSize }), 'val'));
      model.train();
    }
    const info: EpochInfo = { epoch, epochs, logs, seconds, samplesPerSecond: running.samples / Math.max(seconds, 1e-9), lr: optimizer.getLr()[0]! };
    history.epochs.push(info);
    options.scheduler?.step();
    await callbacks.onEpochEnd?.(info);
    let stop = false;
    if (es) {
      const value = logs[monitor];
      if (value === undefined) {
        throw new RangeError(`fit: earlyStopping.monitor "${monitor}" is not among the epoch logs (${Object.keys(logs).join(', ')})`);
      }
      if (sign * value < best - (es.minDelta ?? 0)) {
        best = sign * value;
        bestEpoch = epoch;
        wait = 0;
        if (es.restoreBest) bestWeights = params.map((p) => Float32Array.from(p.data));
      } else if (++wait > (es.patience ?? 0)) {
        history.stopReason = 'earlyStopping';
        stop = true;
      }
    }
    if (save && ((epoch + 1) % saveEvery === 0 || epoch + 1 === epochs || stop)) {
      const loop: LoopState = {
        history: history.epochs,
        scheduler: options.scheduler ? { lastEpoch: options.scheduler.lastEpoch } : null,
        earlyStopping: { best: Number.isFinite(best) ? best : null, bestEpoch, wait },
        data: isStateful(data) ? data.getState() : null,
      };
      saveCheckpoint(join(save.dir, CHECKPOINT_FILE), { model, optimizer, epoch: epoch + 1, step: steps, extra: loop as unknown as Record<string, unknown> });
    }
    if (stop) break;
  }
  if (es && bestEpoch >= 0) {
    history.bestEpoch = bestEpoch;
    if (bestWeights && history.stopReason === 'earlyStopping') params.forEach((p, i) => p.data.set(bestWeights![i]!));
  }
  return history;
}

function prefixed(logs: Record<string, number>, prefix: string): Record<string, number> {
  return Object.fromEntries(Object.entries(logs).map(([k, v]) => [prefix + k[0]!.toUpperCase() + k.slice(1), v]));
}

export interface EvaluateOptions {
  loss: LossSpec;
  metrics?: (string | MetricFn | Metric)[];
  /** Rows per batch for an { x, y } pair (default 256). */
  batchSize?: number;
}

/**
 * Mean loss and metrics of `model` (in eval mode, without gradients) over `data`.
 * Returns { loss, <metric>: value, ... }. The model's train/eval mode is restored after.
 */
export async function evaluate(model: Module, data: FitData, options: EvaluateOptions): Promise<Record<string, number>> {
  const fn = 'evaluate';
  checkData(fn, 'data', data);
  const lossFn = resolveLoss(fn, options?.loss);
  const metrics = resolveMetrics(fn, options.metrics);
  const batchSize = positiveInt(fn, 'batchSize', options.batchSize, 256);
  const wasTraining = model.training;
  model.eval();
  const run: Running = { loss: 0, samples: 0, metrics: metrics.map(() => 0) };
  try {
    await forEachBatch(fn, data, batchSize, false, (b) => noGrad(() => {
      const out = model.forward(b.x);
      accumulate(run, metrics, lossFn(out, b.y).item(), out, b.y);
    }), async () => { await nextTick(); return true; });
  } finally {
    model.train(wasTraining);
  }
  return summarize(run, metrics, '');
}

export interface PredictOptions {
  /** Rows per batch (default 256). */
  batchSize?: number;
}

/** The model's outputs for x (N, ...) in eval mode, computed in batches: (N, ...out). */
export async function predict(model: Module, x: Tensor, options: PredictOptions = {}): Promise<Tensor> {
  if (!(x instanceof Tensor) || x.rank === 0) throw new TypeError(`predict: x must be a Tensor with a batch dimension, got ${describe(x)}`);
  const batchSize = positiveInt('predict', 'batchSize', options.batchSize, 256);
  const n = x.shape[0]!;
  const wasTraining = model.training;
  model.eval();
  let result: Tensor | null = null as Tensor | null;
  const order = epochOrder(n, false, defaultRandom);
  try {
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      // Returning the result from tidy() hands it to the caller's scope on the first batch.
      result = tidy(() => noGrad(() => {
        const out = model.forward(gatherRows(x, order, start, end));
        const row = out.size / (end - start);
        const r = result ?? new Tensor(acquire(n * row), [n, ...out.shape.slice(1)]);
        r.data.set(out.data, start * row);
        return r;
      }));
      await nextTick();
    }
  } finally {
    model.train(wasTraining);
  }
  return result ?? new Tensor(acquire(0), [0]);
}
