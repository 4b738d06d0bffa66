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

export type BackendName = 'native' | 'js';

export interface Kernels
  extends RuntimeKernels, GemmKernels, ElementwiseKernels, ReduceKernels, SoftmaxKernels {}
export interface Kernels extends LossKernels {}
export interface Kernels extends OptimKernels {}

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
  ...LOSS_KERNELS,
  ...OPTIM_KERNELS,
} satisfies Record<keyof Kernels, true>) as (keyof Kernels)[];
