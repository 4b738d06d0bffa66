/**
 * The backend interface: every kernel neurite runs, as one typed table. Two implementations
 * provide all of it: `native` (the C++ addon) and `js` (pure TypeScript, the reference).
 *
 * Adding a kernel family: declare its interface and name table in interface/<family>.ts,
 * extend Backend and KERNEL_NAMES below, then implement it in js/<family>.ts and
 * native/<family>.ts (plus native/kernels and native/binding). A family missing from either
 * backend is a compile error.
 */
import { ELEMENTWISE_KERNELS, type ElementwiseKernels } from './interface/elementwise';
import { GEMM_KERNELS, type GemmKernels } from './interface/gemm';
import { LOSS_KERNELS, type LossKernels } from './interface/loss';
import { OPTIM_KERNELS, type OptimKernels } from './interface/optim';
import { REDUCE_KERNELS, type ReduceKernels } from './interface/reduce';
import { RUNTIME_KERNELS, type RuntimeKernels } from './interface/runtime';
import { SOFTMAX_KERNELS, type SoftmaxKernels } from './interface/softmax';
import { IM2COL_KERNELS, type Im2colKernels } from './interface/im2col';
import { CONV_KERNELS, type ConvKernels } from './interface/conv';
import { LOCALLY_CONNECTED_KERNELS, type LocallyConnectedKernels } from './interface/locally_connected';
import { POOL_KERNELS, type PoolKernels } from './interface/pool';
import { RNN_KERNELS, type RnnKernels } from './interface/rnn';
import { LSTM_KERNELS, type LstmKernels } from './interface/lstm';
import { GRU_KERNELS, type GruKernels } from './interface/gru';
import { MGU_KERNELS, type MguKernels } from './interface/mgu';
import { BATCHNORM_KERNELS, type BatchnormKernels } from './interface/batchnorm';

export type BackendName = 'native' | 'js';

export interface Kernels
  extends RuntimeKernels, GemmKernels, ElementwiseKernels, ReduceKernels, SoftmaxKernels {}
export interface Kernels extends LossKernels {}
export interface Kernels extends OptimKernels {}
export interface Kernels extends Im2colKernels, ConvKernels, LocallyConnectedKernels, PoolKernels {}
export interface Kernels extends RnnKernels, LstmKernels, GruKernels, MguKernels {}
export interface Kernels extends BatchnormKernels {}

export interface Backend extends Kernels {
  readonly name: BackendName;
}

/** Every kernel name, for loaders and tests that walk the whole table. */
export const KERNEL_NAMES = Object.keys({
  ...RUNTIME_KERNELS,
  ...GEMM_KERNELS,
  ...ELEMENTWISE_KERNELS,
  ...REDUCE_KERNELS,
  ...SOFTMAX_KERNELS,
  ...IM2COL_KERNELS,
  ...CONV_KERNELS,
  ...LOCALLY_CONNECTED_KERNELS,
  ...POOL_KERNELS,
  ...LOSS_KERNELS,
  ...OPTIM_KERNELS,
  ...RNN_KERNELS,
  ...LSTM_KERNELS,
  ...GRU_KERNELS,
  ...MGU_KERNELS,
  ...BATCHNORM_KERNELS,
} satisfies Record<keyof Kernels, true>) as (keyof Kernels)[];
