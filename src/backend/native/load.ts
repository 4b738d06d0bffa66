/**
 * Loads the C++ addon with node-gyp-build: a prebuild from prebuilds/<platform>-<arch>/ or the
 * local build in build/Release. Never throws: a failure comes back as a reason the registry
 * reports once on stderr before falling back to the js backend.
 */
import { join } from 'node:path';
import { packageRoot } from '../../package-root';

export type AddonSource = 'prebuild' | 'local build';

export interface LoadedAddon {
  addon: Record<string, unknown>;
  path: string;
  source: AddonSource;
}

export type LoadResult = { ok: true; loaded: LoadedAddon } | { ok: false; reason: string };

export function loadAddon(): LoadResult {
  let root: string;
  try {
    root = packageRoot();
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const nodeGypBuild = require('node-gyp-build') as ((dir: string) => unknown) & { resolve(dir: string): string };
    const path = nodeGypBuild.resolve(root);
    const addon = nodeGypBuild(root) as Record<string, unknown>;
    const source: AddonSource = path.includes(`${join('prebuilds', '')}`) ? 'prebuild' : 'local build';
    return { ok: true, loaded: { addon, path, source } };
  } catch (err) {
    const message = (err as Error).message.split('\n')[0];
    if ((err as { code?: unknown }).code === 'ERR_NEURITE_ISA') {
      // The addon loaded but refused the forced SIMD path: say so, not "rebuild".
      return { ok: false, reason: `${message}. Unset NEURITE_ISA or choose a supported value.` };
    }
    return {
      ok: false,
      reason:
        `could not load the native addon (${message}). ` +
        `Possible fixes: run "npm rebuild neurite" with a C++ toolchain (g++/clang, make, python3) ` +
        `installed, or install on a platform with a prebuilt binary (linux-x64, linux-arm64, ` +
        `darwin-x64, darwin-arm64, win32-x64).`,
    };
  }
}
