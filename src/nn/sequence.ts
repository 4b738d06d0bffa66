/**
 * Sequence heads and tasks on top of the recurrent layers:
 *
 * - StepOutput: a dense layer applied at every step, y_t = W h_t + b (logits), with
 *   softmax(y_t) through probabilities();
 * - SequenceClassifier: a recurrent layer, then a dense layer on the last state (the final
 *   hidden state of the top layer, both directions) or on the mean of the outputs over the real
 *   steps;
 * - Seq2Seq: an encoder whose final states start a decoder (teacher forcing in training, greedy
 *   decoding for inference), with a StepOutput on the decoder.
 *
 * Shapes: T steps, B batch, H hidden units, D directions, C classes, V output size.
 */
import { div } from '../ops/binary';
import { randUniform, tensor } from '../ops/creation';
import { linear } from '../ops/matmul';
import { sum } from '../ops/reduce';
import { narrow0, swapAxes01 } from '../ops/sequence';
import { reshape } from '../ops/shape';
import { softmax } from '../ops/softmax';
import { crossEntropy } from '../ops/loss';
import { noGrad } from '../autograd';
import { describe, formatShape, Tensor } from '../tensor';
import { Module } from './module';
import type { RecurrentBase, RecurrentState, RunOptions } from './recurrent';
import { moduleFromConfig, moduleToConfig, registerModuleClass, type ModuleConfig } from './registry';

function positiveInt(cls: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new RangeError(`${cls}: ${name} must be a positive integer, got ${describe(v)}`);
  return v;
}

/** The same dense layer at every step: (..., H) -> (..., V) logits. PyTorch-style init. */
export class StepOutput extends Module {
  static override className = 'StepOutput';
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Tensor;
  readonly bias: Tensor;

  constructor(inFeatures: number, outFeatures: number) {
    super();
    this.inFeatures = positiveInt('StepOutput', 'inFeatures', inFeatures);
    this.outFeatures = positiveInt('StepOutput', 'outFeatures', outFeatures);
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = this.registerParameter('weight', randUniform([outFeatures, inFeatures], -bound, bound));
    this.bias = this.registerParameter('bias', randUniform([outFeatures], -bound, bound));
  }

  /** Logits W h_t + b for every step: h is (..., inFeatures). */
  override forward(h: Tensor): Tensor {
    if (!(h instanceof Tensor) || h.rank < 1 || h.shape[h.rank - 1] !== this.inFeatures) {
      throw new RangeError(`StepOutput: input must end in ${this.inFeatures} features, got ${h instanceof Tensor ? formatShape(h.shape) : describe(h)}`);
    }
    const lead = h.shape.slice(0, -1);
    const y = linear(reshape(h, [-1, this.inFeatures]), this.weight, this.bias);
    return reshape(y, [...lead, this.outFeatures]);
  }

  /** y_t = softmax(W h_t + b) for every step. */
  probabilities(h: Tensor): Tensor {
    return softmax(this.forward(h));
  }

  override getConfig(): Record<string, unknown> {
    return { inFeatures: this.inFeatures, outFeatures: this.outFeatures };
  }

  static fromConfig(c: Record<string, unknown>): StepOutput {
    return new StepOutput(c.inFeatures as number, c.outFeatures as number);
  }
}

export interface SequenceClassifierOptions {
  /** 'last' (default): the top layer's final hidden state(s); 'mean': the outputs averaged over real steps. */
  pooling?: 'last' | 'mean';
}

/** Classifies whole sequences: logits (B, C) from a recurrent layer and a dense head. */
export class SequenceClassifier extends Module {
  static override className = 'SequenceClassifier';
  readonly rnn: RecurrentBase;
  readonly head: StepOutput;
  readonly pooling: 'last' | 'mean';

  constructor(rnn: RecurrentBase, numClasses: number, options: SequenceClassifierOptions = {}) {
    super();
    this.pooling = options.pooling ?? 'last';
    if (this.pooling !== 'last' && this.pooling !== 'mean') throw new RangeError(`SequenceClassifier: pooling must be "last" or "mean", got ${describe(this.pooling)}`);
    this.rnn = this.registerModule('rnn', rnn);
    this.head = this.registerModule('head', new StepOutput(rnn.hiddenSize * rnn.directions, positiveInt('SequenceClassifier', 'numClasses', numClasses)));
  }

  /** x as the recurrent layer takes it; lengths mark padding. Returns logits (B, C). */
  override forward(x: Tensor, lengths?: Tensor): Tensor {
    return this.classify(x, lengths ? { lengths: Array.from(lengths.data) } : {});
  }

  override getConfig(): Record<string, unknown> {
    return { rnn: moduleToConfig(this.rnn), numClasses: this.head.outFeatures, pooling: this.pooling };
  }

  static fromConfig(c: Record<string, unknown>): SequenceClassifier {
    return new SequenceClassifier(moduleFromConfig(c.rnn as ModuleConfig) as RecurrentBase, c.numClasses as number, { pooling: c.pooling as 'last' | 'mean' });
  }

  classify(x: Tensor, options: RunOptions = {}): Tensor {
    const r = this.rnn.run(x, {}, options);
    const { numLayers: L, directions: D, hiddenSize: H } = this.rnn;
    let pooled: Tensor;
    if (this.pooling === 'last') {
      const top = narrow0(r.h, (L - 1) * D, D); // (D, B, H)
      const B = top.shape[1]!;
      pooled = reshape(swapAxes01(top), [B, D * H]);
    } else {
      const out = this.rnn.batchFirst ? swapAxes01(r.output) : r.output; // (T, B, D*H), zero at padding
      const [T, B] = out.shape as [number, number];
      const lengths = options.lengths ?? (options.mask ? null : new Array<number>(B).fill(T));
      const counts = lengths ?? countSteps(options.mask!, this.rnn.batchFirst, T, B);
      pooled = div(sum(out, 0), tensor(counts.map((n) => Math.max(n, 1)), [B, 1]));
    }
    return this.head.forward(pooled);
  }
}

function countSteps(mask: Tensor, batchFirst: boolean, T: number, B: number): number[] {
  const counts = new Array<number>(B).fill(0);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) if ((batchFirst ? mask.data[b * T + t] : mask.data[t * B + b]) !== 0) counts[b]! += 1;
  return counts;
}

/**
 * Encoder-decoder: the encoder's final states (h, and c for LSTMs) are the decoder's initial
 * states, so both must have the same cell kind, numLayers and hiddenSize, one direction each.
 * The decoder is time-major or batch-first as constructed; outputs follow it.
 */
export class Seq2Seq extends Module {
  static override className = 'Seq2Seq';
  readonly encoder: RecurrentBase;
  readonly decoder: RecurrentBase;
  readonly head: StepOutput;

  constructor(encoder: RecurrentBase, decoder: RecurrentBase, outputSize: number) {
    super();
    if (encoder.bidirectional || decoder.bidirectional) throw new RangeError('Seq2Seq: encoder and decoder must be unidirectional');
    if (encoder.numLayers !== decoder.numLayers || encoder.hiddenSize !== decoder.hiddenSize || encoder.className !== decoder.className) {
      throw new RangeError(`Seq2Seq: encoder (${encoder.className}, ${encoder.numLayers} layers, hidden ${encoder.hiddenSize}) and decoder (${decoder.className}, ${decoder.numLayers} layers, hidden ${decoder.hiddenSize}) must match`);
    }
    this.encoder = this.registerModule('encoder', encoder);
    this.decoder = this.registerModule('decoder', decoder);
    this.head = this.registerModule('head', new StepOutput(decoder.hiddenSize, outputSize));
  }

  override getConfig(): Record<string, unknown> {
    return { encoder: moduleToConfig(this.encoder), decoder: moduleToConfig(this.decoder), outputSize: this.head.outFeatures };
  }

  static fromConfig(c: Record<string, unknown>): Seq2Seq {
    return new Seq2Seq(moduleFromConfig(c.encoder as ModuleConfig) as RecurrentBase, moduleFromConfig(c.decoder as ModuleConfig) as RecurrentBase, c.outputSize as number);
  }

  /** The encoder's final states for a source batch. */
  encode(source: Tensor, options: RunOptions = {}): RecurrentState {
    const r = this.encoder.run(source, {}, options);
    return { h: r.h, c: r.c };
  }

  /** Teacher forcing: logits (T', B, V) (batch-first if the decoder is) for the decoder inputs. */
  override forward(source: Tensor, decoderInput: Tensor): Tensor {
    const state = this.encode(source);
    return this.head.forward(this.decoder.run(decoderInput, state).output);
  }

  /**
   * Greedy decoding without gradients: starts from `start` (one step of decoder input, (1, B, I)
   * or (B, 1, I) when batch-first), feeds each step's most likely output back through `embed`
   * (ids of length B -> one step of decoder input) and returns the ids, steps x B.
   */
  greedyDecode(source: Tensor, start: Tensor, steps: number, embed: (ids: number[]) => Tensor): number[][] {
    return noGrad(() => {
      let state = this.encode(source);
      let input = start;
      const out: number[][] = [];
      for (let s = 0; s < steps; s++) {
        const r = this.decoder.run(input, state);
        const logits = this.head.forward(r.output).data; // one step: (B, V) values in order
        const V = this.head.outFeatures;
        const ids: number[] = [];
        for (let b = 0; b < logits.length / V; b++) {
          let best = 0;
          for (let v = 1; v < V; v++) if (logits[b * V + v]! > logits[b * V + best]!) best = v;
          ids.push(best);
        }
        out.push(ids);
        state = { h: r.h, c: r.c };
        input = embed(ids);
      }
      return out;
    });
  }
}

/** One-hot rows for ids: (1, B, size), the decoder input for one step. */
export function oneHotStep(ids: readonly number[], size: number): Tensor {
  const data = new Float32Array(ids.length * size);
  ids.forEach((id, b) => {
    if (!(Number.isInteger(id) && id >= 0 && id < size)) throw new RangeError(`oneHotStep: ids[${b}] must be an integer in [0, ${size - 1}], got ${describe(id)}`);
    data[b * size + id] = 1;
  });
  return new Tensor(data, [1, ids.length, size]);
}

/**
 * Mean softmax cross-entropy of logits (..., C) against integer targets, one per row of the
 * flattened logits (for per-step outputs (T, B, C): targets in (t, b) order). A thin wrapper of
 * crossEntropy for targets held as plain numbers.
 */
export function sequenceCrossEntropy(logits: Tensor, targets: readonly number[]): Tensor {
  if (!(logits instanceof Tensor) || logits.rank < 1) throw new TypeError(`sequenceCrossEntropy: logits must be a Tensor, got ${describe(logits)}`);
  const C = logits.shape[logits.rank - 1]!;
  const flat = reshape(logits, [-1, C]);
  const N = flat.shape[0]!;
  if (!Array.isArray(targets) || targets.length !== N) {
    throw new RangeError(`sequenceCrossEntropy: ${N} rows of logits but ${Array.isArray(targets) ? targets.length : describe(targets)} targets`);
  }
  return crossEntropy(flat, tensor(targets as number[], [N]));
}

for (const cls of [StepOutput, SequenceClassifier, Seq2Seq]) registerModuleClass(cls);
