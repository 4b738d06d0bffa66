/**
 * What every CLI command shares: the Command shape, the --backend/--threads options and
 * applying them, and output helpers. Commands use the public package entry only.
 */
import { backendInfo, getBackend, setBackend, setNumThreads, type BackendName } from '../index';
import type { CommandSpec, OptionSpec } from './args';

export interface Command {
  spec: CommandSpec;
  /** Runs the command on the arguments after its name; resolves to the exit code. */
  run(argv: readonly string[]): Promise<number>;
}

export const BACKEND_OPTION = {
  type: 'string',
  description: 'kernel backend (default: native when the addon loads, else js; or NEURITE_BACKEND)',
  choices: ['native', 'js'],
  placeholder: 'name',
} as const satisfies OptionSpec;

export const THREADS_OPTION = {
  type: 'integer',
  description: 'threads for the native kernels (default: all cores)',
  min: 1,
  max: 1024,
} as const satisfies OptionSpec;

export const JSON_OPTION = { type: 'boolean', description: 'print JSON instead of text' } as const satisfies OptionSpec;

let chosenBy: string | undefined;

/** Applies --backend and --threads; throws a plain Error if native is asked for and absent. */
export function applyRuntimeOptions(values: { backend?: string; threads?: number }): void {
  if (values.backend !== undefined) {
    setBackend(values.backend as BackendName);
    chosenBy = `--backend ${values.backend}`;
  }
  if (values.threads !== undefined) setNumThreads(values.threads);
}

/** One sentence saying why the active backend is active. */
export function backendReason(): string {
  const info = backendInfo();
  if (chosenBy) return `chosen with ${chosenBy}`;
  const env = process.env.NEURITE_BACKEND;
  if (env) return `chosen with NEURITE_BACKEND=${env}`;
  if (info.backend === 'native') return 'default: the native addon loaded';
  return `native addon unavailable: ${info.nativeError ?? 'unknown reason'}`;
}

/** A one-line description of the runtime, printed at the top of train/eval/bench runs. */
export function runtimeLine(): string {
  const info = backendInfo();
  const isa = info.backend === 'native' ? `, ${info.isa}` : '';
  return `backend ${getBackend()}${isa}, ${info.threads} thread${info.threads === 1 ? '' : 's'}`;
}

/** Writes to stdout. */
export function out(text: string): void {
  process.stdout.write(text);
}
