/** What neurite runs on: backend, SIMD path, threads, where the addon came from. */
import type { BackendName } from './backend/backend';
import { backend, nativeAddon, nativeUnavailableReason } from './backend/registry';
import { packageVersion } from './package-root';

export interface BackendInfo {
  /** neurite's version. */
  version: string;
  /** The active backend. */
  backend: BackendName;
  /** Whether the native addon loaded. */
  nativeAvailable: boolean;
  /** Why the native addon is unavailable, when it is. */
  nativeError?: string;
  /** SIMD path of the native kernels chosen at load time ('avx512', 'avx2', 'neon', 'generic'), or 'none' on js. */
  isa: string;
  /** Threads the active backend's kernels use. */
  threads: number;
  /** 'prebuild' or 'local build' when the addon loaded. */
  addonSource?: string;
  addonPath?: string;
  platform: string;
  arch: string;
  node: string;
}

export function backendInfo(): BackendInfo {
  const active = backend();
  const addon = nativeAddon();
  const reason = nativeUnavailableReason();
  const getIsa = addon?.addon.getIsa as (() => string) | undefined;
  return {
    version: packageVersion(),
    backend: active.name,
    nativeAvailable: addon !== undefined,
    ...(reason ? { nativeError: reason } : {}),
    isa: active.name === 'native' && getIsa ? getIsa() : 'none',
    threads: active.getNumThreads(),
    ...(addon ? { addonSource: addon.source, addonPath: addon.path } : {}),
    platform: process.platform,
    arch: process.arch,
    node: process.version,
  };
}

/** Sets the thread count of the native kernels (default: the number of cores). */
export function setNumThreads(threads: number): void {
  if (typeof threads !== 'number') {
    throw new TypeError(`setNumThreads: threads must be an integer in [1, 1024], got ${typeof threads}`);
  }
  if (!Number.isInteger(threads) || threads < 1 || threads > 1024) {
    throw new RangeError(`setNumThreads: threads must be an integer in [1, 1024], got ${String(threads)}`);
  }
  const addon = nativeAddon();
  if (addon) (addon.addon.setNumThreads as (n: number) => void)(threads);
}

/** Threads the native kernels use (1 when only the js backend is available). */
export function getNumThreads(): number {
  const addon = nativeAddon();
  return addon ? (addon.addon.getNumThreads as () => number)() : 1;
}

/**
 * SIMD paths the native kernels can take on this CPU and build, best first (e.g.
 * ['avx512', 'avx2', 'generic']); [] when the native addon did not load.
 */
export function supportedIsas(): string[] {
  const addon = nativeAddon();
  return addon ? (addon.addon.supportedIsas as () => string[])() : [];
}

/**
 * Switches the SIMD path of the native kernels ('generic', 'avx2', 'avx512', 'neon'), for
 * tests and A/B benchmarks; the default is the best one the CPU supports (NEURITE_ISA=<name>
 * sets it at start-up). Process-wide. Throws a RangeError for an unknown name or one this CPU
 * lacks, and an Error when the native addon is unavailable.
 */
export function setIsa(name: string): void {
  const addon = nativeAddon();
  if (!addon) throw new Error(`setIsa: native backend unavailable: ${nativeUnavailableReason() ?? 'unknown reason'}`);
  (addon.addon.setIsa as (name: string) => void)(name);
}

/** The SIMD path the native kernels use now, or 'none' when the native addon is unavailable. */
export function getIsa(): string {
  const addon = nativeAddon();
  return addon ? (addon.addon.getIsa as () => string)() : 'none';
}
