/**
 * Which backend runs the kernels. `native` is the default when the addon loads; otherwise
 * neurite runs on `js` and says once, on stderr, why. NEURITE_BACKEND=native|js picks one
 * at start-up; setBackend() switches at run time.
 */
import type { Backend, BackendName } from './backend';
import { jsBackend } from './js/index';
import { nativeBackend } from './native/index';
import { loadAddon, type AddonSource, type LoadedAddon } from './native/load';

interface NativeState {
  backend?: Backend;
  loaded?: LoadedAddon;
  reason?: string;
}

let nativeState: NativeState | undefined;
let active: Backend | undefined;
let warned = false;

function native(): NativeState {
  if (nativeState) return nativeState;
  const result = loadAddon();
  if (!result.ok) return (nativeState = { reason: result.reason });
  try {
    return (nativeState = { backend: nativeBackend(result.loaded), loaded: result.loaded });
  } catch (err) {
    return (nativeState = { reason: (err as Error).message });
  }
}

function warnOnce(message: string): void {
  if (warned) return;
  warned = true;
  process.stderr.write(`neurite: ${message}\n`);
}

function initial(): Backend {
  const requested = process.env.NEURITE_BACKEND;
  if (requested !== undefined && requested !== '' && requested !== 'native' && requested !== 'js') {
    throw new RangeError(`NEURITE_BACKEND must be "native" or "js", got "${requested}"`);
  }
  if (requested === 'js') return jsBackend;
  const state = native();
  if (state.backend) return state.backend;
  warnOnce(`native backend unavailable, using the js backend: ${state.reason}`);
  return jsBackend;
}

/** The backend kernels run on. */
export function backend(): Backend {
  return (active ??= initial());
}

/** Name of the active backend. */
export function getBackend(): BackendName {
  return backend().name;
}

/** Switches the active backend. Throws if `native` is asked for and the addon did not load. */
export function setBackend(name: BackendName): void {
  if (name === 'js') {
    active = jsBackend;
    return;
  }
  if (name !== 'native') {
    throw new RangeError(`setBackend: name must be "native" or "js", got ${JSON.stringify(name)}`);
  }
  const state = native();
  if (!state.backend) throw new Error(`setBackend: native backend unavailable: ${state.reason}`);
  active = state.backend;
}

/** A backend by name without switching to it (for parity tests and benchmarks). */
export function getBackendByName(name: BackendName): Backend {
  if (name === 'js') return jsBackend;
  const state = native();
  if (!state.backend) throw new Error(`native backend unavailable: ${state.reason}`);
  return state.backend;
}

/** Why the native backend is not available, or undefined when it is. */
export function nativeUnavailableReason(): string | undefined {
  return native().reason;
}

export interface NativeAddonInfo {
  path: string;
  source: AddonSource;
  addon: Record<string, unknown>;
}

/** The loaded addon, if any (for backendInfo and the CLI). */
export function nativeAddon(): NativeAddonInfo | undefined {
  return native().loaded;
}
