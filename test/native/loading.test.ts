/**
 * Loading the addon: the native backend is really active (so a silent fallback cannot pass),
 * it loads in worker_threads, and where it cannot load neurite runs on js and says why once.
 * Everything that could crash or must see a fresh process runs in a child process.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backendInfo, getBackend, getBackendByName, getNumThreads, setBackend, setNumThreads,
} from '../../src/index';
import { nativeAddon, nativeUnavailableReason } from '../../src/backend/registry';

const root = join(__dirname, '..', '..');
const nodeGypBuild = require.resolve('node-gyp-build');

function node(script: string, env: Record<string, string | undefined> = {}, args: string[] = []) {
  const r = spawnSync(process.execPath, ['-e', script, ...args], {
    encoding: 'utf8', cwd: root, timeout: 60_000, env: { ...process.env, NEURITE_BACKEND: undefined, ...env },
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  // The child processes load the compiled package (npm test builds it first).
  if (!existsSync(join(root, 'dist', 'index.js'))) {
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', root], { encoding: 'utf8' });
    if (tsc.status !== 0) throw new Error(`tsc failed: ${tsc.stdout}`);
  }
});

describe('the native backend', () => {
  it('is active unless NEURITE_BACKEND=js, and the addon loads either way', () => {
    expect(getBackend()).toBe(process.env.NEURITE_BACKEND === 'js' ? 'js' : 'native');
    expect(nativeUnavailableReason()).toBeUndefined();
    expect(nativeAddon()).toBeDefined();
    expect(getBackendByName('native').name).toBe('native');
  });

  it('is chosen by default in a fresh process, and NEURITE_BACKEND=js picks js with the addon still loaded', () => {
    const script = `const n = require('./dist/index.js');
      console.log(JSON.stringify({ backend: n.getBackend(), info: n.backendInfo() }));`;
    const def = node(script);
    expect(def.status, def.stderr).toBe(0);
    expect(def.stderr).toBe('');
    expect(JSON.parse(def.stdout).backend).toBe('native');
    const js = node(script, { NEURITE_BACKEND: 'js' });
    expect(js.status, js.stderr).toBe(0);
    expect(js.stderr).toBe('');
    const out = JSON.parse(js.stdout);
    expect(out.backend).toBe('js');
    expect(out.info.nativeAvailable).toBe(true);
    expect(out.info.isa).toBe('none');
  });

  it('backendInfo() describes the build and the active backend', () => {
    const info = backendInfo();
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(info.version).toBe(pkg.version);
    expect(info.backend).toBe(getBackend());
    expect(info.nativeAvailable).toBe(true);
    expect(info.nativeError).toBeUndefined();
    expect(['prebuild', 'local build']).toContain(info.addonSource);
    expect(existsSync(info.addonPath!)).toBe(true);
    expect(info.platform).toBe(process.platform);
    expect(info.arch).toBe(process.arch);
    expect(info.node).toBe(process.version);
    const previous = getBackend();
    try {
      setBackend('native');
      expect(['generic', 'avx2', 'avx512', 'neon']).toContain(backendInfo().isa);
      expect(backendInfo().threads).toBe(getNumThreads());
      setBackend('js');
      expect(backendInfo()).toMatchObject({ backend: 'js', isa: 'none', threads: 1 });
    } finally {
      setBackend(previous);
    }
  });

  it('setBackend rejects unknown names', () => {
    expect(() => setBackend('cuda' as 'js')).toThrow(RangeError);
    expect(() => setBackend('cuda' as 'js')).toThrow(/setBackend: name must be "native" or "js", got "cuda"/);
  });
});

describe('thread count', () => {
  it('setNumThreads/getNumThreads round-trip, defaulting to the core count', () => {
    const before = getNumThreads();
    expect(before).toBeGreaterThanOrEqual(1);
    try {
      for (const t of [1, 3, 2]) {
        setNumThreads(t);
        expect(getNumThreads()).toBe(t);
        expect(getBackendByName('native').getNumThreads()).toBe(t);
      }
    } finally {
      setNumThreads(before);
    }
    // The default is every core the C++ runtime sees (std::thread::hardware_concurrency).
    const fresh = node(`console.log(require('./dist/index.js').getNumThreads())`);
    expect(Number(fresh.stdout)).toBe(nativeAddon()!.addon.hardwareThreads);
    expect(Number(fresh.stdout)).toBeGreaterThanOrEqual(1);
  });

  it.each([0, -1, 1.5, NaN, Infinity, 1025])('setNumThreads(%s) is a RangeError naming the argument', (bad) => {
    expect(() => setNumThreads(bad)).toThrow(RangeError);
    expect(() => setNumThreads(bad)).toThrow(/setNumThreads: threads must be an integer in \[1, 1024\]/);
  });

  it.each(['2', null, undefined, 2n])('setNumThreads(%s) is a TypeError', (bad) => {
    expect(() => setNumThreads(bad as unknown as number)).toThrow(TypeError);
  });
});

describe('worker_threads', () => {
  const workerScript = `
    const { Worker } = require('node:worker_threads');
    const root = process.argv[1];
    const body = \`
      const { parentPort, workerData } = require('node:worker_threads');
      const addon = require(\${JSON.stringify(${JSON.stringify(nodeGypBuild)})})(workerData.root);
      addon.setNumThreads(2);
      const n = workerData.n;
      const x = new Float32Array(n).map((_, i) => Math.sin(i + workerData.seed));
      const y = new Float32Array(n);
      const run = () => {
        addon.unaryForward(2, x, y, n, 0);
        addon.softmaxForward(x, y, n / 64, 64);
        const C = new Float32Array(64 * 64);
        addon.sgemm(false, true, 64, 64, n / 64, 1, x, n / 64, x, n / 64, 0, C, 64);
        let s = 0; for (const v of C) s += v; for (const v of y) s += v;
        return s;
      };
      if (workerData.forever) { parentPort.postMessage('started'); for (;;) run(); }
      parentPort.postMessage(run());
    \`;
    const start = (data) => new Worker(body, { eval: true, workerData: { root, ...data } });
    const once = (w) => new Promise((res, rej) => { w.once('message', res); w.once('error', rej); });
    (async () => {
      // Several workers at once, each with its own addon instance and thread pool.
      const results = await Promise.all([1, 2, 3, 4].map((seed) => once(start({ n: 1 << 16, seed }))));
      const again = await Promise.all([1, 2, 3, 4].map((seed) => once(start({ n: 1 << 16, seed }))));
      // Terminated in the middle of kernel calls.
      const busy = [1, 2, 3].map((seed) => start({ n: 1 << 18, seed, forever: true }));
      await Promise.all(busy.map(once));
      await new Promise((r) => setTimeout(r, 50));
      const codes = await Promise.all(busy.map((w) => w.terminate()));
      const after = await once(start({ n: 1 << 16, seed: 1 }));
      console.log(JSON.stringify({ results, again, codes, after }));
    })().catch((e) => { console.error(e); process.exit(1); });
  `;

  it('loads and computes in several workers at once, and survives terminate() mid-kernel', () => {
    const r = node(workerScript, {}, [root]);
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.results.every((v: number) => Number.isFinite(v))).toBe(true);
    expect(out.again).toEqual(out.results);
    expect(new Set(out.results).size).toBe(4);
    expect(out.codes).toEqual([1, 1, 1]);
    expect(out.after).toBe(out.results[0]);
  });
});

describe('without the addon', () => {
  let dir: string;
  beforeAll(() => {
    // The package without build/ or prebuilds/: dist and package.json only.
    dir = mkdtempSync(join(tmpdir(), 'neurite-noaddon-'));
    cpSync(join(root, 'dist'), join(dir, 'dist'), { recursive: true });
    cpSync(join(root, 'package.json'), join(dir, 'package.json'));
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs on js and says why exactly once on stderr', () => {
    const r = node(`
      const n = require(${JSON.stringify(join('DIR', 'dist', 'index.js'))}.replace('DIR', process.argv[1]));
      const a = n.getBackend(), b = n.getBackend();
      const y = n.relu(n.tensor([-1, 2])).toArray();
      const s = n.sum(n.matmul(n.ones([2, 3]), n.ones([3, 2]))).item();
      let err = '';
      try { n.setBackend('native'); } catch (e) { err = e.constructor.name + ': ' + e.message; }
      const info = n.backendInfo();
      console.log(JSON.stringify({ a, b, y, s, err, info }));
    `, {}, [dir]);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ a: 'js', b: 'js', y: [0, 2], s: 12 });
    const lines = r.stderr.split('\n').filter((l) => l.length > 0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^neurite: native backend unavailable, using the js backend: could not load the native addon \(.+\)\. Possible fixes: /);
    expect(out.err).toMatch(/^Error: setBackend: native backend unavailable: could not load the native addon/);
    expect(out.info).toMatchObject({ backend: 'js', nativeAvailable: false, isa: 'none', threads: 1 });
    expect(out.info.nativeError).toMatch(/could not load the native addon/);
    expect(out.info.addonPath).toBeUndefined();
  });

  it('NEURITE_BACKEND=native does not hide the fallback either', () => {
    const r = node(`const n = require(process.argv[1] + '/dist/index.js'); console.log(n.getBackend());`, { NEURITE_BACKEND: 'native' }, [dir]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('js');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('NEURITE_BACKEND', () => {
  it('with a bad value is a clear error', () => {
    const r = node(`
      const n = require('./dist/index.js');
      try { n.getBackend(); console.log('no error'); } catch (e) { console.log(e.constructor.name + ': ' + e.message); }
    `, { NEURITE_BACKEND: 'gpu' });
    expect(r.stdout.trim()).toBe('RangeError: NEURITE_BACKEND must be "native" or "js", got "gpu"');
  });
});
