/**
 * The course's comparison of PCA and autoencoders on Fashion-MNIST, reproduced:
 *
 *   - test reconstruction error of PCA with 30 components, a 30-unit nonlinear autoencoder
 *     (z = sigmoid(V x), sigmoid output, cross-entropy) and a 30-unit deep ReLU autoencoder,
 *     printed as a table;
 *   - reconstructions.png: rows of test images: originals, PCA, autoencoder, deep autoencoder;
 *   - vae-samples.png and gan-samples.png: new images from a VAE and a GAN;
 *   - codes-2d.png: the 2-D codes of the test set from a deep autoencoder with a 2-unit
 *     bottleneck, coloured by class (and pca-2d.png, the first two principal components).
 *
 * Runs on the shipped subset (10,000 training and 2,000 test images) unless a directory with the
 * full dataset is given. From the command line (src/cli/autoencoders.ts):
 *
 *   neurite autoencoders [--data DIR] [--out DIR] [--epochs N] [--gan-epochs N] [--quick]
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataLoader } from '../data/loader';
import { FASHION_MNIST_CLASSES, loadFashionMnist } from '../data/fashion-mnist';
import { PCA } from '../decomposition/pca';
import { noGrad } from '../autograd';
import type { Autoencoder } from '../generative/autoencoder';
import type { GAN } from '../generative/gan';
import { deepAutoencoder, mlpGan, mlpVae, shallowAutoencoder } from '../generative/models';
import type { VariationalAutoencoder } from '../generative/vae';
import type { Module } from '../nn/module';
import { Adam } from '../optim/adam';
import { manualSeed, Random } from '../random';
import { tidy } from '../scope';
import { Tensor } from '../tensor';
import { imageGrid } from '../viz/grid';
import { scatterPlot } from '../viz/scatter';

export interface AutoencoderComparisonOptions {
  /** Directory with the four Fashion-MNIST IDX files (default: the shipped subset). */
  dataDir?: string;
  /** Where the PNGs go (default ./autoencoders-out). */
  outDir?: string;
  /** Epochs for each autoencoder and the VAE (default 20). */
  epochs?: number;
  /** Epochs for the GAN (default 30). */
  ganEpochs?: number;
  /** Mini-batch size (default 64). */
  batchSize?: number;
  /** Code size of the compared models (default 30). */
  codeSize?: number;
  /** A few hundred images, narrow hidden layers and one epoch each: checks the pipeline in seconds. */
  quick?: boolean;
  /** Seed for initialisation, shuffling and noise (default 0). */
  seed?: number;
  /** Progress and results go here, one line per call (default: stdout). */
  log?: (line: string) => void;
}

export interface ComparisonRow {
  method: string;
  codeSize: number;
  /** Mean over test images of the squared error summed over the 784 pixels. */
  errorPerImage: number;
  /** The same divided by 784. */
  errorPerPixel: number;
  seconds: number;
}

export interface AutoencoderComparisonResult {
  rows: ComparisonRow[];
  /** Paths of the PNGs written. */
  figures: string[];
}

const PIXELS = 784;

/** Sum over pixels of (a - b)^2, averaged over images. */
function errorPerImage(a: Tensor, b: Tensor): number {
  const x = a.data, y = b.data;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i]! - y[i]!) ** 2;
  return s / (x.length / PIXELS);
}

/** Rows [start, start + n) of a (N, D) tensor, as a new tensor. */
function rows(t: Tensor, start: number, n: number): Tensor {
  const D = t.size / t.shape[0]!;
  return new Tensor(t.data.slice(start * D, (start + n) * D), [n, D]);
}

/** Applies fn to x in chunks of rows without recording gradients; returns the rows stacked. */
function inChunks(x: Tensor, fn: (chunk: Tensor) => Tensor, chunk = 500): Tensor {
  const N = x.shape[0]!;
  let out: Float32Array | null = null;
  let width = 0;
  for (let start = 0; start < N; start += chunk) {
    const n = Math.min(chunk, N - start);
    tidy(() => noGrad(() => {
      const y = fn(rows(x, start, n));
      width = y.size / n;
      out ??= new Float32Array(N * width);
      out.set(y.data, start * width);
    }));
  }
  return new Tensor(out ?? new Float32Array(0), [N, width]);
}

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}

/**
 * Trains `model` with Adam on mini-batches of x, `lossOf` giving each batch's scalar loss;
 * logs the mean loss of every epoch.
 */
function train(name: string, model: Module, lossOf: (x: Tensor) => Tensor, x: Tensor, o: Required<Omit<AutoencoderComparisonOptions, 'dataDir'>>, lr = 1e-3): void {
  const optimizer = new Adam(model.parameters(), { lr });
  const loader = new DataLoader(x, x, { batchSize: o.batchSize, shuffle: true, seed: o.seed });
  model.train();
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const t0 = performance.now();
    let total = 0, count = 0;
    for (const batch of loader) {
      total += tidy(() => {
        optimizer.zeroGrad();
        const loss = lossOf(batch.x);
        loss.backward();
        optimizer.step();
        return loss.item();
      }) * batch.x.shape[0]!;
      count += batch.x.shape[0]!;
    }
    o.log(`  ${name}: epoch ${epoch}/${o.epochs}  loss ${(total / count).toFixed(3)}  (${seconds(t0).toFixed(1)} s)`);
  }
  model.eval();
}

function trainGan(gan: GAN, x: Tensor, o: Required<Omit<AutoencoderComparisonOptions, 'dataDir'>>): void {
  const adam = (m: Module) => new Adam(m.parameters(), { lr: 2e-4, betas: [0.5, 0.999] });
  const optimizers = { generator: adam(gan.generator), discriminator: adam(gan.discriminator) };
  const loader = new DataLoader(x, x, { batchSize: o.batchSize, shuffle: true, seed: o.seed + 1, dropLast: true });
  gan.train();
  for (let epoch = 1; epoch <= o.ganEpochs; epoch++) {
    const t0 = performance.now();
    let d = 0, g = 0, steps = 0;
    for (const batch of loader) {
      const r = tidy(() => gan.trainStep(batch.x, optimizers));
      d += r.discriminatorLoss;
      g += r.generatorLoss;
      steps++;
    }
    o.log(`  GAN: epoch ${epoch}/${o.ganEpochs}  D loss ${(d / steps).toFixed(3)}  G loss ${(g / steps).toFixed(3)}  (${seconds(t0).toFixed(1)} s)`);
  }
  gan.eval();
}

function formatTable(rows: ComparisonRow[]): string[] {
  const header = ['method', 'code', 'test error / image', 'test error / pixel', 'train s'];
  const body = rows.map((r) => [r.method, String(r.codeSize), r.errorPerImage.toFixed(2), r.errorPerPixel.toFixed(5), r.seconds.toFixed(1)]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((b) => b[c]!.length)));
  const line = (cells: string[]) => cells.map((s, c) => (c === 0 ? s.padEnd(widths[c]!) : s.padStart(widths[c]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
}

/** Runs the whole comparison; see the file header. */
export function runAutoencoderComparison(options: AutoencoderComparisonOptions = {}): AutoencoderComparisonResult {
  const quick = options.quick ?? false;
  const o = {
    outDir: resolve(options.outDir ?? 'autoencoders-out'),
    epochs: options.epochs ?? (quick ? 1 : 20),
    ganEpochs: options.ganEpochs ?? (quick ? 1 : 30),
    batchSize: options.batchSize ?? 64,
    codeSize: options.codeSize ?? 30,
    quick,
    seed: options.seed ?? 0,
    log: options.log ?? ((line: string) => process.stdout.write(`${line}\n`)),
  };
  manualSeed(o.seed);
  mkdirSync(o.outDir, { recursive: true });

  const t0 = performance.now();
  const data = loadFashionMnist({ dir: options.dataDir, layout: 'flat', ...(quick ? { subset: { train: 300, test: 60 } } : {}) });
  const xTrain = data.train.x, xTest = data.test.x;
  const labels = Array.from(data.test.y.data);
  o.log(`Fashion-MNIST from ${data.dir}: ${xTrain.shape[0]} training and ${xTest.shape[0]} test images (${seconds(t0).toFixed(1)} s)`);

  const K = o.codeSize;
  // Hidden widths: the full models, or narrow ones for a quick check of the pipeline.
  const [H1, H2] = quick ? [64, 32] : [512, 128];
  const [G1, G2] = quick ? [32, 64] : [256, 512];
  const result: ComparisonRow[] = [];
  const record = (method: string, reconstruction: Tensor, since: number) => {
    const e = errorPerImage(reconstruction, xTest);
    result.push({ method, codeSize: K, errorPerImage: e, errorPerPixel: e / PIXELS, seconds: seconds(since) });
    o.log(`${method}: test reconstruction error ${e.toFixed(2)} per image`);
  };

  // PCA
  o.log(`PCA with ${K} components...`);
  let since = performance.now();
  const pca = new PCA({ nComponents: K }).fit(xTrain);
  const ratio = pca.explainedVarianceRatio.reduce((s, v) => s + v, 0);
  o.log(`  fitted in ${seconds(since).toFixed(1)} s; the ${K} components explain ${(100 * ratio).toFixed(1)}% of the variance`);
  const pcaRec = inChunks(xTest, (x) => pca.inverseTransform(pca.transform(x)));
  record('PCA', pcaRec, since);

  // Shallow nonlinear autoencoder: z = sigmoid(V x), sigmoid output, cross-entropy.
  o.log(`Autoencoder 784-${K}-784 (sigmoid code and output)...`);
  since = performance.now();
  const ae: Autoencoder = shallowAutoencoder(PIXELS, K, { output: 'sigmoid' });
  train('autoencoder', ae, (x) => ae.loss(x), xTrain, o, 3e-3);
  record(`autoencoder (784-${K}-784)`, inChunks(xTest, (x) => ae.forward(x)), since);

  // Deep ReLU autoencoder.
  const sizes = [PIXELS, H1, H2, K];
  o.log(`Deep autoencoder ${[...sizes, ...sizes.slice(0, -1).reverse()].join('-')} (ReLU)...`);
  since = performance.now();
  const deep: Autoencoder = deepAutoencoder(sizes, { output: 'sigmoid' });
  train('deep autoencoder', deep, (x) => deep.loss(x), xTrain, o);
  record(`deep autoencoder (${sizes.join('-')})`, inChunks(xTest, (x) => deep.forward(x)), since);

  for (const line of formatTable(result)) o.log(line);

  const figures: string[] = [];
  const save = (name: string, image: { writePng(path: string): void }) => {
    const path = join(o.outDir, name);
    image.writePng(path);
    figures.push(path);
    o.log(`wrote ${path}`);
  };
  const shown = Math.min(12, xTest.shape[0]!);
  // One test image per class where possible, then the next ones in order.
  const picks: number[] = [];
  for (let c = 0; c < 10 && picks.length < shown; c++) {
    const i = labels.indexOf(c);
    if (i >= 0) picks.push(i);
  }
  for (let i = 0; picks.length < shown; i++) if (!picks.includes(i)) picks.push(i);
  const gather = (t: Tensor) => {
    const out = new Float32Array(picks.length * PIXELS);
    picks.forEach((i, k) => out.set(t.data.subarray(i * PIXELS, (i + 1) * PIXELS), k * PIXELS));
    return out;
  };
  const aeRec = inChunks(xTest, (x) => ae.forward(x));
  const deepRec = inChunks(xTest, (x) => deep.forward(x));
  const grid = new Float32Array(4 * picks.length * PIXELS);
  [xTest, pcaRec, aeRec, deepRec].forEach((t, r) => grid.set(gather(t), r * picks.length * PIXELS));
  save('reconstructions.png', imageGrid(grid, { columns: picks.length, rowLabels: ['original', `PCA ${K}`, `AE ${K}`, `deep AE ${K}`] }));

  // VAE
  const latent = 16;
  o.log(`VAE 784-${H1}-(${latent} mean, ${latent} log-variance)-${H1}-784...`);
  const vae: VariationalAutoencoder = mlpVae(PIXELS, H1, latent);
  train('VAE', vae, (x) => vae.loss(x).loss, xTrain, o);
  save('vae-samples.png', imageGrid(vae.sample(64, new Random(o.seed + 2)), { columns: 8 }));

  // GAN
  o.log(`GAN: generator 64-${G1}-${G2}-784, discriminator 784-${G2}-${G1}-1...`);
  const gan = mlpGan(64, [G1, G2], PIXELS, [G2, G1]);
  trainGan(gan, xTrain, o);
  save('gan-samples.png', imageGrid(gan.sample(64, new Random(o.seed + 3)), { columns: 8 }));

  // 2-D codes: a deep autoencoder with a 2-unit bottleneck, and the first two principal components.
  o.log('Deep autoencoder with a 2-D code for the scatter plot...');
  const deep2: Autoencoder = deepAutoencoder([PIXELS, H1, H2, 2], { output: 'sigmoid' });
  train('2-D deep autoencoder', deep2, (x) => deep2.loss(x), xTrain, o);
  const classNames = data.classes ?? FASHION_MNIST_CLASSES;
  save('codes-2d.png', scatterPlot(inChunks(xTest, (x) => deep2.encode(x)), labels, { title: 'deep autoencoder 2-D codes', classNames }));
  // The first two of the K components are the 2-component PCA.
  const pcaCodes = inChunks(xTest, (x) => pca.transform(x));
  const pca2 = new Float32Array(2 * labels.length);
  for (let i = 0; i < labels.length; i++) pca2.set(pcaCodes.data.subarray(i * K, i * K + 2), 2 * i);
  save('pca-2d.png', scatterPlot(pca2, labels, { title: 'first two principal components', classNames }));

  o.log(`done in ${seconds(t0).toFixed(0)} s`);
  return { rows: result, figures };
}
