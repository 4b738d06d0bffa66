/** Runtime controls every backend answers. */
export interface RuntimeKernels {
  /** Threads the kernels may use (the js backend is single-threaded and always reports 1). */
  getNumThreads(): number;
  setNumThreads(threads: number): void;
}

export const RUNTIME_KERNELS = {
  getNumThreads: true,
  setNumThreads: true,
} as const satisfies Record<keyof RuntimeKernels, true>;
