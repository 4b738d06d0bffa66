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
import { im2col } from './im2col';
import { conv } from './conv';
import { locallyConnected } from './locally_connected';
import { pool } from './pool';
import { rnn } from './rnn';
import { lstm } from './lstm';
import { gru } from './gru';
import { mgu } from './mgu';
import { batchnorm } from './batchnorm';

export const jsBackend: Backend = {
  name: 'js',
  getNumThreads: () => 1,
  setNumThreads: () => {},
  ...gemm,
  ...elementwise,
  ...reduce,
  ...softmax,
  ...im2col,
  ...conv,
  ...locallyConnected,
  ...pool,
  ...loss,
  ...optim,
  ...rnn,
  ...lstm,
  ...gru,
  ...mgu,
  ...batchnorm,
};
