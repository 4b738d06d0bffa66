/**
 * Recurrent layers after torch.nn: RNN, LSTM, GRU and MGU, stacked (numLayers), optionally
 * bidirectional, with dropout between layers, batch-first or time-major input, initial states,
 * and variable-length batches (lengths or a mask).
 *
 * Parameters are named, shaped and ordered as PyTorch's (weight_ih_l{k}[_reverse] (G*H, I_k),
 * weight_hh_l{k} (G*H, H), bias_ih_l{k}, bias_hh_l{k}; LSTM gates i, f, g, o; GRU r, z, n), so
 * a PyTorch LSTM or GRU state dict loads as is. Extras PyTorch lacks: LSTM peepholes
 * (weight_ch_l{k}: P_i, [P_f,] P_o), the LSTM without forget gate (gates i, g, o), GRU with the
 * reset before the recurrent product (resetAfter: false), and the MGU (gates f, n).
 *
 * Each layer and direction runs as one op (ops/recurrent.ts: fused cell kernels per step, BPTT
 * in its backward); the layer only wires them together.
 *
 * Shapes: T steps, B batch, I input features, H hidden units, L layers, D directions (1 or 2).
 */
import { isGradEnabled } from '../autograd';
import { mul } from '../ops/binary';
import { dropout } from '../ops/dropout';
import { randUniform, tensor, zeros } from '../ops/creation';
import { cat, narrow0, swapAxes01 } from '../ops/sequence';
import { reshape } from '../ops/shape';
import { cellGates, recurrentScan, type CellSpec } from '../ops/recurrent';
import { describe, formatShape, Tensor } from '../tensor';
import { Module } from './module';
import { registerModuleClass } from './registry';

export interface RecurrentOptions {
  /** Stacked layers (default 1). */
  numLayers?: number;
  /** Add bias_ih and bias_hh (default true). */
  bias?: boolean;
  /** Input and output are (B, T, features) instead of (T, B, features) (default false). */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, in training (default 0). */
  dropout?: number;
  /** Run a second, reversed direction and concatenate (default false). */
  bidirectional?: boolean;
}

export interface RnnOptions extends RecurrentOptions {
  nonlinearity?: 'tanh' | 'relu';
}

export interface LstmOptions extends RecurrentOptions {
  /** With a forget gate (default true); false is the original 1997 LSTM: C_t = C_{t-1} + i * g. */
  forgetGate?: boolean;
  /** Gates i, f, o also see the cell state through diagonal weights (default false). */
  peephole?: boolean;
}

export interface GruOptions extends RecurrentOptions {
  /**
   * true (default): PyTorch/cuDNN, n = tanh(W_in x + b_in + r * (W_hn h + b_hn)),
   * h_t = (1 - z) * n + z * h_{t-1}. false: the reset before the product (Keras
   * reset_after=False, the course), n = tanh(W_in x + b_in + W_hn (r * h) + b_hn),
   * h_t = (1 - z) * h_{t-1} + z * n.
   */
  resetAfter?: boolean;
}

export interface RecurrentState {
  /** (L*D, B, H) */ h?: Tensor;
  /** (L*D, B, H), LSTM only */ c?: Tensor;
}

export interface RunOptions {
  /** Length of each sequence in the batch (B numbers in [0, T]); later steps are padding. */
  lengths?: readonly number[];
  /** 1 for real steps, 0 for padding: (T, B), or (B, T) when batchFirst. */
  mask?: Tensor;
}

export interface RecurrentResult {
  /** (T, B, D*H), or (B, T, D*H) when batchFirst; zero at padded steps. */
  output: Tensor;
  /** Final hidden state of every layer and direction, (L*D, B, H): at each row's last real step. */
  h: Tensor;
  /** Final cell state (LSTM only), (L*D, B, H). */
  c?: Tensor;
}

function positiveInt(cls: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new RangeError(`${cls}: ${name} must be a positive integer, got ${describe(v)}`);
  }
  return v;
}

/** The time loop and layer wiring shared by RNN, LSTM, GRU and MGU. */
export abstract class RecurrentBase extends Module {
  static override className = 'RecurrentBase';
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  protected readonly spec: CellSpec;

  constructor(cls: string, spec: CellSpec, inputSize: number, hiddenSize: number, options: RecurrentOptions) {
    super();
    this.inputSize = positiveInt(cls, 'inputSize', inputSize);
    this.hiddenSize = positiveInt(cls, 'hiddenSize', hiddenSize);
    this.numLayers = positiveInt(cls, 'numLayers', options.numLayers ?? 1);
    this.bias = options.bias ?? true;
    this.batchFirst = options.batchFirst ?? false;
    this.dropout = options.dropout ?? 0;
    if (!(typeof this.dropout === 'number' && this.dropout >= 0 && this.dropout < 1)) {
      throw new RangeError(`${cls}: dropout must be in [0, 1), got ${describe(options.dropout)}`);
    }
    this.bidirectional = options.bidirectional ?? false;
    this.spec = spec;
    const H = this.hiddenSize, GH = cellGates(spec) * H;
    const bound = 1 / Math.sqrt(H);
    const init = (shape: number[]) => randUniform(shape, -bound, bound);
    for (let l = 0; l < this.numLayers; l++) {
      const inSize = l === 0 ? this.inputSize : H * this.directions;
      for (let d = 0; d < this.directions; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        this.registerParameter(`weight_ih${sfx}`, init([GH, inSize]));
        this.registerParameter(`weight_hh${sfx}`, init([GH, H]));
        if (this.bias) {
          this.registerParameter(`bias_ih${sfx}`, init([GH]));
          this.registerParameter(`bias_hh${sfx}`, init([GH]));
        }
        if (spec.kind === 'lstm' && spec.peephole) this.registerParameter(`weight_ch${sfx}`, init([(cellGates(spec) - 1) * H]));
      }
    }
  }

  get directions(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** The output sequence only (see run() for the final states and options). */
  override forward(x: Tensor, h0?: Tensor, c0?: Tensor): Tensor {
    return this.run(x, { h: h0, c: c0 }).output;
  }

  /**
   * Runs the layers over x: (T, B, I), or (B, T, I) when batchFirst. state.h (and state.c for
   * LSTMs) are the initial states, (L*D, B, H), zeros when omitted. Returns the output sequence
   * and the final states. Truncated BPTT: feed the final states of one chunk, detached, as the
   * initial states of the next.
   */
  run(x: Tensor, state: RecurrentState = {}, options: RunOptions = {}): RecurrentResult {
    const cls = this.className;
    if (!(x instanceof Tensor) || x.rank !== 3) {
      throw new RangeError(`${cls}: x must be a 3-D tensor ${this.batchFirst ? '(B, T, I)' : '(T, B, I)'}, got ${x instanceof Tensor ? formatShape(x.shape) : describe(x)}`);
    }
    const [T, B] = (this.batchFirst ? [x.shape[1], x.shape[0]] : [x.shape[0], x.shape[1]]) as [number, number];
    if (x.shape[2] !== this.inputSize) {
      throw new RangeError(`${cls}: x has ${x.shape[2]} features, the layer expects inputSize ${this.inputSize}`);
    }
    const H = this.hiddenSize, L = this.numLayers, D = this.directions;
    const lstm = this.spec.kind === 'lstm';
    const stateShape = [L * D, B, H];
    const checkState = (name: string, t: Tensor | undefined) => {
      if (t === undefined) return zeros(stateShape);
      if (!(t instanceof Tensor) || t.rank !== 3 || t.shape.some((d, i) => d !== stateShape[i])) {
        throw new RangeError(`${cls}: initial state ${name} must have shape ${formatShape(stateShape)}, got ${t instanceof Tensor ? formatShape(t.shape) : describe(t)}`);
      }
      return t;
    };
    const h0 = checkState('h', state.h);
    const c0 = lstm ? checkState('c', state.c) : null;
    const mask = this.maskFor(options, T, B);
    const maskTensor = mask ? tensor(mask, [T, B, 1]) : null;

    let input = this.batchFirst ? swapAxes01(x) : x;
    const hFinal: Tensor[] = [], cFinal: Tensor[] = [];
    for (let l = 0; l < L; l++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < D; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        const p = (name: string) => this.getParameter(`${name}${sfx}`) ?? null;
        const row = l * D + d;
        const hInit = reshape(narrow0(h0, row, 1), [B, H]);
        const cInit = c0 ? reshape(narrow0(c0, row, 1), [B, H]) : null;
        const Y = recurrentScan(this.spec, input, hInit, cInit, {
          weightIh: p('weight_ih')!, weightHh: p('weight_hh')!, biasIh: p('bias_ih'), biasHh: p('bias_hh'), peephole: p('weight_ch'),
        }, { reverse: d === 1, mask });
        outs.push(narrow0(Y, d === 1 ? 0 : 1, T));
        const last = d === 1 ? 0 : T;
        hFinal.push(narrow0(Y, last, 1));
        if (lstm) cFinal.push(narrow0(Y, T + 1 + last, 1));
      }
      let out = D === 1 ? outs[0]! : cat(outs, 2);
      if (maskTensor) out = mul(out, maskTensor);
      if (l < L - 1 && this.dropout > 0 && this.training && isGradEnabled()) out = dropout(out, this.dropout);
      input = out;
    }
    const output = this.batchFirst ? swapAxes01(input) : input;
    const h = hFinal.length === 1 ? hFinal[0]! : cat(hFinal, 0);
    const result: RecurrentResult = { output, h };
    if (lstm) result.c = cFinal.length === 1 ? cFinal[0]! : cat(cFinal, 0);
    return result;
  }

  /** (T, B) mask from lengths or a mask tensor; null when every step is real. */
  private maskFor(options: RunOptions, T: number, B: number): Float32Array | null {
    const cls = this.className;
    if (options.lengths !== undefined && options.mask !== undefined) throw new RangeError(`${cls}: give lengths or mask, not both`);
    if (options.lengths !== undefined) {
      const lengths = options.lengths;
      if (!Array.isArray(lengths) || lengths.length !== B) throw new RangeError(`${cls}: lengths must be an array of B = ${B} numbers, got ${describe(lengths)}`);
      const m = new Float32Array(T * B);
      lengths.forEach((n, b) => {
        if (!(Number.isInteger(n) && n >= 0 && n <= T)) throw new RangeError(`${cls}: lengths[${b}] must be an integer in [0, ${T}], got ${describe(n)}`);
        for (let t = 0; t < n; t++) m[t * B + b] = 1;
      });
      return m;
    }
    if (options.mask !== undefined) {
      const mt = options.mask;
      const want = this.batchFirst ? [B, T] : [T, B];
      if (!(mt instanceof Tensor) || mt.rank !== 2 || mt.shape[0] !== want[0] || mt.shape[1] !== want[1]) {
        throw new RangeError(`${cls}: mask must have shape ${formatShape(want)}, got ${mt instanceof Tensor ? formatShape(mt.shape) : describe(mt)}`);
      }
      const m = new Float32Array(T * B);
      for (let t = 0; t < T; t++) {
        for (let b = 0; b < B; b++) m[t * B + b] = (this.batchFirst ? mt.data[b * T + t]! : mt.data[t * B + b]!) !== 0 ? 1 : 0;
      }
      return m;
    }
    return null;
  }

  override getConfig(): Record<string, unknown> {
    return {
      inputSize: this.inputSize, hiddenSize: this.hiddenSize, numLayers: this.numLayers, bias: this.bias,
      batchFirst: this.batchFirst, dropout: this.dropout, bidirectional: this.bidirectional,
    };
  }
}

/** Elman RNN: h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh), act = tanh (default) or relu. */
export class RNN extends RecurrentBase {
  static override className = 'RNN';
  readonly nonlinearity: 'tanh' | 'relu';
  constructor(inputSize: number, hiddenSize: number, options: RnnOptions = {}) {
    const act = options.nonlinearity ?? 'tanh';
    if (act !== 'tanh' && act !== 'relu') throw new RangeError(`RNN: nonlinearity must be "tanh" or "relu", got ${describe(act)}`);
    super('RNN', { kind: 'rnn', activation: act }, inputSize, hiddenSize, options);
    this.nonlinearity = act;
  }
  static fromConfig(c: Record<string, unknown>): RNN {
    return new RNN(c.inputSize as number, c.hiddenSize as number, c as RnnOptions);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), nonlinearity: this.nonlinearity };
  }
}

/** LSTM with PyTorch's parameter layout; forgetGate and peephole select the variants. */
export class LSTM extends RecurrentBase {
  static override className = 'LSTM';
  readonly forgetGate: boolean;
  readonly peephole: boolean;
  constructor(inputSize: number, hiddenSize: number, options: LstmOptions = {}) {
    const forgetGate = options.forgetGate ?? true, peephole = options.peephole ?? false;
    super('LSTM', { kind: 'lstm', forgetGate, peephole }, inputSize, hiddenSize, options);
    this.forgetGate = forgetGate;
    this.peephole = peephole;
  }
  static fromConfig(c: Record<string, unknown>): LSTM {
    return new LSTM(c.inputSize as number, c.hiddenSize as number, c as LstmOptions);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), forgetGate: this.forgetGate, peephole: this.peephole };
  }
}

/** GRU with PyTorch's parameter layout (gates r, z, n); resetAfter picks the convention. */
export class GRU extends RecurrentBase {
  static override className = 'GRU';
  readonly resetAfter: boolean;
  constructor(inputSize: number, hiddenSize: number, options: GruOptions = {}) {
    const resetAfter = options.resetAfter ?? true;
    super('GRU', { kind: 'gru', resetAfter }, inputSize, hiddenSize, options);
    this.resetAfter = resetAfter;
  }
  static fromConfig(c: Record<string, unknown>): GRU {
    return new GRU(c.inputSize as number, c.hiddenSize as number, c as GruOptions);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), resetAfter: this.resetAfter };
  }
}

/** Minimal Gated Unit (gates f, n): h_t = (1 - f) h_{t-1} + f tanh(W_in x + W_hn (f * h_{t-1}) + b). */
export class MGU extends RecurrentBase {
  static override className = 'MGU';
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super('MGU', { kind: 'mgu' }, inputSize, hiddenSize, options);
  }
  static fromConfig(c: Record<string, unknown>): MGU {
    return new MGU(c.inputSize as number, c.hiddenSize as number, c as RecurrentOptions);
  }
}

for (const cls of [RNN, LSTM, GRU, MGU]) registerModuleClass(cls);
