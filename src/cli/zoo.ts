/**
 * The models `neurite train` can build, by name. Each entry says how it wants the images
 * (flat vectors, NCHW images or sequences of rows) and its default hyperparameters; the
 * models themselves live in src/zoo/. Adding a model: one entry here.
 */
import { mlp, type Module } from '../index';

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
];

export function zooEntry(name: string): ZooEntry | undefined {
  return ZOO.find((e) => e.name === name);
}
