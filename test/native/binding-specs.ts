/**
 * What every function the native addon exports takes, one spec per function. The fuzz test
 * (test/native/fuzz.test.ts) builds valid calls from these specs, then breaks them one
 * argument at a time (wrong types, bad sizes, short or detached buffers, wrong argument
 * counts) and checks the addon either succeeds or throws TypeError/RangeError with a code and
 * a message naming the function, never crashes. It fails when an exported function has no
 * spec here, so a new kernel family cannot skip the fuzzing.
 *
 * How to add a spec for a new binding, e.g. `pool2dMaxForward(x, out, N, C, H, W, K)`:
 *
 *   {
 *     fn: 'pool2dMaxForward',
 *     args: [
 *       f32('x', (a) => a.N * a.C * a.H * a.W),      // Float32Array, minimum length from other args
 *       f32('out', (a) => a.N * a.C * outH(a) * outW(a)),
 *       dim('N'), dim('C'), dim('H'), dim('W'),       // integer >= 0 (dim('K', 1) for >= 1)
 *       dim('K', 1),
 *     ],
 *     fix: (a) => { a.K = Math.min(a.K, a.H, a.W) || 1; },  // optional: make a valid call consistent
 *   },
 *
 * List the arguments in call order. Kinds: bool, op (an enum code in [0, count)), dim (an
 * integer in [min, max]; valid calls draw small values), number (any number, NaN and Inf
 * included), dims (an Array of integers), choice (one of a list of strings), f32 (a Float32Array whose length must be at least
 * `length(args)`, computed from the other arguments by name). `fix(a, rnd)` runs after the
 * scalar arguments are drawn and before buffers are sized; use it for relations such as
 * lda >= K or strides matching a shape. Valid calls get buffers of exactly the needed length
 * plus 0-3 spare elements, filled with random values.
 */

export type Named = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export type ArgSpec =
  | { kind: 'bool'; name: string }
  | { kind: 'op'; name: string; count: number }
  | { kind: 'dim'; name: string; min: number; max: number; validMax: number }
  | { kind: 'number'; name: string }
  | { kind: 'dims'; name: string; minLen: number; maxLen: number; min: number }
  | { kind: 'f32'; name: string; length: (a: Named) => number }
  | { kind: 'choice'; name: string; values: string[] };

export interface BindingSpec {
  fn: string;
  args: ArgSpec[];
  fix?: (a: Named, rnd: () => number) => void;
}

/** Largest dimension the binding accepts (native/binding/args.h kMaxDim). */
export const MAX_DIM = 2147483647;
/** Largest rank of the broadcasting kernels (kMaxRank). */
export const MAX_RANK = 8;

export const bool = (name: string): ArgSpec => ({ kind: 'bool', name });
export const op = (name: string, count: number): ArgSpec => ({ kind: 'op', name, count });
export const num = (name: string): ArgSpec => ({ kind: 'number', name });
/** A string from `values` (all valid on every machine); other strings are RangeErrors. */
export const choice = (name: string, values: string[]): ArgSpec => ({ kind: 'choice', name, values });
export const f32 = (name: string, length: (a: Named) => number): ArgSpec => ({ kind: 'f32', name, length });
export const dim = (name: string, min = 0, max = MAX_DIM, validMax = min + 9): ArgSpec =>
  ({ kind: 'dim', name, min, max, validMax });
export const dims = (name: string, maxLen = MAX_RANK, minLen = 0, min = 0): ArgSpec =>
  ({ kind: 'dims', name, minLen, maxLen, min });

const prod = (s: number[]): number => s.reduce((p, d) => p * d, 1);
/** Elements an operand read through `strides` over `shape` spans. */
const extent = (shape: number[], strides: number[]): number =>
  prod(shape) === 0 ? 0 : 1 + shape.reduce((s, d, i) => s + (d - 1) * strides[i]!, 0);
/** Random broadcast strides for `shape`: contiguous, with some dims stretched (stride 0). */
function randomStrides(shape: number[], rnd: () => number): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (rnd() < 0.3) strides[i] = 0;
    else { strides[i] = stride; stride *= shape[i]!; }
  }
  return strides;
}
const span = (rows: number, cols: number, ld: number): number => (rows === 0 || cols === 0 ? 0 : (rows - 1) * ld + cols);
function fixGemm(a: Named, rnd: () => number): void {
  const pad = () => Math.floor(rnd() * 3);
  a.lda = (a.transA ? a.M : a.K) + pad() || 1;
  a.ldb = (a.transB ? a.K : a.N) + pad() || 1;
  a.ldc = a.N + pad() || 1;
}
const gemmA = (a: Named) => (a.K === 0 ? 0 : span(a.transA ? a.K : a.M, a.transA ? a.M : a.K, a.lda));
const gemmB = (a: Named) => (a.K === 0 ? 0 : span(a.transB ? a.N : a.K, a.transB ? a.K : a.N, a.ldb));
const gemmC = (a: Named) => span(a.M, a.N, a.ldc);
// As native/binding/gemm.cpp checks: A and B only when K > 0, and C whenever batch > 0.
const batched = (one: (a: Named) => number, stride: string, always: boolean) => (a: Named) =>
  a.batch === 0 || (!always && a.K === 0) ? 0 : (a.batch - 1) * a[stride] + one(a);

const BINARY_OPS = 6;
const UNARY_OPS = 11;

export const BINDING_SPECS: BindingSpec[] = [
  // runtime
  { fn: 'setNumThreads', args: [dim('threads', 1, 1024, 4)] },
  { fn: 'getNumThreads', args: [] },
  { fn: 'getIsa', args: [] },
  // Only 'generic' is valid on every machine; the fuzz child runs in its own process.
  { fn: 'setIsa', args: [choice('name', ['generic'])] },
  { fn: 'supportedIsas', args: [] },

  // gemm
  {
    fn: 'sgemm',
    args: [
      bool('transA'), bool('transB'), dim('M'), dim('N'), dim('K'), num('alpha'),
      f32('A', gemmA), dim('lda', 1), f32('B', gemmB), dim('ldb', 1), num('beta'), f32('C', gemmC), dim('ldc', 1),
    ],
    fix: fixGemm,
  },
  {
    fn: 'sgemmBatched',
    args: [
      bool('transA'), bool('transB'), dim('M'), dim('N'), dim('K'), num('alpha'),
      f32('A', batched(gemmA, 'strideA', false)), dim('lda', 1), dim('strideA'),
      f32('B', batched(gemmB, 'strideB', false)), dim('ldb', 1), dim('strideB'), num('beta'),
      f32('C', batched(gemmC, 'strideC', true)), dim('ldc', 1), dim('strideC'), dim('batch', 0, MAX_DIM, 4),
    ],
    fix: (a, rnd) => {
      fixGemm(a, rnd);
      a.strideA = gemmA(a) + Math.floor(rnd() * 3);
      a.strideB = gemmB(a) + Math.floor(rnd() * 3);
      a.strideC = gemmC(a) + Math.floor(rnd() * 3);
    },
  },

  // elementwise
  {
    fn: 'binaryForward',
    args: [
      op('op', BINARY_OPS), f32('a', (a) => extent(a.shape, a.aStrides)), dims('aStrides'),
      f32('b', (a) => extent(a.shape, a.bStrides)), dims('bStrides'), f32('out', (a) => prod(a.shape)), dims('shape'),
    ],
    fix: (a, rnd) => {
      a.shape = a.shape.slice(0, 5);
      a.aStrides = randomStrides(a.shape, rnd);
      a.bStrides = randomStrides(a.shape, rnd);
    },
  },
  {
    fn: 'unbroadcastSum',
    args: [f32('dout', (a) => prod(a.shape)), dims('shape'), f32('dx', (a) => extent(a.shape, a.dxStrides)), dims('dxStrides')],
    fix: (a, rnd) => {
      a.shape = a.shape.slice(0, 5);
      a.dxStrides = randomStrides(a.shape, rnd);
    },
  },
  { fn: 'unaryForward', args: [op('op', UNARY_OPS), f32('x', (a) => a.n), f32('out', (a) => a.n), dim('n', 0, 2 ** 62), num('alpha')] },
  {
    fn: 'unaryBackward',
    args: [
      op('op', UNARY_OPS), f32('x', (a) => a.n), f32('y', (a) => a.n), f32('dout', (a) => a.n), f32('dx', (a) => a.n),
      dim('n', 0, 2 ** 62), num('alpha'),
    ],
  },
  { fn: 'scale', args: [f32('x', (a) => a.n), num('alpha'), f32('out', (a) => a.n), dim('n', 0, 2 ** 62)] },
  { fn: 'axpy', args: [num('alpha'), f32('x', (a) => a.n), f32('y', (a) => a.n), dim('n', 0, 2 ** 62)] },
  { fn: 'biasAddForward', args: [f32('out', (a) => a.M * a.N), f32('bias', (a) => a.N), dim('M'), dim('N')] },
  { fn: 'biasAddBackward', args: [f32('dout', (a) => a.M * a.N), f32('dbias', (a) => a.N), dim('M'), dim('N')] },

  // reduce
  ...['reduceSumForward', 'reduceSumBackward'].map((fn): BindingSpec => ({
    fn,
    args: [
      fn === 'reduceSumForward' ? f32('x', (a) => a.outer * a.n * a.inner) : f32('dout', (a) => a.outer * a.inner),
      fn === 'reduceSumForward' ? f32('out', (a) => a.outer * a.inner) : f32('dx', (a) => a.outer * a.n * a.inner),
      dim('outer'), dim('n'), dim('inner'), num('scale'),
    ],
  })),

  // softmax
  ...['softmaxForward', 'logSoftmaxForward'].map((fn): BindingSpec => ({
    fn,
    args: [f32('x', (a) => a.rows * a.cols), f32('y', (a) => a.rows * a.cols), dim('rows'), dim('cols')],
  })),
  ...['softmaxBackward', 'logSoftmaxBackward'].map((fn): BindingSpec => ({
    fn,
    args: [
      f32('y', (a) => a.rows * a.cols), f32('dout', (a) => a.rows * a.cols), f32('dx', (a) => a.rows * a.cols),
      dim('rows'), dim('cols'),
    ],
  })),
];
