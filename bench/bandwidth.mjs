#!/usr/bin/env node
// Memory-bound kernels against the machine's bandwidth: builds and runs bench/stream.cpp
// (STREAM copy/scale/add/triad), then times neurite's native elementwise, softmax and
// reduce kernels on arrays far larger than the caches, at 1 and 2 threads, and prints GB/s and
// the fraction of the matching STREAM figure (1 read + 1 write ops vs STREAM scale, 2 reads +
// 1 write vs STREAM add). Each result is validated against the js backend before timing.
//
//   npm run bench:bandwidth            (N=2^24 floats per array by default; N=... to change)
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const n = Number(process.env.N ?? 1 << 24);
const maxThreads = Number(process.env.THREADS ?? 2);

mkdirSync(join(root, 'bench', 'out'), { recursive: true });
const exe = join(root, 'bench', 'out', 'stream');
execFileSync('g++', ['-O3', '-std=c++20', '-pthread', join(root, 'bench', 'stream.cpp'), '-o', exe]);
// The machine is shared: run STREAM before and after the kernels and keep the best figures.
const runStream = () => execFileSync(exe, [String(n), String(maxThreads)], { encoding: 'utf8' })
  .trim().split('\n').map((l) => JSON.parse(l));
let stream = runStream();
const mergeStream = (more) => {
  stream = stream.map((s, i) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Math.max(v, more[i][k])])));
};

const neurite = require(join(root, 'dist', 'index.js'));
const K = neurite.getBackendByName('native');
const J = neurite.getBackendByName('js');
const { BinaryOp, UnaryOp } = require(join(root, 'dist', 'backend', 'interface', 'elementwise.js'));

const x = new Float32Array(n).map((_, i) => Math.sin(i) * 3);
const y = new Float32Array(n).map((_, i) => Math.cos(i) + 2);
const out = new Float32Array(n);
const dx = new Float32Array(n);

// [name, bytes moved per element, stream reference, run(backend, x, y, out, n)]
const cases = [
  ['scale', 8, 'scale', (B, a, b, o, m) => B.scale(a, 0.5, o, m)],
  ['add (same shape)', 12, 'add', (B, a, b, o, m) => B.binaryForward(BinaryOp.add, a, [1], b, [1], o, [m])],
  ['mul by scalar (broadcast)', 8, 'scale', (B, a, b, o, m) => B.binaryForward(BinaryOp.mul, a, [1], b, [0], o, [m])],
  ['add row vector (broadcast)', 8, 'scale', (B, a, b, o, m) => B.binaryForward(BinaryOp.add, a, [1024, 1], b, [0, 1], o, [m / 1024, 1024])],
  ['axpy', 12, 'triad', (B, a, b, o, m) => B.axpy(0.5, a, o, m)],
  ['relu', 8, 'scale', (B, a, b, o, m) => B.unaryForward(UnaryOp.relu, a, o, m, 0)],
  ['relu backward', 16, 'add', (B, a, b, o, m) => B.unaryBackward(UnaryOp.relu, a, o, b, o, m, 0, true)],
  ['leaky relu', 8, 'scale', (B, a, b, o, m) => B.unaryForward(UnaryOp.leakyRelu, a, o, m, 0.1)],
  ['sigmoid', 8, 'scale', (B, a, b, o, m) => B.unaryForward(UnaryOp.sigmoid, a, o, m, 0)],
  ['tanh', 8, 'scale', (B, a, b, o, m) => B.unaryForward(UnaryOp.tanh, a, o, m, 0)],
  ['exp', 8, 'scale', (B, a, b, o, m) => B.unaryForward(UnaryOp.exp, a, o, m, 0)],
  ['log', 8, 'scale', (B, a, b, o, m) => B.unaryForward(UnaryOp.log, b, o, m, 0)],
  ['sqrt', 8, 'scale', (B, a, b, o, m) => B.unaryForward(UnaryOp.sqrt, b, o, m, 0)],
  ['softplus', 8, 'scale', (B, a, b, o, m) => B.unaryForward(UnaryOp.softplus, a, o, m, 0)],
  ['sum (all)', 4, 'copy', (B, a, b, o, m) => B.reduceSumForward(a, o, 1, m, 1, 1)],
  ['sum over rows (axis 0)', 4, 'copy', (B, a, b, o, m) => B.reduceSumForward(a, o, 1, m / 1024, 1024, 1)],
  ['sum over cols (axis 1)', 4, 'copy', (B, a, b, o, m) => B.reduceSumForward(a, o, m / 1024, 1024, 1, 1)],
  // The gradient of a broadcast: a (m/1024, 1024) dout summed into a row vector or a column.
  ['unbroadcastSum into a row (bias-like)', 4, 'copy', (B, a, b, o, m) => { o.fill(0, 0, 1024); B.unbroadcastSum(a, [m / 1024, 1024], o, [0, 1]); }],
  ['unbroadcastSum into a column', 4, 'copy', (B, a, b, o, m) => { o.fill(0, 0, m / 1024); B.unbroadcastSum(a, [m / 1024, 1024], o, [1, 0]); }],
  ['softmax rows of 1024', 8, 'scale', (B, a, b, o, m) => B.softmaxForward(a, o, m / 1024, 1024)],
  ['logSoftmax rows of 1024', 8, 'scale', (B, a, b, o, m) => B.logSoftmaxForward(a, o, m / 1024, 1024)],
];

function best(fn, reps = 15) {
  let t = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    t = Math.min(t, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return t;
}

// Validate on a small slice: native vs js.
for (const [name, , , run] of cases) {
  const m = 1 << 14;
  const oa = new Float32Array(m), ob = new Float32Array(m);
  run(K, x.subarray(0, m), y.subarray(0, m), oa, m);
  run(J, x.subarray(0, m), y.subarray(0, m), ob, m);
  for (let i = 0; i < m; i++) {
    if (!(Math.abs(oa[i] - ob[i]) <= 1e-4 * (1 + Math.abs(ob[i])))) throw new Error(`${name}: native ${oa[i]} vs js ${ob[i]} at ${i}`);
  }
}

const info = neurite.backendInfo();
const measured = [];
for (let threads = 1; threads <= maxThreads; threads++) {
  neurite.setNumThreads(threads);
  for (const [name, bytes, refName, run] of cases) {
    run(K, x, y, out, n);
    const t = best(() => run(K, x, y, out, n));
    measured.push({ kernel: name, threads, gbs: (bytes * n) / t / 1e9, ref: refName });
  }
}
mergeStream(runStream());
const load = (await import('node:os')).loadavg()[0].toFixed(1);
console.log(`# neurite memory-bound kernels, N=${n} floats per array, isa=${info.isa}, node ${process.version}, load average ${load}`);
for (const s of stream) console.log(`# STREAM ${s.threads} thread(s), best of two runs: copy ${s.copy} GB/s, scale ${s.scale}, add ${s.add}, triad ${s.triad}`);
const rows = measured.map((m) => ({
  ...m, gbs: m.gbs.toFixed(1), fraction: (m.gbs / stream[m.threads - 1][m.ref]).toFixed(2),
}));
console.log('| kernel | threads | GB/s | fraction of STREAM | vs |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.kernel} | ${r.threads} | ${r.gbs} | ${r.fraction} | ${r.ref} |`);
void dx;
