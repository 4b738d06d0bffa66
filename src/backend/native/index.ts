/**
 * The native backend: the addon's exports are the kernels themselves (same names and
 * arguments as the Backend interface), checked here to be complete.
 */
import { KERNEL_NAMES, type Backend } from '../backend';
import type { LoadedAddon } from './load';

export function nativeBackend(loaded: LoadedAddon): Backend {
  const { addon } = loaded;
  const missing = KERNEL_NAMES.filter((name) => typeof addon[name] !== 'function');
  if (missing.length > 0) {
    throw new Error(
      `neurite: the native addon at ${loaded.path} lacks kernels: ${missing.join(', ')} ` +
        `(rebuild it with "npm run build:native")`,
    );
  }
  const backend = { name: 'native' } as Record<string, unknown>;
  for (const name of KERNEL_NAMES) backend[name] = addon[name];
  return backend as unknown as Backend;
}
