/**
 * The installed-package experience: `npm pack`, install the tarball into a fresh project with
 * no C++ toolchain on PATH, then use it there as users do: the prebuild loads (not the js
 * fallback, not a local compile), training runs from ESM, from CommonJS and in a worker
 * thread, the shipped .d.ts type-check a TypeScript file, and the `neurite` bin runs.
 * Finally the parity suite runs once against the prebuild with the generic ISA forced.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, installConsumer, mustRun, PLATFORM_DIR, ROOT, run, stagePackage, type Consumer, type Staged } from './stage';

/**
 * Trains a small MLP (the zoo's mlp) with Adam and cross-entropy on a fixed 3-class problem,
 * one step at a time; returns the losses and what backendInfo() says.
 */
const TRAIN = `
function train(nn, steps) {
  nn.manualSeed(7);
  const x = nn.keep(nn.randNormal([96, 8]));
  const scores = nn.noGrad(() => nn.matmul(x, nn.randNormal([8, 3])));
  const labels = new Float32Array(96);
  for (let i = 0; i < 96; i++) {
    const s = scores.data.subarray(i * 3, i * 3 + 3);
    labels[i] = s.indexOf(Math.max(...s));
  }
  const y = nn.keep(nn.tensor(labels, [96]));
  const model = nn.mlp({ inputSize: 8, hidden: [16], classes: 3 });
  const optimizer = new nn.Adam(model.parameters(), { lr: 0.02 });
  const losses = [];
  for (let step = 0; step < steps; step++) {
    losses.push(nn.tidy(() => {
      optimizer.zeroGrad();
      const loss = nn.crossEntropy(model.forward(x), y);
      loss.backward();
      optimizer.step();
      return loss.item();
    }));
  }
  const info = nn.backendInfo();
  return { losses, backend: info.backend, addonSource: info.addonSource, addonPath: info.addonPath, isa: info.isa };
}
`;

const STEPS = 30;

interface TrainResult {
  losses: number[];
  backend: string;
  addonSource?: string;
  addonPath?: string;
}

let staged: Staged;
let consumer: Consumer;

function node(script: string, extraEnv: Record<string, string> = {}) {
  return mustRun(`node ${script}`, process.execPath, [script], { cwd: consumer.dir, env: { ...consumer.env, ...extraEnv } });
}

function expectTrainedOnPrebuild(r: TrainResult): void {
  expect(r.backend).toBe('native');
  expect(r.addonSource).toBe('prebuild');
  expect(r.addonPath).toContain(join('node_modules', 'neurite', 'prebuilds', PLATFORM_DIR));
  expect(r.losses).toHaveLength(STEPS);
  expect(r.losses.every(Number.isFinite)).toBe(true);
  expect(r.losses[STEPS - 1]!).toBeLessThan(r.losses[0]! * 0.5);
}

describe('the installed package', () => {
  beforeAll(() => {
    staged = stagePackage();
    consumer = installConsumer(staged);
  }, 300_000);
  afterAll(() => staged?.cleanup());

  it('ships dist, the prebuild and the native sources, and nothing else', () => {
    const pkg = join(consumer.dir, 'node_modules', 'neurite');
    const files = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] }).files;
    const expected = ['LICENSE', 'README.md', 'package.json', ...files.filter((f) => !f.startsWith('!'))];
    expect(readdirSync(pkg).sort()).toEqual([...new Set(expected)].sort());
    for (const devOnly of ['src', 'test', 'scripts', 'CMakeLists.txt', 'node_modules']) expect(existsSync(join(pkg, devOnly)), devOnly).toBe(false);
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [e.name]));
    expect(walk(join(pkg, 'dist')).filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(readdirSync(join(pkg, 'prebuilds'))).toContain(PLATFORM_DIR);
    expect(existsSync(join(pkg, 'native', 'test'))).toBe(false);
    expect(existsSync(join(pkg, 'dist', 'cli', 'main.js'))).toBe(true);
    // Nothing was compiled at install time.
    expect(existsSync(join(pkg, 'build'))).toBe(false);
  });

  it('has no compiler on the PATH it was installed with', () => {
    for (const tool of ['g++', 'gcc', 'cc', 'c++', 'clang++', 'make', 'cmake', 'python3']) {
      const r = spawnSync(tool, ['--version'], { cwd: consumer.dir, env: consumer.env });
      expect((r.error as NodeJS.ErrnoException | undefined)?.code, tool).toBe('ENOENT');
    }
    expect(spawnSync('node', ['--version'], { cwd: consumer.dir, env: consumer.env }).status).toBe(0);
  });

  it('trains from an ES module on the prebuild', () => {
    writeFileSync(join(consumer.dir, 'train.mjs'), `import * as nn from 'neurite';\n${TRAIN}\nconsole.log(JSON.stringify(train(nn, ${STEPS})));\n`);
    const r = node('train.mjs');
    expectTrainedOnPrebuild(JSON.parse(r.stdout) as TrainResult);
    expect(r.stderr).toBe('');
  });

  it('trains from CommonJS, with the same losses as from ESM', () => {
    writeFileSync(join(consumer.dir, 'train.cjs'), `const nn = require('neurite');\n${TRAIN}\nconsole.log(JSON.stringify(train(nn, ${STEPS})));\n`);
    const cjs = JSON.parse(node('train.cjs').stdout) as TrainResult;
    expectTrainedOnPrebuild(cjs);
    const esm = JSON.parse(node('train.mjs').stdout) as TrainResult;
    expect(cjs.losses).toEqual(esm.losses);
  });

  it('trains inside worker threads while the main thread trains too', () => {
    writeFileSync(
      join(consumer.dir, 'worker.cjs'),
      `const { parentPort } = require('node:worker_threads');\nconst nn = require('neurite');\n${TRAIN}\nparentPort.postMessage(train(nn, ${STEPS}));\n`,
    );
    writeFileSync(
      join(consumer.dir, 'threads.mjs'),
      `import { Worker } from 'node:worker_threads';
import * as nn from 'neurite';
${TRAIN}
const runWorker = () => new Promise((resolve, reject) => {
  const w = new Worker(new URL('./worker.cjs', import.meta.url));
  w.once('message', resolve);
  w.once('error', reject);
});
const pending = [runWorker(), runWorker()];
const main = train(nn, ${STEPS});
const workers = await Promise.all(pending);
console.log(JSON.stringify({ main, workers }));
`,
    );
    const r = JSON.parse(node('threads.mjs').stdout) as { main: TrainResult; workers: TrainResult[] };
    expectTrainedOnPrebuild(r.main);
    expect(r.workers).toHaveLength(2);
    for (const w of r.workers) {
      expectTrainedOnPrebuild(w);
      expect(w.losses).toEqual(r.main.losses);
    }
  });

  it('type-checks TypeScript against the shipped .d.ts, and rejects a type error', () => {
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const config = (files: string[]) =>
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true,
          skipLibCheck: false, types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')],
        },
        files,
      });
    writeFileSync(
      join(consumer.dir, 'good.mts'),
      `import { backendInfo, linear, mean, randNormal, relu, square, tidy, type BackendInfo, type Tensor } from 'neurite';
const info: BackendInfo = backendInfo();
const isa: string = info.isa;
const w: Tensor = randNormal([4, 3]);
w.requiresGrad = true;
const loss: number = tidy(() => {
  const l = mean(square(relu(linear(randNormal([2, 3]), w))));
  l.backward();
  return l.item();
});
const shape: readonly number[] = w.shape;
console.log(isa, loss, shape);
`,
    );
    writeFileSync(join(consumer.dir, 'bad.mts'), `import { backendInfo } from 'neurite';\nconst threads: string = backendInfo().threads;\nconsole.log(threads);\n`);
    writeFileSync(join(consumer.dir, 'tsconfig.json'), config(['good.mts']));
    writeFileSync(join(consumer.dir, 'tsconfig.bad.json'), config(['bad.mts']));
    const good = run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: consumer.dir, env: consumer.env });
    expect(good.stdout + good.stderr).toBe('');
    expect(good.status).toBe(0);
    const bad = run(process.execPath, [tsc, '-p', 'tsconfig.bad.json'], { cwd: consumer.dir, env: consumer.env });
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toMatch(/bad\.mts.*TS2322/);
  });

  it('loads the shipped Fashion-MNIST subset from the installed package', () => {
    writeFileSync(
      join(consumer.dir, 'data.cjs'),
      `const nn = require('neurite');\nconst d = nn.loadFashionMnist({ subset: { train: 20, test: 10 }, layout: 'flat' });\nconsole.log(JSON.stringify({ x: d.train.x.shape, t: d.test.x.shape, dir: d.dir }));\n`,
    );
    const r = JSON.parse(node('data.cjs').stdout) as { x: number[]; t: number[]; dir: string };
    expect(r).toMatchObject({ x: [20, 784], t: [10, 784] });
    expect(r.dir).toContain(join('node_modules', 'neurite', 'data'));
  });

  it('installs the neurite command, which reports the prebuild', () => {
    const bin = join(consumer.dir, 'node_modules', '.bin', process.platform === 'win32' ? 'neurite.cmd' : 'neurite');
    expect(existsSync(bin)).toBe(true);
    const r = run(bin, ['info', '--json'], { cwd: consumer.dir, env: consumer.env, shell: process.platform === 'win32' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ backend: 'native', addonSource: 'prebuild', nativeAvailable: true });
    const t = run(bin, ['train', '--train-size', '64', '--batch-size', '32', '--test-size', '20', '--epochs', '1', '--out', 'run'], {
      cwd: consumer.dir, env: consumer.env, shell: process.platform === 'win32',
    });
    expect(t.stderr).toBe('');
    expect(t.status).toBe(0);
    expect(t.stdout).toMatch(/^epoch 1\/1 {2}loss /m);
    expect(existsSync(join(consumer.dir, 'run', 'model.safetensors'))).toBe(true);
  });

  it('passes the parity suite on the prebuild with the generic ISA forced (PREBUILDS_ONLY=1, NEURITE_ISA=generic)', () => {
    // The staged package plus the repository's sources and tests: src/ finds the staged
    // package root, whose only addon is the prebuild.
    const dir = staged.staging;
    for (const d of ['src', 'test']) mkdirSync(join(dir, d), { recursive: true });
    mustRun('copy sources', process.execPath, ['-e', `
      const fs = require('fs');
      fs.cpSync(${JSON.stringify(join(ROOT, 'src'))}, 'src', { recursive: true });
      for (const d of ['parity', 'helpers', 'oracle']) {
        const from = ${JSON.stringify(join(ROOT, 'test'))} + '/' + d;
        if (fs.existsSync(from)) fs.cpSync(from, 'test/' + d, { recursive: true });
      }
      for (const f of ['vitest.config.mts', 'tsconfig.json']) fs.cpSync(${JSON.stringify(ROOT)} + '/' + f, f);
    `], { cwd: dir });
    const env = cleanEnv({ PREBUILDS_ONLY: '1', NEURITE_ISA: 'generic' });
    const probe = mustRun('backendInfo', process.execPath, ['-e', 'console.log(JSON.stringify(require("./dist").backendInfo()))'], { cwd: dir, env });
    expect(JSON.parse(probe.stdout)).toMatchObject({ backend: 'native', addonSource: 'prebuild' });
    const report = join(staged.tmp, 'parity.json');
    const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
    const r = run(process.execPath, [vitest, 'run', 'test/parity', '--reporter=json', `--outputFile=${report}`], { cwd: dir, env });
    const result = JSON.parse(readFileSync(report, 'utf8')) as { numPassedTests: number; numFailedTests: number };
    expect(result.numFailedTests, r.stdout.slice(-2000) + r.stderr.slice(-2000)).toBe(0);
    expect(result.numPassedTests).toBeGreaterThan(0);
    expect(r.status).toBe(0);
  }, 300_000); // the whole parity suite in a child: minutes on a busy 2-core machine
});
