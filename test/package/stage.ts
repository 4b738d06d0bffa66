/**
 * Builds the npm tarball the way a release does, without touching the repository's build/,
 * prebuilds/ or dist/: a staging copy of the package gets dist/ (tsc) and a prebuild (see
 * Staged.prebuildFrom), then `npm pack`. A consumer project then installs the tarball with no C++ toolchain on PATH.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const PLATFORM_DIR = `${process.platform}-${process.arch}`;
const isWindows = process.platform === 'win32';

/** npm's own CLI script, run with this node, so no shell or npm shim on PATH is needed. */
export function npmCli(): string {
  const candidates = [
    process.env.npm_execpath ?? '',
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
    join(dirname(process.execPath), 'node_modules', 'npm', 'bin', 'npm-cli.js'),
  ];
  const found = candidates.find((p) => p.endsWith('.js') && existsSync(p));
  if (!found) throw new Error(`cannot find npm-cli.js (tried ${candidates.filter(Boolean).join(', ')})`);
  return found;
}

/** The environment without the variables of the enclosing npm/vitest run. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(npm_|VITEST|NEURITE_|PREBUILDS_ONLY$|NODE_OPTIONS$|INIT_CWD$|TEST$)/i.test(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], options: SpawnSyncOptions): Run {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (r.error) throw r.error;
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

export function mustRun(what: string, cmd: string, args: string[], options: SpawnSyncOptions): Run {
  const r = run(cmd, args, options);
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`);
  return r;
}

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let t = 0;
  for (const e of readdirSync(path)) t = Math.max(t, newestMtime(join(path, e)));
  return t;
}

/** Build tools the consumer must not need. */
const TOOLCHAIN = /^(g\+\+|gcc|cc|c\+\+|clang|clang\+\+|clang-cl|cl|make|gmake|cmake|ninja|ld|ld\.\w+|python\d*(\.\d+)?|node-gyp)(\.exe)?$|-(g\+\+|gcc|c\+\+|cc|ld)(-\d+)?$/i;

/**
 * A directory of links to every program on PATH except compilers, linkers, make, cmake,
 * ninja and python (TOOLCHAIN.md §2d). On Windows the compiler is found through the registry,
 * not PATH, so there it is the node directory plus the system directory.
 */
export function pathWithoutToolchain(into: string): string {
  if (isWindows) {
    return [dirname(process.execPath), join(process.env.SystemRoot ?? 'C:\\Windows', 'System32')].join(delimiter);
  }
  mkdirSync(into, { recursive: true });
  const seen = new Set<string>();
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || !existsSync(dir)) continue;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (seen.has(name) || TOOLCHAIN.test(name)) continue;
      seen.add(name);
      try {
        symlinkSync(join(dir, name), join(into, name));
      } catch {
        // an unreadable entry: leave it out
      }
    }
  }
  if (!seen.has('node')) symlinkSync(process.execPath, join(into, 'node'));
  return into;
}

export interface Staged {
  /** Temporary directory holding everything below; removed by cleanup(). */
  tmp: string;
  /** The staged package (dist/, prebuilds/, native sources). */
  staging: string;
  tarball: string;
  /**
   * Where the prebuild came from: compiled here with `npm run prebuild` (always with
   * NEURITE_PACKAGE_PREBUILDIFY=1), the repository's prebuilds/, or its node-gyp release build
   * in build/Release (copied and stripped), whichever is newer than every native source.
   */
  prebuildFrom: 'compiled' | 'repository' | 'local build';
  cleanup(): void;
}

export function stagePackage(): Staged {
  const tmp = mkdtempSync(join(tmpdir(), 'neurite-package-'));
  const staging = join(tmp, 'staging');
  mkdirSync(staging);
  // What package.json `files` ships (npm applies its exclusions when packing), except the
  // two built here, plus scripts/ for the build steps (not shipped).
  const files = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] }).files;
  const copied = ['package.json', 'README.md', 'LICENSE', 'scripts', ...files.filter((f) => !f.startsWith('!') && f !== 'dist' && f !== 'prebuilds')];
  for (const f of copied) {
    if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(staging, f), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(staging, 'node_modules'), isWindows ? 'junction' : 'dir');

  // dist/, compiled from the repository's sources into the staging copy.
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  mustRun('tsc', process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.json'), '--outDir', join(staging, 'dist')], { cwd: ROOT });
  mustRun('write-esm-entry', process.execPath, [join(staging, 'scripts', 'write-esm-entry.cjs')], { cwd: staging, env: cleanEnv({ NEURITE_BACKEND: 'js' }) });

  // The prebuild.
  const repoPrebuilds = join(ROOT, 'prebuilds', PLATFORM_DIR);
  const sourcesTime = Math.max(newestMtime(join(ROOT, 'native')), newestMtime(join(ROOT, 'binding.gyp')));
  const localBuild = join(ROOT, 'build', 'Release', 'neurite.node');
  const forceCompile = process.env.NEURITE_PACKAGE_PREBUILDIFY === '1';
  let prebuildFrom: Staged['prebuildFrom'];
  if (!forceCompile && existsSync(repoPrebuilds) && readdirSync(repoPrebuilds).some((f) => f.endsWith('.node')) && newestMtime(repoPrebuilds) > sourcesTime) {
    cpSync(repoPrebuilds, join(staging, 'prebuilds', PLATFORM_DIR), { recursive: true });
    prebuildFrom = 'repository';
  } else if (!forceCompile && existsSync(localBuild) && existsSync(join(ROOT, 'build', 'config.gypi')) && statSync(localBuild).mtimeMs > sourcesTime) {
    // The repository's node-gyp release build is what prebuildify would compile (it runs
    // `node-gyp rebuild --release`); copy and strip it instead of compiling it again.
    const dest = join(staging, 'prebuilds', PLATFORM_DIR, 'neurite.node');
    mkdirSync(dirname(dest), { recursive: true });
    cpSync(localBuild, dest);
    try {
      if (process.platform === 'linux') run('strip', ['--strip-all', dest], {});
      else if (process.platform === 'darwin') run('strip', ['-Sx', dest], {});
    } catch {
      // no strip program: ship it unstripped
    }
    prebuildFrom = 'local build';
  } else {
    mustRun('npm run prebuild', process.execPath, [npmCli(), 'run', 'prebuild', '--', '--cwd', staging], {
      cwd: ROOT,
      env: cleanEnv(),
    });
    prebuildFrom = 'compiled';
  }
  rmSync(join(staging, 'build'), { recursive: true, force: true });

  // The tarball (dist/ is already built: no prepack).
  const out = mustRun('npm pack', process.execPath, [npmCli(), 'pack', '--ignore-scripts', '--json', '--pack-destination', tmp], {
    cwd: staging,
    env: cleanEnv(),
  });
  const packed = JSON.parse(out.stdout) as { filename: string }[];
  const tarball = join(tmp, packed[0]!.filename);
  return { tmp, staging, tarball, prebuildFrom, cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}

export interface Consumer {
  dir: string;
  /** PATH without a C++ toolchain. */
  path: string;
  env: Record<string, string>;
}

/** A fresh project that installs the tarball with no compiler on PATH. */
export function installConsumer(staged: Staged): Consumer {
  const dir = join(staged.tmp, 'consumer');
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'neurite-consumer', version: '1.0.0', private: true }, null, 2));
  const path = pathWithoutToolchain(join(staged.tmp, 'bin'));
  const env = cleanEnv({ PATH: path });
  mustRun(
    'npm install of the tarball without a compiler',
    process.execPath,
    [npmCli(), 'install', '--prefer-offline', '--no-audit', '--no-fund', '--foreground-scripts', staged.tarball],
    { cwd: dir, env },
  );
  return { dir, path, env };
}
