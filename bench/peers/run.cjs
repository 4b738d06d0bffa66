#!/usr/bin/env node
// `npm run bench:peers`: neurite side by side with other implementations of the same workloads,
// in one run, at 1 and 2 threads. Not part of CI.
//
//   node bench/peers/run.cjs [--rounds N] [--repeat N] [--min-time MS] [--threads 1,2]
//                            [--sizes 256,1024,2048] [--no-training] [--no-js] [--write]
//                            [--clock auto|wall|cpu] [--no-sgemm] [--no-steps]
//                            [--steps lenet5,cifar,lstm128,gru128,lstm512,gru512,mlp]
//                            [--step-repeat N] [--step-min-time MS]
//
// Two parts: sgemm (OpenBLAS, the peak FMA microbenchmark) and whole training steps (PyTorch,
// bench/peers/torch_steps.py, the networks of src/bench/steps.ts targetStepSpecs). PyTorch runs
// with OPENBLAS_NUM_THREADS=1, glibc's malloc kept from returning large blocks to the OS
// (GLIBC_TUNABLES mmap/trim thresholds) and OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset, in its
// command only, and OMP_WAIT_POLICY=PASSIVE unless set; its figure is the faster of 1 and 2 threads.
//
// --clock auto (default) times 1-thread runs by process CPU time, which leaves out time spent
// preempted by other processes (the fair clock on a shared machine when one thread does all the
// work), and 2-thread runs by wall time.
//
// Each round runs every peer and neurite back to back, so the machine's load hits them alike.
// Every implementation is timed in many short samples and rated by its fastest one (on a
// shared machine, the sample nobody preempted); a ratio is computed per round and the median
// over rounds is reported. --write replaces the table in bench/RESULTS.md between its markers.
//
// Adding a peer: append to PEERS below an object with
//   name, hint (how to install it), available() -> boolean, build() (may be a no-op), and
//   sgemm(threads, shapes, opts) -> [{ gflops }] in the order of `shapes` (or peak(threads)).
// A peer that is not available is skipped with its hint. Peers for whole training steps
// (PyTorch) plug in the same way with their own workload kind.
'use strict';
const { spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const { join } = require('node:path');

const root = join(__dirname, '..', '..');
const out = join(root, 'bench', 'out');
const dist = join(root, 'dist');

function hasCommand(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function parseJsonLines(text) {
  return text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

// ---- peers ----------------------------------------------------------------------------------

const PEAK = {
  name: 'peak FMA',
  hint: 'needs a C++ compiler (g++) and an x86-64 CPU with AVX2 or AVX-512',
  binary: join(out, 'peak_fma'),
  available: () => process.arch === 'x64' && (hasCommand(process.env.CXX || 'g++')),
  build() {
    execFileSync('bash', [join(root, 'bench', 'peak', 'build.sh')], { stdio: 'ignore' });
  },
  // GFLOP/s of the widest FMA the CPU has, best of `repeat`, on `threads` threads.
  peak(threads, clock) {
    const r = spawnSync(this.binary, [String(threads), '21', '2000000', clock], { encoding: 'utf8' });
    let best = 0;
    for (const line of r.stdout.split('\n')) {
      const m = /^(\S+)\s+threads=(\d+)\s+median\s+([\d.]+)\s+best\s+([\d.]+)/.exec(line);
      if (m && Number(m[2]) === threads) best = Math.max(best, Number(m[4]));
    }
    return best;
  },
};

const OPENBLAS = {
  name: 'OpenBLAS',
  hint: 'install it with: sudo apt-get install libopenblas-dev (and a C compiler: cc)',
  binary: join(out, 'openblas_sgemm'),
  available() {
    if (!hasCommand('cc')) return false;
    const probe = spawnSync('sh', ['-c', 'echo "int main(void){return 0;}" | cc -x c - -lopenblas -o /dev/null'], { stdio: 'ignore' });
    return probe.status === 0;
  },
  build() {
    fs.mkdirSync(out, { recursive: true });
    execFileSync('cc', ['-O2', '-o', this.binary, join(__dirname, 'openblas_sgemm.c'), '-lopenblas'], { stdio: 'inherit' });
  },
  sgemm(threads, shapes, opts) {
    // This environment may force OpenBLAS onto its AVX2 kernels; give it its best setting.
    const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads) };
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
    const args = [String(threads), String(opts.repeat), String(opts.minTimeMs), opts.clock,
      ...shapes.map((s) => `${s.M},${s.N},${s.K},${s.transA ? 1 : 0},${s.transB ? 1 : 0}`)];
    const r = spawnSync(this.binary, args, { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openblas_sgemm failed: ${r.stderr}`);
    return parseJsonLines(r.stdout);
  },
};

const PEERS = [OPENBLAS];

// Large blocks stay in the process instead of going back to the OS (fresh pages are slow here).
const GLIBC_TUNABLES = 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296';

const TORCH = {
  name: 'PyTorch',
  hint: 'install it with: sudo apt-get install python3-torch (PyTorch for /usr/bin/python3; or set NEURITE_PYTHON)',
  python: process.env.NEURITE_PYTHON || '/usr/bin/python3',
  script: join(__dirname, 'torch_steps.py'),
  version: '?',
  available() {
    const r = spawnSync(this.python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
    if (r.status === 0) this.version = r.stdout.trim();
    return r.status === 0;
  },
  build() {},
  env(threads) {
    // OpenMP threads that spin at barriers lose whole time slices on a busy shared machine
    // (2-thread LeNet-5 steps of ~200-900 ms instead of ~8 ms were seen); passive waiting is
    // PyTorch's best setting here. OMP_WAIT_POLICY from the environment wins.
    const env = { OMP_WAIT_POLICY: 'PASSIVE', ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: String(threads), GLIBC_TUNABLES };
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
    return env;
  },
  // Training steps of `keys` on `threads` threads: [{ key, bestMs, medianMs }].
  steps(threads, keys, opts) {
    const args = [this.script, String(threads), String(opts.repeat), String(opts.minTimeMs), opts.clock, ...keys];
    const r = spawnSync(this.python, args, { env: this.env(threads), encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`torch_steps.py failed: ${r.stderr}`);
    return parseJsonLines(r.stdout);
  },
};

const STEP_PEERS = [TORCH];

// Issue 8's targets: neurite's time over PyTorch's best, at most.
const STEP_TARGETS = { lenet5: 0.8, cifar: 0.8, lstm128: 0.65, gru128: 0.65, lstm512: 0.65, gru512: 0.65, mlp: 0.75 };
// Steps the js backend runs in reasonable time (once, at 1 thread).
const JS_STEPS = new Set(['lenet5', 'lstm128', 'gru128', 'mlp']);

// ---- neurite --------------------------------------------------------------------------------

function loadNeurite() {
  if (!fs.existsSync(join(dist, 'bench', 'workload.js'))) {
    throw new Error('dist/ is missing: run "npm run build:ts" (npm run bench:peers does it)');
  }
  return {
    api: require(dist),
    harness: require(join(dist, 'bench', 'workload.js')),
    gemm: require(join(dist, 'bench', 'gemm.js')),
    steps: require(join(dist, 'bench', 'steps.js')),
  };
}

function neuriteSgemm(n, backendName, threads, shapes, opts) {
  n.api.setBackend(backendName);
  n.api.setNumThreads(threads);
  return shapes.map((s) => n.harness.measure(n.gemm.sgemmWorkload(s), opts));
}

// ---- driver ---------------------------------------------------------------------------------

function parseArgs(argv) {
  const o = {
    rounds: 3, repeat: 15, minTimeMs: 10, threads: [1, 2], sizes: [256, 1024, 2048], training: true, js: true, write: false, clock: 'auto',
    sgemm: true, steps: true, stepKeys: undefined, stepRepeat: 5, stepMinTimeMs: 0,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--rounds') o.rounds = Number(next());
    else if (a === '--repeat') o.repeat = Number(next());
    else if (a === '--min-time') o.minTimeMs = Number(next());
    else if (a === '--threads') o.threads = next().split(',').map(Number);
    else if (a === '--sizes') o.sizes = next().split(',').map(Number);
    else if (a === '--no-training') o.training = false;
    else if (a === '--no-js') o.js = false;
    else if (a === '--write') o.write = true;
    else if (a === '--clock') o.clock = next();
    else if (a === '--no-sgemm') o.sgemm = false;
    else if (a === '--no-steps') o.steps = false;
    else if (a === '--steps') o.stepKeys = next().split(',');
    else if (a === '--step-repeat') o.stepRepeat = Number(next());
    else if (a === '--step-min-time') o.stepMinTimeMs = Number(next());
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function shapeName(s) {
  return `${s.transA ? 'T' : 'N'}${s.transB ? 'T' : 'N'} ${s.M}x${s.N}x${s.K}`;
}

function writeBlock(name, table) {
  const file = join(root, 'bench', 'RESULTS.md');
  const begin = `<!-- peers:${name}:begin -->`, end = `<!-- peers:${name}:end -->`;
  let text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmark results\n';
  const block = `${begin}\n${table}\n${end}`;
  text = text.includes(begin) ? text.replace(new RegExp(`${begin}[\\s\\S]*?${end}`), () => block) : `${text.trimEnd()}\n\n${block}\n`;
  fs.writeFileSync(file, text);
  console.log(`wrote ${file} (${name})`);
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const n = loadNeurite();
  if (opts.sgemm) runSgemm(opts, n);
  if (opts.steps) runSteps(opts, n);
}

function runSgemm(opts, n) {
  const peers = [];
  for (const p of [PEAK, ...PEERS]) {
    if (!p.available()) {
      console.log(`skipping ${p.name}: not available; ${p.hint}`);
      continue;
    }
    p.build();
    peers.push(p);
  }
  const peak = peers.includes(PEAK) ? PEAK : undefined;
  const others = peers.filter((p) => p !== PEAK);

  const shapes = opts.sizes.map((s) => ({ M: s, N: s, K: s }));
  if (opts.training) shapes.push(...n.gemm.trainingSgemmShapes());
  const clockFor = (t) => (opts.clock === 'auto' ? (t === 1 ? 'cpu' : 'wall') : opts.clock);

  // results[impl][threads][shape] = GFLOP/s per round
  const results = {};
  const put = (impl, t, i, g) => {
    ((results[impl] ??= {})[t] ??= shapes.map(() => []))[i].push(g);
  };
  const peaks = {};
  for (let r = 0; r < opts.rounds; r++) {
    process.stderr.write(`round ${r + 1}/${opts.rounds}\n`);
    for (const t of opts.threads) {
      const measureOpts = { repeat: opts.repeat, minTimeMs: opts.minTimeMs, clock: clockFor(t) };
      // The peak is a property of the machine: always by CPU time, i.e. what the cores do
      // when not preempted, so that "% of peak" is a lower bound on efficiency.
      if (peak) (peaks[t] ??= []).push(peak.peak(t, 'cpu'));
      for (const p of others) p.sgemm(t, shapes, measureOpts).forEach((m, i) => put(p.name, t, i, m.bestGflops));
      neuriteSgemm(n, 'native', t, shapes, measureOpts).forEach((m, i) => put('neurite', t, i, m.bestGflops));
    }
    // js is single-threaded: once, in the first round, on squares up to 1024.
    if (opts.js && r === 0) {
      const js = shapes.map((s, i) => [s, i]).filter(([s]) => s.M * s.N * s.K <= 1024 ** 3);
      neuriteSgemm(n, 'js', 1, js.map(([s]) => s), { repeat: 3, minTimeMs: 0, clock: clockFor(1) }).forEach((m, j) => put('js', 1, js[j][1], m.bestGflops));
    }
  }
  n.api.setBackend('native');

  const info = n.api.backendInfo();
  const lines = [];
  lines.push(`Command: \`npm run bench:peers -- ${process.argv.slice(2).join(' ')}\`  `);
  lines.push(`Date: ${new Date().toISOString()}; CPU: ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}; neurite ISA: ${info.isa}; Node ${process.version}; ` +
    `${opts.rounds} rounds, each ${opts.repeat} samples of >= ${opts.minTimeMs} ms per implementation, run back to back.  `);
  lines.push('GFLOP/s: fastest sample over all rounds; ratios: median over rounds of the per-round ratio of fastest samples. ' +
    'The machine is shared (other builds and tests run on the same 2 cores), so absolute figures vary from run to run; ratios are the comparison.');
  lines.push('');
  for (const t of opts.threads) {
    const pk = peaks[t] ? Math.max(...peaks[t]) : undefined;
    const head = `**${t} thread${t > 1 ? 's' : ''}** (${clockFor(t)} clock)`;
    lines.push(pk ? `${head}: peak FMA (bench/peak, CPU time, best of rounds) ${pk.toFixed(1)} GFLOP/s` : head);
    lines.push('');
    const cols = ['shape', 'neurite', ...others.map((p) => p.name), ...others.map((p) => `neurite/${p.name}`)];
    if (pk) cols.push('neurite % of peak');
    if (opts.js && t === 1) cols.push('js', 'neurite/js');
    lines.push(`| ${cols.join(' | ')} |`);
    lines.push(`|${cols.map(() => '---').join('|')}|`);
    shapes.forEach((s, i) => {
      const nv = results.neurite[t][i];
      const row = [shapeName(s), Math.max(...nv).toFixed(1)];
      for (const p of others) row.push(Math.max(...results[p.name][t][i]).toFixed(1));
      for (const p of others) row.push(median(nv.map((g, r) => g / results[p.name][t][i][r])).toFixed(2) + 'x');
      if (pk) row.push(`${((100 * Math.max(...nv)) / pk).toFixed(0)}%`);
      if (opts.js && t === 1) {
        const js = results.js?.[1]?.[i];
        row.push(js?.length ? js[0].toFixed(2) : '-', js?.length ? `${(nv[0] / js[0]).toFixed(0)}x` : '-');
      }
      lines.push(`| ${row.join(' | ')} |`);
    });
    lines.push('');
  }
  const table = lines.join('\n');
  console.log(table);
  if (opts.write) writeBlock('sgemm', table);
}

// ---- training steps -------------------------------------------------------------------------

function neuriteStep(n, backendName, threads, spec, opts) {
  n.api.setBackend(backendName);
  n.api.setNumThreads(threads);
  return n.harness.measure(n.steps.trainingStepWorkload(spec), { ...opts, warmup: 3 });
}

function runSteps(opts, n) {
  const peers = [];
  for (const p of STEP_PEERS) {
    if (!p.available()) {
      console.log(`skipping ${p.name} training steps: not available; ${p.hint}`);
      continue;
    }
    p.build();
    peers.push(p);
  }
  const all = n.steps.targetStepSpecs();
  const specs = opts.stepKeys ? all.filter((s) => opts.stepKeys.includes(s.key)) : all;
  if (specs.length === 0) throw new Error(`--steps: no workload among ${all.map((s) => s.key).join(',')}`);
  const keys = specs.map((s) => s.key);
  const clockFor = (t) => (opts.clock === 'auto' ? (t === 1 ? 'cpu' : 'wall') : opts.clock);

  // ms[impl][threads][key] = best ms per round
  const ms = {};
  const put = (impl, t, key, v) => (((ms[impl] ??= {})[t] ??= {})[key] ??= []).push(v);
  for (let r = 0; r < opts.rounds; r++) {
    process.stderr.write(`steps round ${r + 1}/${opts.rounds}\n`);
    for (const t of opts.threads) {
      const mo = { repeat: opts.stepRepeat, minTimeMs: opts.stepMinTimeMs, clock: clockFor(t) };
      for (const p of peers) for (const m of p.steps(t, keys, mo)) put(p.name, t, m.key, m.bestMs);
      for (const spec of specs) put('neurite', t, spec.key, neuriteStep(n, 'native', t, spec, mo).bestMs);
    }
    if (opts.js && r === 0) {
      for (const spec of specs.filter((s) => JS_STEPS.has(s.key))) {
        put('js', 1, spec.key, neuriteStep(n, 'js', 1, spec, { repeat: 2, minTimeMs: 0, clock: clockFor(1) }).bestMs);
      }
    }
  }
  n.api.setBackend('native');

  const best = (impl, t, key) => (ms[impl]?.[t]?.[key]?.length ? Math.min(...ms[impl][t][key]) : undefined);
  // Per round: the peer's faster thread setting.
  const peerBestRounds = (p, key) => Array.from({ length: opts.rounds }, (_, r) => Math.min(...opts.threads.map((t) => ms[p.name][t][key][r])));
  const info = n.api.backendInfo();
  const tMax = Math.max(...opts.threads);
  const lines = [];
  lines.push(`Command: \`npm run bench:peers -- ${process.argv.slice(2).join(' ')}\`  `);
  lines.push(`Date: ${new Date().toISOString()}; CPU: ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}; neurite ISA: ${info.isa}; Node ${process.version}` +
    `${peers.includes(TORCH) ? `; PyTorch ${TORCH.version} (OPENBLAS_NUM_THREADS=1, OMP_WAIT_POLICY=${TORCH.env(1).OMP_WAIT_POLICY}, GLIBC_TUNABLES=${GLIBC_TUNABLES}, OPENBLAS_CORETYPE/L2_SIZE unset)` : ''}; ` +
    `${opts.rounds} rounds, each ${opts.stepRepeat} samples (>= ${opts.stepMinTimeMs} ms) per implementation and thread count, run back to back.  `);
  lines.push(`Time per training step (zero grads, forward, cross-entropy, backward, Adam) in ms: fastest sample over all rounds; ` +
    `${opts.threads.map((t) => `${t} thread${t > 1 ? 's' : ''} by ${clockFor(t)} clock`).join(', ')}. ` +
    `"/ best" is over the peer's faster thread setting (the target compares neurite at ${tMax} threads; "neurite best" takes neurite's faster setting too); ratios are medians over rounds of per-round ratios ` +
    `(lower is better for neurite). js: the pure-TypeScript backend, 1 thread, first round only.`);
  lines.push('');
  const cols = ['workload', ...opts.threads.map((t) => `neurite ${t}t`)];
  for (const p of peers) cols.push(...opts.threads.map((t) => `${p.name} ${t}t`), ...opts.threads.map((t) => `neurite/${p.name} ${t}t`), `neurite ${tMax}t / ${p.name} best`, 'target', 'met', `neurite best / ${p.name} best`);
  if (opts.js) cols.push('js 1t', 'js/native 1t');
  lines.push(`| ${cols.join(' | ')} |`);
  lines.push(`|${cols.map(() => '---').join('|')}|`);
  for (const spec of specs) {
    const k = spec.key;
    const row = [spec.name.replace('train step ', ''), ...opts.threads.map((t) => best('neurite', t, k).toFixed(2))];
    for (const p of peers) {
      row.push(...opts.threads.map((t) => best(p.name, t, k).toFixed(2)));
      row.push(...opts.threads.map((t) => median(ms.neurite[t][k].map((v, r) => v / ms[p.name][t][k][r])).toFixed(2) + 'x'));
      const pb = peerBestRounds(p, k);
      const ratio = median(ms.neurite[tMax][k].map((v, r) => v / pb[r]));
      row.push(ratio.toFixed(2) + 'x', `<= ${STEP_TARGETS[k]}x`, ratio <= STEP_TARGETS[k] ? 'yes' : 'no');
      const nb = Array.from({ length: opts.rounds }, (_, r) => Math.min(...opts.threads.map((t) => ms.neurite[t][k][r])));
      row.push(median(nb.map((v, r) => v / pb[r])).toFixed(2) + 'x');
    }
    if (opts.js) {
      const j = best('js', 1, k);
      row.push(j === undefined ? '-' : j.toFixed(1), j === undefined ? '-' : `${(j / best('neurite', 1, k)).toFixed(1)}x`);
    }
    lines.push(`| ${row.join(' | ')} |`);
  }
  lines.push('');
  const table = lines.join('\n');
  console.log(table);
  if (opts.write) writeBlock('steps', table);
}

main();
