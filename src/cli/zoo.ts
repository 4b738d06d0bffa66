/**
 * The models `neurite train` can build, by name. Each entry says how it wants the images
 * (flat vectors, NCHW images or sequences of rows) and its default hyperparameters; the
 * models themselves live in src/zoo/. Adding a model: one entry here.
 */
import { GRU, lenet5, LSTM, mlp, SequenceClassifier, smallCnn, type Module } from '../index';

/** Shape of one input image: channels, height, width; and the number of classes. */
export interface DataShape {
  channels: number;
  height: number;
  width: number;
  classes: number;
}

/**
 * How a model takes the images:
 *   'flat'      [N, C*H*W]
 *   'image'     [N, C, H, W]
 *   'sequence'  [N, H, C*W] (each image row is one time step)
 */
export type InputLayout = 'flat' | 'image' | 'sequence';

export interface ZooEntry {
  name: string;
  description: string;
  layout: InputLayout;
  build(shape: DataShape): Module;
  /** Returns why the model cannot take this data, or undefined when it can. */
  accepts?(shape: DataShape): string | undefined;
  defaults: { epochs: number; batchSize: number; optimizer: OptimizerName; lr: number };
}

export type OptimizerName = 'sgd' | 'momentum' | 'adam' | 'adamw' | 'rmsprop';
export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['sgd', 'momentum', 'adam', 'adamw', 'rmsprop'];

export const ZOO: readonly ZooEntry[] = [
  {
    name: 'mlp',
    description: 'multilayer perceptron: flattened image, 256-128 ReLU hidden layers, logits',
    layout: 'flat',
    build: (s) => mlp({ inputSize: s.channels * s.height * s.width, classes: s.classes }),
    defaults: { epochs: 5, batchSize: 64, optimizer: 'adam', lr: 1e-3 },
  },
  {
    name: 'lenet5',
    description: 'LeNet-5: conv 6@5x5, max pool, conv 16@5x5, max pool, fc 120-84, logits (28x28 pads the first conv)',
    layout: 'image',
    build: (s) => lenet5({ inputSize: s.height === 28 ? 28 : 32, inChannels: s.channels, numClasses: s.classes }),
    accepts: (s) => (s.height === s.width && (s.height === 28 || s.height === 32) ? undefined : `LeNet-5 takes 28x28 or 32x32 images, got ${s.height}x${s.width}`),
    defaults: { epochs: 8, batchSize: 64, optimizer: 'adam', lr: 2e-3 },
  },
  {
    name: 'cnn',
    description: 'small CNN for CIFAR-10: conv 32-32, pool, conv 64, pool, fc 256 (sides divisible by 4)',
    layout: 'image',
    accepts: (s) => (s.height % 4 === 0 && s.width % 4 === 0 ? undefined : `needs image sides divisible by 4, got ${s.height}x${s.width}`),
    build: (s) => smallCnn({ inChannels: s.channels, height: s.height, width: s.width, numClasses: s.classes }),
    defaults: { epochs: 5, batchSize: 64, optimizer: 'adam', lr: 1e-3 },
  },
  {
    name: 'lstm',
    description: 'LSTM (128 units) reading each image row as a time step, classified from its last state',
    layout: 'sequence',
    accepts: (s) => (s.channels === 1 ? undefined : `reads rows of 1-channel images, got ${s.channels} channels`),
    build: (s) => new SequenceClassifier(new LSTM(s.width, 128, { batchFirst: true }), s.classes),
    defaults: { epochs: 5, batchSize: 64, optimizer: 'adam', lr: 2e-3 },
  },
  {
    name: 'gru',
    description: 'GRU (128 units) reading each image row as a time step, classified from its last state',
    layout: 'sequence',
    accepts: (s) => (s.channels === 1 ? undefined : `reads rows of 1-channel images, got ${s.channels} channels`),
    build: (s) => new SequenceClassifier(new GRU(s.width, 128, { batchFirst: true }), s.classes),
    defaults: { epochs: 5, batchSize: 64, optimizer: 'adam', lr: 2e-3 },
  },
];

export function zooEntry(name: string): ZooEntry | undefined {
  return ZOO.find((e) => e.name === name);
}
