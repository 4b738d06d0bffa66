/**
 * The pure-TypeScript backend: the fallback where the addon cannot load, the reference in
 * parity tests and the baseline in benchmarks. Single-threaded.
 */
import type { Backend } from '../backend';
import { elementwise } from './elementwise';
import { gemm } from './gemm';
import { loss } from './loss';
import { optim } from './optim';
import { reduce } from './reduce';
import { softmax } from './softmax';

export const jsBackend: Backend = {
  name: 'js',
  getNumThreads: () => 1,
  setNumThreads: () => {},
  ...gemm,
  ...elementwise,
  ...reduce,
  ...softmax,
  ...loss,
  ...optim,
};
