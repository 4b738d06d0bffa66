#!/usr/bin/env node
// `npm run bench:rnn`: recurrent cells and training steps on the native and js backends side by
// side (samples interleaved, medians), at issue 8's shapes. With --torch, PyTorch's training
// step for the same shapes (bench/peers/torch_rnn.py, /usr/bin/python3 with python3-torch) at
// 1 and 2 threads, for reference.
//
//   node bench/rnn.cjs [--native-only] [--torch] [--repeat N] [--min-time MS]
'use strict';
const os = require('node:os');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const dist = join(__dirname, '..', 'dist');
const neurite = require(dist);
const { compareBackends, measure } = require(join(dist, 'bench', 'workload.js'));
const rnn = require(join(dist, 'bench', 'rnn.js'));

const argv = process.argv.slice(2);
const flag = (f) => argv.includes(f);
const value = (f, d) => (argv.includes(f) ? Number(argv[argv.indexOf(f) + 1]) : d);
const opts = { repeat: value('--repeat', 5), minTimeMs: value('--min-time', 200) };

neurite.setBackend('native');
const info = neurite.backendInfo();
console.log(`neurite ${info.version}  ${new Date().toISOString()}`);
console.log(`cpu: ${os.cpus()[0]?.model ?? 'unknown'} x${os.cpus().length}  isa: ${info.isa}  threads: ${info.threads}  node: ${process.version}\n`);
console.log(`${'workload'.padEnd(34)} ${'native ms'.padStart(10)} ${'GFLOP/s'.padStart(8)} ${'js ms'.padStart(9)} ${'native/js'.padStart(10)}`);

const cells = ['rnn', 'lstm', 'gru', 'mgu'].map((cell) => rnn.cellStepWorkload({ cell, B: 32, H: 128 }));
for (const w of [...cells, ...rnn.RNN_TRAINING_SHAPES.map(rnn.rnnTrainingStepWorkload)]) {
  const bigJs = w.name.includes('H=512');
  if (flag('--native-only') || bigJs) {
    const m = measure(w, opts);
    console.log(`${w.name.padEnd(34)} ${m.medianMs.toFixed(3).padStart(10)} ${m.gflops.toFixed(1).padStart(8)} ${'-'.padStart(9)} ${'-'.padStart(10)}`);
  } else {
    const c = compareBackends(w, opts);
    const [n, j] = c.results;
    console.log(`${w.name.padEnd(34)} ${n.medianMs.toFixed(3).padStart(10)} ${n.gflops.toFixed(1).padStart(8)} ${j.medianMs.toFixed(2).padStart(9)} ${(c.ratio.toFixed(1) + 'x').padStart(10)}`);
  }
}

if (flag('--torch')) {
  const r = spawnSync('/usr/bin/python3', [join(__dirname, 'peers', 'torch_rnn.py')], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_CORETYPE: '', OPENBLAS_L2_SIZE: '', OPENBLAS_NUM_THREADS: '1' },
  });
  if (r.status !== 0) console.log(`\nPyTorch peer skipped (${(r.stderr || r.error?.message || '').trim().split('\n').pop()}); install it with: apt-get install python3-torch`);
  else console.log('\n' + r.stdout.trim());
}
