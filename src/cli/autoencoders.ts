/** `neurite autoencoders`: PCA vs autoencoders on Fashion-MNIST, with VAE and GAN samples as PNGs. */
import { runAutoencoderComparison } from '../index';
import { helpText, parseArgs, type CommandSpec } from './args';
import { applyRuntimeOptions, BACKEND_OPTION, out, runtimeLine, THREADS_OPTION, type Command } from './common';

const spec = {
  name: 'autoencoders',
  summary: 'Compare PCA and autoencoders on Fashion-MNIST; write reconstruction, VAE, GAN and code-scatter PNGs.',
  options: {
    data: { type: 'string', description: 'directory with the Fashion-MNIST IDX files (default: the shipped subset)', placeholder: 'dir' },
    out: { type: 'string', description: 'directory for the PNGs', placeholder: 'dir', default: 'autoencoders-out' },
    epochs: { type: 'integer', description: 'epochs for each autoencoder and the VAE (default 20)', min: 1 },
    'gan-epochs': { type: 'integer', description: 'epochs for the GAN (default 30)', min: 1 },
    'batch-size': { type: 'integer', description: 'mini-batch size (default 64)', min: 1 },
    seed: { type: 'integer', description: 'random seed', min: 0 },
    quick: { type: 'boolean', description: 'a few hundred images and one epoch each: checks the pipeline in seconds' },
    backend: BACKEND_OPTION,
    threads: THREADS_OPTION,
  },
  details:
    'Prints the test reconstruction error of PCA with 30 components, a 30-unit nonlinear and a\n' +
    '30-unit deep autoencoder, and writes reconstructions.png (rows: originals, PCA, autoencoder,\n' +
    'deep autoencoder), vae-samples.png, gan-samples.png, codes-2d.png and pca-2d.png.',
  examples: ['neurite autoencoders --out figures', 'neurite autoencoders --quick'],
} satisfies CommandSpec;

async function run(argv: readonly string[]): Promise<number> {
  const { values, help } = parseArgs(spec, argv);
  if (help) return out(helpText(spec)), 0;
  applyRuntimeOptions(values);
  out(`PCA and autoencoders on Fashion-MNIST (${runtimeLine()})\n`);
  runAutoencoderComparison({
    dataDir: values.data, outDir: values.out, epochs: values.epochs, ganEpochs: values['gan-epochs'],
    batchSize: values['batch-size'], seed: values.seed, quick: values.quick, log: (line) => out(line + '\n'),
  });
  return 0;
}

export const autoencodersCommand: Command = { spec, run };
