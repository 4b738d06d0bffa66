#!/usr/bin/env node
// `npm run bench:soak`: runs LeNet-5 training steps (batch 64, 28x28, Adam, the workload of
// `neurite bench`) for a long time and checks that memory stays flat: RSS after warm-up must
// stay within 5% of its value at the end of warm-up, and the pool must allocate nothing new.
//
//   node bench/soak.cjs [--steps 10000] [--warmup 1000] [--every 500] [--threads N] [--backend native|js]
//
// Prints RSS, heap and the pool's allocated bytes every --every steps; exits 1 when RSS grows
// by more than 5% or the pool allocates after warm-up.
'use strict';
const { join } = require('node:path');

const dist = join(__dirname, '..', 'dist');
const neurite = require(dist);
const { targetStepSpecs, trainingStepWorkload } = require(join(dist, 'bench', 'steps.js'));
const { memoryStats } = require(join(dist, 'memory.js'));

function parseArgs(argv) {
  const o = { steps: 10000, warmup: 1000, every: 500, threads: undefined, backend: 'native' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--steps') o.steps = Number(next());
    else if (a === '--warmup') o.warmup = Number(next());
    else if (a === '--every') o.every = Number(next());
    else if (a === '--threads') o.threads = Number(next());
    else if (a === '--backend') o.backend = next();
    else throw new Error(`unknown argument ${a}`);
  }
  if (!(Number.isInteger(o.steps) && o.steps > o.warmup && o.warmup >= 1)) throw new Error('--steps must exceed --warmup (>= 1)');
  return o;
}

const mb = (b) => (b / (1024 * 1024)).toFixed(1);

function main() {
  const o = parseArgs(process.argv.slice(2));
  neurite.setBackend(o.backend);
  if (o.threads !== undefined) neurite.setNumThreads(o.threads);
  const spec = targetStepSpecs().find((s) => s.key === 'lenet5');
  const step = trainingStepWorkload(spec).setup();
  console.log(`soak: ${spec.name}, ${o.steps} steps, backend ${o.backend}, threads ${neurite.getNumThreads()}, warm-up ${o.warmup}`);
  console.log(`${'step'.padStart(6)} ${'rss MB'.padStart(8)} ${'heap MB'.padStart(8)} ${'ext MB'.padStart(8)} ${'pool alloc MB'.padStart(14)} ${'ms/step'.padStart(8)}`);
  const t0 = Date.now();
  let tLast = t0, iLast = 0, base, allocBase, maxRss = 0, minRss = Infinity;
  const line = (i) => {
    const m = process.memoryUsage();
    const now = Date.now();
    console.log(`${String(i).padStart(6)} ${mb(m.rss).padStart(8)} ${mb(m.heapUsed).padStart(8)} ${mb(m.external + m.arrayBuffers).padStart(8)} ${mb(memoryStats().allocatedBytes).padStart(14)} ${((now - tLast) / (i - iLast)).toFixed(2).padStart(8)}`);
    tLast = now;
    iLast = i;
    return m.rss;
  };
  for (let i = 1; i <= o.steps; i++) {
    step();
    if (i === o.warmup) {
      base = line(i);
      allocBase = memoryStats().allocatedBytes;
    } else if (i > o.warmup) {
      const rss = process.memoryUsage().rss;
      maxRss = Math.max(maxRss, rss);
      minRss = Math.min(minRss, rss);
      if (i % o.every === 0) line(i);
    }
  }
  const growth = (maxRss - base) / base;
  const allocAfter = memoryStats().allocatedBytes - allocBase;
  console.log(`rss after warm-up ${mb(base)} MB; over the next ${o.steps - o.warmup} steps min ${mb(minRss)} MB, max ${mb(maxRss)} MB ` +
    `(${(100 * growth).toFixed(1)}% above warm-up); pool allocations after warm-up ${allocAfter} bytes; ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const ok = growth <= 0.05 && allocAfter === 0;
  console.log(ok ? 'flat: within 5%' : 'NOT flat');
  process.exitCode = ok ? 0 : 1;
}

main();
