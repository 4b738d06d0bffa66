/**
 * Training checkpoints: everything needed to continue a run as if it had not stopped, in ONE
 * safetensors file, so a single atomic rename replaces it (see atomic.ts):
 *
 *   tensors    "model.<name>"       the model's state dict (parameters and buffers)
 *              "optimizer.<key>"    the optimizer's state tensors (moments, momentum, step)
 *   metadata   format  "neurite-checkpoint", version "1"
 *              state   JSON: { epoch, step, random, optimizer (its config), extra }
 *
 * `random` is the state of the generator behind dropout and initialization (defaultRandom
 * unless another is given). `extra` is for the training loop's own state: data order,
 * schedules, history, best metric. A crash during saveCheckpoint leaves the previous file
 * intact. loadCheckpoint validates the whole file and checks the model's names and shapes
 * before changing anything, so a bad checkpoint never leaves a half-restored model.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Module } from '../nn/module';
import { defaultRandom, Random, type RandomState } from '../random';
import { describe, formatShape, Tensor } from '../tensor';
import { writeFileAtomic, type AtomicWriteHooks } from './atomic';
import { FormatError } from './errors';
import { parseSafetensors, serializeSafetensors } from './safetensors';
import { parseStrictJson } from './strict-json';

const FORMAT = 'neurite-checkpoint';
const VERSION = '1';

/** What the checkpoint needs from an optimizer (neurite's Optimizer has it). */
export interface CheckpointOptimizer {
  stateDict(): { config: Record<string, unknown>; state: Record<string, Tensor> };
  loadStateDict(sd: { config: Record<string, unknown>; state: Record<string, Tensor> }): void;
}

export interface CheckpointContents {
  model: Module;
  optimizer?: CheckpointOptimizer | null;
  /** Epochs completed. */
  epoch: number;
  /** Optimizer steps (batches) completed, if the loop counts them. */
  step?: number;
  /** Generator to save (default: defaultRandom). */
  random?: Random;
  /** JSON-serializable state of the training loop. */
  extra?: Record<string, unknown>;
}

export interface CheckpointState {
  epoch: number;
  step: number;
  random: RandomState;
  extra: Record<string, unknown>;
}

/** @internal Test hooks for crash simulation. */
export interface CheckpointSaveOptions {
  hooks?: AtomicWriteHooks;
}

/** Encodes a checkpoint as safetensors bytes (what saveCheckpoint writes). */
export function serializeCheckpoint(c: CheckpointContents): Uint8Array {
  if (c === null || typeof c !== 'object') throw new TypeError(`saveCheckpoint: expected { model, optimizer, epoch, ... }, got ${describe(c)}`);
  const { model, optimizer, epoch, step = 0, random = defaultRandom, extra = {} } = c;
  if (!(model instanceof Module)) throw new TypeError(`saveCheckpoint: model must be a Module, got ${describe(model)}`);
  if (!Number.isInteger(epoch) || epoch < 0) throw new RangeError(`saveCheckpoint: epoch must be a non-negative integer, got ${describe(epoch)}`);
  if (!Number.isInteger(step) || step < 0) throw new RangeError(`saveCheckpoint: step must be a non-negative integer, got ${describe(step)}`);
  if (!(random instanceof Random)) throw new TypeError(`saveCheckpoint: random must be a Random, got ${describe(random)}`);
  if (extra === null || typeof extra !== 'object' || Array.isArray(extra)) throw new TypeError(`saveCheckpoint: extra must be an object, got ${describe(extra)}`);
  const tensors = new Map<string, Tensor>();
  for (const [name, t] of model.stateDict()) tensors.set(`model.${name}`, t);
  let optimizerConfig: Record<string, unknown> | null = null;
  if (optimizer) {
    const sd = optimizer.stateDict();
    optimizerConfig = sd.config;
    for (const [key, t] of Object.entries(sd.state)) tensors.set(`optimizer.${key}`, t);
  }
  const state = JSON.stringify({ epoch, step, random: random.getState(), optimizer: optimizerConfig, extra });
  return serializeSafetensors(tensors, { format: FORMAT, version: VERSION, state });
}

/**
 * Writes a checkpoint to `path` atomically (the directory is created if needed): a temporary
 * file in the same directory, fsync, rename over `path`, fsync of the directory.
 *
 *   saveCheckpoint('runs/a/checkpoint.safetensors', { model, optimizer, epoch: 3, extra: { best } });
 */
export function saveCheckpoint(path: string, contents: CheckpointContents, options: CheckpointSaveOptions = {}): void {
  if (typeof path !== 'string') throw new TypeError(`saveCheckpoint: path must be a string, got ${describe(path)}`);
  const bytes = serializeCheckpoint(contents);
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, [bytes], options.hooks);
}

/**
 * Restores a checkpoint into `model` and `optimizer` (built the same way as when saved) and
 * the generator (default: defaultRandom); returns epoch, step and the loop's extra state.
 * Everything is checked before anything changes: on any error the model, optimizer and
 * generator are left as they were.
 */
export function loadCheckpoint(
  path: string,
  target: { model: Module; optimizer?: CheckpointOptimizer | null; random?: Random },
): CheckpointState {
  if (typeof path !== 'string') throw new TypeError(`loadCheckpoint: path must be a string, got ${describe(path)}`);
  return restoreCheckpoint(readFileSync(path), target, path);
}

/** loadCheckpoint on bytes already in memory. */
export function restoreCheckpoint(
  bytes: Uint8Array,
  target: { model: Module; optimizer?: CheckpointOptimizer | null; random?: Random },
  source = '<bytes>',
): CheckpointState {
  const fail = (message: string): never => {
    throw new FormatError('ERR_CHECKPOINT', `checkpoint ${source}: ${message}`);
  };
  const { model, optimizer = null, random = defaultRandom } = target ?? ({} as never);
  if (!(model instanceof Module)) throw new TypeError(`loadCheckpoint: model must be a Module, got ${describe(model)}`);
  if (!(random instanceof Random)) throw new TypeError(`loadCheckpoint: random must be a Random, got ${describe(random)}`);

  const { tensors, metadata } = parseSafetensors(bytes, source);
  if (!metadata || metadata.format !== FORMAT) fail(`not a neurite checkpoint (metadata format is ${JSON.stringify(metadata?.format)})`);
  if (metadata!.version !== VERSION) fail(`unsupported version ${JSON.stringify(metadata!.version)} (this neurite reads ${VERSION})`);
  const text = metadata!.state;
  if (typeof text !== 'string') fail('metadata has no "state"');
  try {
    parseStrictJson(text!);
  } catch (err) {
    fail(`state is not valid JSON: ${(err as Error).message}`);
  }
  // Strictly checked above, so JSON.parse gives the same value as ordinary objects.
  const state = JSON.parse(text!) as Record<string, unknown>;
  if (state === null || typeof state !== 'object' || Array.isArray(state)) fail('state must be an object');
  const { epoch, step, random: randomState, optimizer: optimizerConfig, extra } = state;
  if (!Number.isInteger(epoch) || (epoch as number) < 0) fail(`epoch must be a non-negative integer, got ${JSON.stringify(epoch)}`);
  if (!Number.isInteger(step) || (step as number) < 0) fail(`step must be a non-negative integer, got ${JSON.stringify(step)}`);
  if (!isRandomState(randomState)) fail('random must be { s: [4 uint32], spare: number | null }');
  if (extra === null || typeof extra !== 'object' || Array.isArray(extra)) fail('extra must be an object');

  const modelState = new Map<string, Tensor>();
  const optimizerState: Record<string, Tensor> = {};
  for (const [name, t] of tensors) {
    if (name.startsWith('model.')) modelState.set(name.slice(6), t);
    else if (name.startsWith('optimizer.')) optimizerState[name.slice(10)] = t;
    else fail(`unexpected tensor "${name}" (expected model.* or optimizer.*)`);
  }

  // Check the model first (same checks as Module.loadStateDict), so that the optimizer, which
  // validates itself all-or-nothing, is only touched when the model load cannot fail.
  const own = model.stateDict();
  const missing = [...own.keys()].filter((k) => !modelState.has(k));
  const unexpected = [...modelState.keys()].filter((k) => !own.has(k));
  if (missing.length || unexpected.length) {
    throw new RangeError(`loadCheckpoint: the model does not match the checkpoint:${missing.length ? ` missing ${missing.join(', ')}` : ''}${unexpected.length ? ` unexpected ${unexpected.join(', ')}` : ''}`);
  }
  for (const [name, t] of own) {
    const s = modelState.get(name)!;
    if (s.shape.length !== t.shape.length || s.shape.some((d, i) => d !== t.shape[i])) {
      throw new RangeError(`loadCheckpoint: "${name}" has shape ${formatShape(s.shape)} in the checkpoint, the model expects ${formatShape(t.shape)}`);
    }
  }
  if (optimizer) {
    if (optimizerConfig === null || typeof optimizerConfig !== 'object') fail('the checkpoint holds no optimizer state, but an optimizer was given');
    const savedType = (optimizerConfig as Record<string, unknown>).type;
    const type = optimizer.constructor.name;
    if (typeof savedType === 'string' && savedType !== type) {
      throw new RangeError(`loadCheckpoint: the checkpoint holds ${savedType} state, the optimizer given is ${type}`);
    }
    optimizer.loadStateDict({ config: optimizerConfig as Record<string, unknown>, state: optimizerState });
  }
  model.loadStateDict(modelState);
  random.setState(randomState as RandomState);
  return { epoch: epoch as number, step: step as number, random: randomState as RandomState, extra: extra as Record<string, unknown> };
}

function isRandomState(v: unknown): v is RandomState {
  if (v === null || typeof v !== 'object') return false;
  const { s, spare } = v as { s?: unknown; spare?: unknown };
  return Array.isArray(s) && s.length === 4 && s.every((x) => Number.isInteger(x) && x >= 0 && x <= 0xffffffff) &&
    (spare === null || (typeof spare === 'number' && Number.isFinite(spare)));
}
