#!/usr/bin/env node
// `npm start`: trains the default MLP (784-256-128-10, ReLU, softmax cross-entropy, Adam) on
// the Fashion-MNIST subset shipped in data/fashion-mnist and prints the test accuracy.
// `npm start -- --data DIR` uses the full dataset in DIR (the four IDX files) instead, e.g.
// /usr/share/datasets/fashion-mnist. Other flags: --epochs N, --batch-size N, --lr X, --seed N.
// The training code is src/zoo/mlp.ts (trainMlp), which `neurite train` can call as well.
'use strict';
const { loadFashionMnist, trainMlp, backendInfo } = require('../dist/index.js');

function parseArgs(argv) {
  const out = {};
  const flags = { '--data': 'dir', '--epochs': 'epochs', '--batch-size': 'batchSize', '--lr': 'lr', '--seed': 'seed' };
  for (let i = 0; i < argv.length; i++) {
    const key = flags[argv[i]];
    if (!key || i + 1 >= argv.length) {
      console.error(`unknown or incomplete argument "${argv[i]}"; flags: ${Object.keys(flags).join(', ')}`);
      process.exit(2);
    }
    out[key] = key === 'dir' ? argv[++i] : Number(argv[++i]);
  }
  return out;
}

function bar(done, total, width = 24) {
  const filled = Math.round((done / total) * width);
  return '[' + '#'.repeat(filled) + '.'.repeat(width - filled) + ']';
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const info = backendInfo();
  const data = loadFashionMnist({ dir: args.dir, layout: 'flat' });
  console.log(`neurite ${info.version}: ${info.backend} backend (${info.isa}, ${info.threads} threads)`);
  console.log(`Fashion-MNIST from ${data.dir}: ${data.train.y.size} training, ${data.test.y.size} test images`);
  console.log('model: MLP 784-256-128-10, ReLU, softmax cross-entropy, Adam');
  const tty = process.stdout.isTTY;
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const result = await trainMlp({
    train: data.train, test: data.test,
    epochs: args.epochs, batchSize: args.batchSize, lr: args.lr, seed: args.seed,
    signal: controller.signal,
    callbacks: {
      onBatchEnd(b) {
        if (!tty || b.batches === undefined || (b.batch % 5 !== 0 && b.batch + 1 !== b.batches)) return;
        process.stdout.write(`\repoch ${b.epoch + 1} ${bar(b.batch + 1, b.batches)} ${b.batch + 1}/${b.batches}  loss ${b.logs.loss.toFixed(4)}  ` +
          `accuracy ${(100 * b.logs.accuracy).toFixed(2)}%  ${Math.round(b.samplesPerSecond)} samples/s `);
      },
      onEpochEnd(e) {
        const l = e.logs;
        if (tty) process.stdout.write('\r\x1b[K');
        console.log(`epoch ${e.epoch + 1}/${e.epochs}  loss ${l.loss.toFixed(4)}  accuracy ${(100 * l.accuracy).toFixed(2)}%  ` +
          `test loss ${l.valLoss.toFixed(4)}  test accuracy ${(100 * l.valAccuracy).toFixed(2)}%  ${e.seconds.toFixed(1)}s  ${Math.round(e.samplesPerSecond)} samples/s`);
      },
    },
  });
  if (result.history.stopReason === 'aborted') console.log('stopped');
  console.log(`test accuracy: ${(100 * result.testAccuracy).toFixed(2)}% (${result.seconds.toFixed(1)}s)`);
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
