/**
 * Saving and loading whole models: a directory with
 *
 *   model.json          { format: "neurite-model", version: 1, className, config }
 *                       (the registry's moduleToConfig: the architecture, no weights)
 *   model.safetensors   the state dict, PyTorch names, F32
 *
 * loadModel() rebuilds the architecture through the module registry (src/nn/registry.ts), then
 * loads the weights strictly: every name present and every shape matching. Both files are
 * validated as untrusted input. Each file is replaced atomically; the pair is not (a crash
 * between the two writes can leave new weights beside the old config), which loading then
 * reports as a name or shape mismatch. Use checkpoints (one file) for crash-safe training state.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Module } from '../nn/module';
import { moduleFromConfig, moduleToConfig } from '../nn/registry';
import { describe } from '../tensor';
import { writeFileAtomic } from './atomic';
import { FormatError } from './errors';
import { loadWeights, saveWeights } from './safetensors';
import { parseStrictJson } from './strict-json';

export const MODEL_CONFIG_FILE = 'model.json';
export const MODEL_WEIGHTS_FILE = 'model.safetensors';
const FORMAT = 'neurite-model';
const VERSION = 1;

/** Writes model.json and model.safetensors into `dir` (created if needed). */
export function saveModel(model: Module, dir: string): void {
  if (!(model instanceof Module)) throw new TypeError(`saveModel: model must be a Module, got ${describe(model)}`);
  if (typeof dir !== 'string') throw new TypeError(`saveModel: dir must be a string, got ${describe(dir)}`);
  const spec = moduleToConfig(model);
  const json = JSON.stringify({ format: FORMAT, version: VERSION, ...spec }, null, 2);
  // Round-trip through JSON now, so a config that JSON cannot represent fails at save time.
  checkJsonStable(spec.config, json);
  mkdirSync(dir, { recursive: true });
  saveWeights(model, join(dir, MODEL_WEIGHTS_FILE), { format: 'pt' });
  writeFileAtomic(join(dir, MODEL_CONFIG_FILE), [new TextEncoder().encode(json + '\n')]);
}

function checkJsonStable(config: Record<string, unknown>, json: string): void {
  const check = (v: unknown, path: string): void => {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new TypeError(`saveModel: config value ${path} is ${v}, which JSON cannot hold`);
    if (typeof v === 'function' || typeof v === 'bigint' || typeof v === 'symbol') throw new TypeError(`saveModel: config value ${path} is a ${typeof v}, which JSON cannot hold`);
    if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) check(x, `${path}.${k}`);
  };
  check(config, 'config');
  JSON.parse(json);
}

/** Reads and validates model.json in `dir`: { className, config }. */
export function readModelConfig(dir: string): { className: string; config: Record<string, unknown> } {
  const path = join(dir, MODEL_CONFIG_FILE);
  const text = readFileSync(path, 'utf8');
  const fail = (message: string): never => {
    throw new FormatError('ERR_MODEL_CONFIG', `model config ${path}: ${message}`);
  };
  try {
    parseStrictJson(text);
  } catch (err) {
    fail(`not valid JSON: ${(err as Error).message}`);
  }
  // Strictly checked above (no duplicate or __proto__ keys), so JSON.parse gives the same
  // value as ordinary objects.
  const doc = JSON.parse(text) as unknown;
  if (!isPlainObject(doc)) fail('must be a JSON object');
  const { format, version, className, config } = doc as Record<string, unknown>;
  if (format !== FORMAT) fail(`format must be "${FORMAT}", got ${JSON.stringify(format)}`);
  if (version !== VERSION) fail(`unsupported version ${JSON.stringify(version)} (this neurite reads ${VERSION})`);
  if (typeof className !== 'string') fail('className must be a string');
  if (!isPlainObject(config)) fail('config must be an object');
  return { className: className as string, config: config as Record<string, unknown> };
}

/**
 * Rebuilds a model saved by saveModel: architecture from model.json (through the module
 * registry), weights from model.safetensors. The model comes back in training mode, as a new
 * module does; call eval() for inference.
 */
export function loadModel<M extends Module = Module>(dir: string): M {
  if (typeof dir !== 'string') throw new TypeError(`loadModel: dir must be a string, got ${describe(dir)}`);
  const spec = readModelConfig(dir);
  const model = moduleFromConfig(spec);
  loadWeights(model, join(dir, MODEL_WEIGHTS_FILE));
  return model as M;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
