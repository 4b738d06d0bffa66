#!/usr/bin/env node
// `npm run bench`: sgemm GFLOP/s on the native and js backends side by side, and their ratio.
// Uses the compiled harness in dist/bench (npm run bench builds it first).
//
//   node bench/run.cjs [--sizes 64,256,1024] [--large] [--training] [--repeat N]
//                      [--min-time MS] [--threads N] [--clock wall|cpu]
//
// --large adds M=N=K=2048 on native only (js takes seconds per call there); --training adds the
// training shapes (M 32-128, K and N 64-2048, all transposes). Samples of the two backends are
// interleaved, so the ratio holds even on a busy machine; medians are printed. --clock cpu
// times by process CPU time (preemption left out; use it with --threads 1, since the js
// backend is single-threaded anyway).
'use strict';
const os = require('node:os');
const { join } = require('node:path');

const dist = join(__dirname, '..', 'dist');
const neurite = require(dist);
const { compareBackends, measure } = require(join(dist, 'bench', 'workload.js'));
const gemm = require(join(dist, 'bench', 'gemm.js'));

function parseArgs(argv) {
  const opts = { sizes: [...gemm.SQUARE_SIZES], large: false, training: false, repeat: 7, minTimeMs: 100, threads: undefined, clock: 'wall' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--sizes') opts.sizes = next().split(',').map(Number);
    else if (a === '--large') opts.large = true;
    else if (a === '--training') opts.training = true;
    else if (a === '--repeat') opts.repeat = Number(next());
    else if (a === '--min-time') opts.minTimeMs = Number(next());
    else if (a === '--threads') opts.threads = Number(next());
    else if (a === '--clock') opts.clock = next();
    else if (a === '--help' || a === '-h') {
      process.stdout.write(require('node:fs').readFileSync(__filename, 'utf8').split('\n').slice(1, 10).join('\n') + '\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

function pad(s, n) {
  return String(s).padStart(n);
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.threads !== undefined) neurite.setNumThreads(opts.threads);
  neurite.setBackend('native');
  const info = neurite.backendInfo();
  console.log(`neurite ${info.version}  ${new Date().toISOString()}`);
  console.log(`cpu: ${os.cpus()[0]?.model ?? 'unknown'} x${os.cpus().length}  isa: ${info.isa}  threads: ${info.threads}  node: ${process.version}`);
  console.log(`repeat ${opts.repeat}, samples >= ${opts.minTimeMs} ms (${opts.clock} clock), native and js interleaved; medians\n`);
  console.log(`${'workload'.padEnd(26)} ${pad('native GFLOP/s', 15)} ${pad('js GFLOP/s', 11)} ${pad('native/js', 10)}`);
  const shapes = opts.sizes.map((n) => ({ M: n, N: n, K: n }));
  if (opts.training) shapes.push(...gemm.trainingSgemmShapes());
  for (const s of shapes) {
    const c = compareBackends(gemm.sgemmWorkload(s), { repeat: opts.repeat, minTimeMs: opts.minTimeMs, clock: opts.clock });
    const [n, j] = c.results;
    console.log(`${c.name.padEnd(26)} ${pad(n.gflops.toFixed(1), 15)} ${pad(j.gflops.toFixed(2), 11)} ${pad(c.ratio.toFixed(1) + 'x', 10)}`);
  }
  if (opts.large) {
    for (const n of gemm.LARGE_SQUARE_SIZES) {
      const m = measure(gemm.sgemmWorkload({ M: n, N: n, K: n }), { repeat: opts.repeat, minTimeMs: opts.minTimeMs, clock: opts.clock });
      console.log(`${m.name.padEnd(26)} ${pad(m.gflops.toFixed(1), 15)} ${pad('-', 11)} ${pad('-', 10)}`);
    }
  }
}

main();
