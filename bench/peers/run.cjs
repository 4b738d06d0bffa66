#!/usr/bin/env node
// `npm run bench:peers`: neurite side by side with other implementations of the same workloads,
// in one run, at 1 and 2 threads. Not part of CI.
//
//   node bench/peers/run.cjs [--rounds N] [--repeat N] [--min-time MS] [--threads 1,2]
//                            [--sizes 256,1024,2048] [--no-training] [--no-js] [--write]
//                            [--clock auto|wall|cpu]
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

// ---- neurite --------------------------------------------------------------------------------

function loadNeurite() {
  if (!fs.existsSync(join(dist, 'bench', 'workload.js'))) {
    throw new Error('dist/ is missing: run "npm run build:ts" (npm run bench:peers does it)');
  }
  return {
    api: require(dist),
    harness: require(join(dist, 'bench', 'workload.js')),
    gemm: require(join(dist, 'bench', 'gemm.js')),
  };
}

function neuriteSgemm(n, backendName, threads, shapes, opts) {
  n.api.setBackend(backendName);
  n.api.setNumThreads(threads);
  return shapes.map((s) => n.harness.measure(n.gemm.sgemmWorkload(s), opts));
}

// ---- driver ---------------------------------------------------------------------------------

function parseArgs(argv) {
  const o = { rounds: 3, repeat: 15, minTimeMs: 10, threads: [1, 2], sizes: [256, 1024, 2048], training: true, js: true, write: false, clock: 'auto' };
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

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const n = loadNeurite();
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
  if (opts.write) {
    const file = join(root, 'bench', 'RESULTS.md');
    const begin = '<!-- peers:sgemm:begin -->', end = '<!-- peers:sgemm:end -->';
    let text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmark results\n';
    const block = `${begin}\n${table}\n${end}`;
    text = text.includes(begin) ? text.replace(new RegExp(`${begin}[\\s\\S]*?${end}`), block) : `${text.trimEnd()}\n\n${block}\n`;
    fs.writeFileSync(file, text);
    console.log(`wrote ${file}`);
  }
}

main();
