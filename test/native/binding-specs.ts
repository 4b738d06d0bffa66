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
 * `length(args)`, computed from the other arguments by name; an optional third argument
 * `fill(buf, args, rnd)` sets the contents a valid call needs, such as class indices). `fix(a, rnd)` runs after the
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
  | {
      kind: 'f32'; name: string; length: (a: Named) => number;
      fill?: (buf: Float32Array, a: Named, rnd: () => number) => void; emptyOk?: boolean;
    }
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
export const f32 = (name: string, length: (a: Named) => number, fill?: (buf: Float32Array, a: Named, rnd: () => number) => void): ArgSpec =>
  ({ kind: 'f32', name, length, fill });
/** A Float32Array that may also be empty (an optional input such as a mask), else at least `length` long. */
export const f32OrEmpty = (name: string, length: (a: Named) => number): ArgSpec => ({ kind: 'f32', name, length, emptyOk: true });
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
const POINTWISE_LOSSES = 7;
const CLASS_LOSSES = 3;

// Windowed families (im2col, conv, locally connected, pooling): KH, KW, strides, per-side
// padding and dilation, with the output size floor((H + pads - (d*(KH-1)+1)) / s) + 1.
const WINDOW = [
  dim('KH', 1, MAX_DIM, 4), dim('KW', 1, MAX_DIM, 4), dim('strideH', 1, MAX_DIM, 3), dim('strideW', 1, MAX_DIM, 3),
  dim('padTop', 0, MAX_DIM, 2), dim('padBottom', 0, MAX_DIM, 2), dim('padLeft', 0, MAX_DIM, 2), dim('padRight', 0, MAX_DIM, 2),
];
const DILATION = [dim('dilationH', 1, MAX_DIM, 2), dim('dilationW', 1, MAX_DIM, 2)];
const outH = (a: Named): number => Math.floor((a.H + a.padTop + a.padBottom - ((a.dilationH ?? 1) * (a.KH - 1) + 1)) / a.strideH) + 1;
const outW = (a: Named): number => Math.floor((a.W + a.padLeft + a.padRight - ((a.dilationW ?? 1) * (a.KW - 1) + 1)) / a.strideW) + 1;
/** Grows H and W until the output is at least 1x1, so a valid call is consistent. */
function fixWindow(a: Named): void {
  a.H = Math.max(a.H, (a.dilationH ?? 1) * (a.KH - 1) + 1);
  a.W = Math.max(a.W, (a.dilationW ?? 1) * (a.KW - 1) + 1);
}
const planes = (a: Named): number => a.N * a.C;
const convX = (a: Named): number => a.N * a.C * a.H * a.W;
const convOut = (a: Named): number => a.N * a.OC * outH(a) * outW(a);
const convW = (a: Named): number => a.OC * (a.C / a.groups) * a.KH * a.KW;
const lcW = (a: Named): number => outH(a) * outW(a) * a.OC * a.C * a.KH * a.KW;
const lcB = (a: Named): number => (a.hasBias ? a.OC * outH(a) * outW(a) : 0);
const CONV_DIMS = [dim('N', 0, MAX_DIM, 3), dim('C', 0, MAX_DIM, 4), dim('H'), dim('W'), dim('OC', 0, MAX_DIM, 4), ...WINDOW, ...DILATION];
function fixConv(a: Named): void {
  a.C = a.groups * (1 + (a.C % 3));
  a.OC = a.groups * (1 + (a.OC % 3));
  fixWindow(a);
}
const bnX = (a: Named): number => a.N * a.C * a.HW;
const bnC = (a: Named): number => a.C;
const BN_DIMS = [dim('N', 0, MAX_DIM, 3), dim('C', 0, MAX_DIM, 4), dim('HW', 0, MAX_DIM, 6)];
const im2colCol = (a: Named): number => a.C * a.KH * a.KW * outH(a) * outW(a);
const IMAGE_DIMS = [dim('C', 0, MAX_DIM, 4), dim('H'), dim('W'), ...WINDOW, ...DILATION];

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
      dim('n', 0, 2 ** 62), num('alpha'), bool('accumulate'),
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
  // recurrent cells (B, H >= 1; the mask is empty or at least B long)
  ...(() => {
    const BH = (a: Named) => a.B * a.H;
    const G = (a: Named) => (a.forgetGate ? 4 : 3);
    const peep = (a: Named) => (a.peephole ? (G(a) - 1) * a.H : 0);
    const mask = f32OrEmpty('mask', (a) => a.B);
    const B = dim('B', 1), H = dim('H', 1);
    return [
      { fn: 'rnnCellForward', args: [B, H, op('activation', 2), f32('gates', BH), f32('hprev', BH), f32('whh', (a) => a.H * a.H), mask, f32('h', BH)] },
      { fn: 'rnnCellBackward', args: [B, H, op('activation', 2), f32('gates', BH), f32('whh', (a) => a.H * a.H), mask, f32('dh', BH), f32('dgates', BH), f32('dhprev', BH)] },
      {
        fn: 'rnnSequenceForward',
        args: [dim('T'), B, H, op('activation', 2), bool('reverse'), f32('gates', (a) => a.T * BH(a)), f32('whh', (a) => a.H * a.H),
          f32OrEmpty('mask', (a) => a.T * a.B), f32('h', (a) => (a.T + 1) * BH(a))],
      },
      {
        fn: 'rnnSequenceBackward',
        args: [dim('T'), B, H, op('activation', 2), bool('reverse'), f32('gates', (a) => a.T * BH(a)), f32('whh', (a) => a.H * a.H),
          f32OrEmpty('mask', (a) => a.T * a.B), f32('dh', (a) => (a.T + 1) * BH(a)), f32('dgates', (a) => a.T * BH(a))],
      },
      {
        fn: 'lstmCellForward',
        args: [B, H, bool('forgetGate'), bool('peephole'), f32('gates', (a) => G(a) * BH(a)), f32('hprev', BH), f32('cprev', BH),
          f32('whh', (a) => G(a) * a.H * a.H), f32('peep', peep), mask, f32('h', BH), f32('c', BH)],
      },
      {
        fn: 'lstmCellBackward',
        args: [B, H, bool('forgetGate'), bool('peephole'), f32('gates', (a) => G(a) * BH(a)), f32('cprev', BH), f32('c', BH),
          f32('whh', (a) => G(a) * a.H * a.H), f32('peep', peep), mask, f32('dh', BH), f32('dc', BH), f32('dgates', (a) => G(a) * BH(a)),
          f32('dhprev', BH), f32('dcprev', BH), f32('dpeep', peep)],
      },
      {
        fn: 'lstmSequenceForward',
        args: [dim('T'), B, H, bool('forgetGate'), bool('peephole'), bool('reverse'), f32('gates', (a) => a.T * G(a) * BH(a)),
          f32('whh', (a) => G(a) * a.H * a.H), f32('peep', peep), f32OrEmpty('mask', (a) => a.T * a.B),
          f32('h', (a) => (a.T + 1) * BH(a)), f32('c', (a) => (a.T + 1) * BH(a))],
      },
      {
        fn: 'lstmSequenceBackward',
        args: [dim('T'), B, H, bool('forgetGate'), bool('peephole'), bool('reverse'), f32('gates', (a) => a.T * G(a) * BH(a)),
          f32('c', (a) => (a.T + 1) * BH(a)), f32('whh', (a) => G(a) * a.H * a.H), f32('peep', peep),
          f32OrEmpty('mask', (a) => a.T * a.B), f32('dh', (a) => (a.T + 1) * BH(a)), f32('dc', (a) => (a.T + 1) * BH(a)),
          f32('dgates', (a) => a.T * G(a) * BH(a)), f32('dpeep', peep)],
      },
      {
        fn: 'gruCellForward',
        args: [B, H, bool('resetAfter'), f32('gates', (a) => 3 * BH(a)), f32('hprev', BH), f32('whh', (a) => 3 * a.H * a.H), f32('bhh', (a) => 3 * a.H),
          mask, f32('h', BH), f32('aux', BH)],
      },
      {
        fn: 'gruCellBackward',
        args: [B, H, bool('resetAfter'), f32('gates', (a) => 3 * BH(a)), f32('aux', BH), f32('hprev', BH), f32('whh', (a) => 3 * a.H * a.H),
          mask, f32('dh', BH), f32('dgates', (a) => 3 * BH(a)), f32('daux', BH), f32('dhprev', BH)],
      },
      {
        fn: 'gruSequenceForward',
        args: [dim('T'), B, H, bool('resetAfter'), bool('reverse'), f32('gates', (a) => 3 * a.T * BH(a)), f32('whh', (a) => 3 * a.H * a.H),
          f32('bhh', (a) => 3 * a.H), f32OrEmpty('mask', (a) => a.T * a.B), f32('h', (a) => (a.T + 1) * BH(a)), f32('aux', (a) => a.T * BH(a))],
      },
      {
        fn: 'gruSequenceBackward',
        args: [dim('T'), B, H, bool('resetAfter'), bool('reverse'), f32('gates', (a) => 3 * a.T * BH(a)), f32('aux', (a) => a.T * BH(a)),
          f32('h', (a) => (a.T + 1) * BH(a)), f32('whh', (a) => 3 * a.H * a.H), f32OrEmpty('mask', (a) => a.T * a.B),
          f32('dh', (a) => (a.T + 1) * BH(a)), f32('dgates', (a) => 3 * a.T * BH(a)), f32('daux', (a) => a.T * BH(a))],
      },
      {
        fn: 'mguCellForward',
        args: [B, H, f32('gates', (a) => 2 * BH(a)), f32('hprev', BH), f32('whh', (a) => 2 * a.H * a.H), f32('bhh', (a) => 2 * a.H), mask, f32('h', BH), f32('aux', BH)],
      },
      {
        fn: 'mguCellBackward',
        args: [B, H, f32('gates', (a) => 2 * BH(a)), f32('hprev', BH), f32('whh', (a) => 2 * a.H * a.H), mask, f32('dh', BH),
          f32('dgates', (a) => 2 * BH(a)), f32('daux', BH), f32('dhprev', BH)],
      },
      {
        fn: 'mguSequenceForward',
        args: [dim('T'), B, H, bool('reverse'), f32('gates', (a) => 2 * a.T * BH(a)), f32('whh', (a) => 2 * a.H * a.H),
          f32('bhh', (a) => 2 * a.H), f32OrEmpty('mask', (a) => a.T * a.B), f32('h', (a) => (a.T + 1) * BH(a)), f32('aux', (a) => a.T * BH(a))],
      },
      {
        fn: 'mguSequenceBackward',
        args: [dim('T'), B, H, bool('reverse'), f32('gates', (a) => 2 * a.T * BH(a)), f32('h', (a) => (a.T + 1) * BH(a)),
          f32('whh', (a) => 2 * a.H * a.H), f32OrEmpty('mask', (a) => a.T * a.B), f32('dh', (a) => (a.T + 1) * BH(a)),
          f32('dgates', (a) => 2 * a.T * BH(a)), f32('daux', (a) => a.T * BH(a))],
      },
    ] satisfies BindingSpec[];
  })(),
  ...['softmaxBackward', 'logSoftmaxBackward'].map((fn): BindingSpec => ({
    fn,
    args: [
      f32('y', (a) => a.rows * a.cols), f32('dout', (a) => a.rows * a.cols), f32('dx', (a) => a.rows * a.cols),
      dim('rows'), dim('cols'),
    ],
  })),

  // loss
  ...['pointwiseLossForward', 'pointwiseLossBackward'].map((fn): BindingSpec => ({
    fn,
    args: [
      op('kind', POINTWISE_LOSSES), f32('y', (a) => a.n), f32('t', (a) => a.n),
      fn === 'pointwiseLossForward' ? f32('out', () => 1) : f32('dy', (a) => a.n),
      dim('n', 0, MAX_DIM, 40), num('param'), num('scale'),
    ],
  })),
  ...['classLossForward', 'classLossBackward'].map((fn): BindingSpec => ({
    fn,
    args: [
      op('kind', CLASS_LOSSES), f32('y', (a) => a.N * a.C),
      // Valid calls hold class indices in [0, C); the binding refuses anything else.
      f32('t', (a) => a.N, (buf, a, rnd) => { for (let i = 0; i < buf.length; i++) buf[i] = Math.floor(rnd() * a.C); }),
      fn === 'classLossForward' ? f32('out', () => 1) : f32('dy', (a) => a.N * a.C),
      dim('N'), dim('C', 1), num('scale'),
    ],
  })),

  // optim
  {
    fn: 'sgdStep',
    args: [
      f32('param', (a) => a.n), f32('grad', (a) => a.n), f32('buf', (a) => (Math.fround(a.momentum) !== 0 ? a.n : 0)), dim('n', 0, 2 ** 62, 40),
      num('lr'), num('momentum'), num('dampening'), num('weightDecay'), bool('nesterov'), bool('firstStep'),
    ],
  },
  {
    fn: 'adamStep',
    args: [
      f32('param', (a) => a.n), f32('grad', (a) => a.n), f32('expAvg', (a) => a.n), f32('expAvgSq', (a) => a.n), dim('n', 0, 2 ** 62, 40),
      num('lr'), num('beta1'), num('beta2'), num('eps'), num('weightDecay'), dim('step', 1, Number.MAX_SAFE_INTEGER), bool('decoupled'),
    ],
  },
  {
    fn: 'rmspropStep',
    args: [
      f32('param', (a) => a.n), f32('grad', (a) => a.n), f32('squareAvg', (a) => a.n), f32('buf', (a) => (Math.fround(a.momentum) > 0 ? a.n : 0)),
      dim('n', 0, 2 ** 62, 40), num('lr'), num('alpha'), num('eps'), num('weightDecay'), num('momentum'),
    ],
  },
  { fn: 'penaltyGrad', args: [f32('param', (a) => a.n), f32('grad', (a) => a.n), dim('n', 0, 2 ** 62, 40), num('l1'), num('l2')] },
  { fn: 'maxNormRows', args: [f32('weight', (a) => a.rows * a.cols), dim('rows'), dim('cols'), num('maxNorm')] },
  { fn: 'clipValue', args: [f32('x', (a) => a.n), dim('n', 0, 2 ** 62, 40), num('lo'), num('hi')] },
  { fn: 'sumSquares', args: [f32('x', (a) => a.n), dim('n', 0, 2 ** 62, 40), f32('out', () => 1)] },
  // im2col
  { fn: 'im2col', args: [f32('x', (a) => a.C * a.H * a.W), f32('col', im2colCol), ...IMAGE_DIMS], fix: fixWindow },
  { fn: 'col2im', args: [f32('col', im2colCol), f32('dx', (a) => a.C * a.H * a.W), ...IMAGE_DIMS], fix: fixWindow },

  // conv
  {
    fn: 'conv2dForward',
    args: [f32('x', convX), f32('weight', convW), f32('bias', (a) => (a.hasBias ? a.OC : 0)), bool('hasBias'), f32('out', convOut), ...CONV_DIMS, dim('groups', 1, MAX_DIM, 3)],
    fix: fixConv,
  },
  {
    fn: 'conv2dBackwardInput',
    args: [f32('dout', convOut), f32('weight', convW), f32('dx', convX), ...CONV_DIMS, dim('groups', 1, MAX_DIM, 3), bool('accumulate')],
    fix: fixConv,
  },
  {
    fn: 'conv2dBackwardWeight',
    args: [f32('x', convX), f32('dout', convOut), f32('dweight', convW), ...CONV_DIMS, dim('groups', 1, MAX_DIM, 3)],
    fix: fixConv,
  },
  { fn: 'conv2dBackwardBias', args: [f32('dout', (a) => a.N * a.OC * a.P), f32('dbias', (a) => a.OC), dim('N'), dim('OC'), dim('P')] },

  // locally connected
  {
    fn: 'locallyConnected2dForward',
    args: [f32('x', convX), f32('weight', lcW), f32('bias', lcB), bool('hasBias'), f32('out', convOut), ...CONV_DIMS],
    fix: fixWindow,
  },
  {
    fn: 'locallyConnected2dBackwardInput',
    args: [f32('dout', convOut), f32('weight', lcW), f32('dx', convX), ...CONV_DIMS],
    fix: fixWindow,
  },
  {
    fn: 'locallyConnected2dBackwardWeight',
    args: [f32('x', convX), f32('dout', convOut), f32('dweight', lcW), f32('dbias', lcB), bool('hasBias'), ...CONV_DIMS],
    fix: fixWindow,
  },

  // pool
  {
    fn: 'maxPool2dForward',
    args: [
      f32('x', (a) => planes(a) * a.H * a.W), f32('out', (a) => planes(a) * outH(a) * outW(a)), f32('argmax', (a) => planes(a) * outH(a) * outW(a)),
      dim('N', 0, MAX_DIM, 3), dim('C', 0, MAX_DIM, 3), dim('H'), dim('W'), ...WINDOW, ...DILATION,
    ],
    fix: fixWindow,
  },
  {
    fn: 'maxPool2dBackward',
    args: [
      f32('dout', (a) => a.NC * a.P), f32('argmax', (a) => a.NC * a.P), f32('dx', (a) => a.NC * a.HW), dim('NC'), dim('HW'), dim('P'), dim('W'), dim('K'),
      bool('accumulate'),
    ],
  },
  ...['avgPool2dForward', 'avgPool2dBackward'].map((fn): BindingSpec => ({
    fn,
    args: [
      fn === 'avgPool2dForward' ? f32('x', (a) => planes(a) * a.H * a.W) : f32('dout', (a) => planes(a) * outH(a) * outW(a)),
      fn === 'avgPool2dForward' ? f32('out', (a) => planes(a) * outH(a) * outW(a)) : f32('dx', (a) => planes(a) * a.H * a.W),
      dim('N', 0, MAX_DIM, 3), dim('C', 0, MAX_DIM, 3), dim('H'), dim('W'), ...WINDOW, bool('countIncludePad'),
    ],
    fix: fixWindow,
  })),
  ...['adaptiveAvgPool2dForward', 'adaptiveAvgPool2dBackward'].map((fn): BindingSpec => ({
    fn,
    args: [
      fn === 'adaptiveAvgPool2dForward' ? f32('x', (a) => a.NC * a.H * a.W) : f32('dout', (a) => a.NC * a.OH * a.OW),
      fn === 'adaptiveAvgPool2dForward' ? f32('out', (a) => a.NC * a.OH * a.OW) : f32('dx', (a) => a.NC * a.H * a.W),
      dim('NC'), dim('H', 1), dim('W', 1), dim('OH', 1), dim('OW', 1),
    ],
  })),

  // batchnorm: per-channel arrays are empty when absent
  {
    fn: 'batchNorm2dForwardTrain',
    args: [
      f32('x', bnX), f32OrEmpty('weight', bnC), f32OrEmpty('bias', bnC), f32('out', bnX), f32('saveMean', bnC), f32('saveInvstd', bnC),
      f32OrEmpty('runningMean', bnC), f32OrEmpty('runningVar', bnC), ...BN_DIMS, num('momentum'), num('eps'),
    ],
  },
  {
    fn: 'batchNorm2dForwardEval',
    args: [
      f32('x', bnX), f32OrEmpty('weight', bnC), f32OrEmpty('bias', bnC), f32('runningMean', bnC), f32('runningVar', bnC),
      f32('out', bnX), f32('saveMean', bnC), f32('saveInvstd', bnC), ...BN_DIMS, num('eps'),
    ],
  },
  {
    fn: 'batchNorm2dBackward',
    args: [
      f32('dout', bnX), f32('x', bnX), f32OrEmpty('weight', bnC), f32('saveMean', bnC), f32('saveInvstd', bnC),
      f32OrEmpty('dx', bnX), f32OrEmpty('dweight', bnC), f32OrEmpty('dbias', bnC), ...BN_DIMS, bool('training'),
    ],
  },
];
