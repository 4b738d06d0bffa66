/**
 * A character-level language model: a recurrent network reads text one character at a time
 * and predicts the next, trained with truncated BPTT (B streams through the text, k-step chunks,
 * the state carried from chunk to chunk and detached), then samples new text with a
 * temperature. The corpus is the Book of Genesis, King James Version (public domain; see
 * data/README.md for its provenance).
 *
 *   neurite charlm --steps 300 --temperature 0.7   (src/cli/charlm.ts)
 *
 * Reports the held-out cross-entropy in bits per character next to the uniform (log2 V) and
 * unigram baselines.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { noGrad } from '../autograd';
import { tensor } from '../ops/creation';
import { reshape } from '../ops/shape';
import { softmax } from '../ops/softmax';
import { packageRoot } from '../package-root';
import { manualSeed, Random } from '../random';
import { tidy } from '../scope';
import type { Tensor } from '../tensor';
import { GRU, LSTM, type RecurrentBase, type RecurrentState } from '../nn/recurrent';
import { StepOutput, sequenceCrossEntropy } from '../nn/sequence';
import { Adam } from '../optim/adam';
import { clipGradNorm } from '../optim/clip';

/** Characters <-> ids. */
export class CharVocab {
  readonly chars: string[];
  private readonly index: Map<string, number>;
  constructor(text: string) {
    this.chars = [...new Set(text)].sort();
    this.index = new Map(this.chars.map((c, i) => [c, i]));
  }
  get size(): number {
    return this.chars.length;
  }
  encode(text: string): number[] {
    return [...text].map((c) => {
      const i = this.index.get(c);
      if (i === undefined) throw new RangeError(`CharVocab: character ${JSON.stringify(c)} is not in the vocabulary`);
      return i;
    });
  }
  decode(ids: readonly number[]): string {
    return ids.map((i) => this.chars[i]).join('');
  }
}

/** One-hot (T, B, V) input for ids[b][t]. */
function oneHot(ids: readonly (readonly number[])[], T: number, V: number): Tensor {
  const B = ids.length;
  const d = new Float32Array(T * B * V);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) d[(t * B + b) * V + ids[b]![t]!] = 1;
  return tensor(d, [T, B, V]);
}

export interface CharModel {
  vocab: CharVocab;
  rnn: RecurrentBase;
  head: StepOutput;
}

/** Mean cross-entropy (nats per character) of one chunk; targets[b][t] follow inputs[b][t]. */
function chunkLoss(m: CharModel, inputs: number[][], targets: number[][], state: RecurrentState): { loss: Tensor; state: RecurrentState } {
  const T = inputs[0]!.length, B = inputs.length;
  const r = m.rnn.run(oneHot(inputs, T, m.vocab.size), state);
  const logits = m.head.forward(r.output); // (T, B, V)
  const flat: number[] = [];
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) flat.push(targets[b]![t]!);
  return { loss: sequenceCrossEntropy(logits, flat), state: { h: r.h, c: r.c } };
}

const detach = (s: RecurrentState): RecurrentState => ({ h: s.h?.detach(), c: s.c?.detach() });

/**
 * Text from the model: feeds `prime`, then draws `length` characters, each from
 * softmax(logits / temperature) (lower is more conservative; temperature -> 0 is greedy).
 */
export function sampleText(m: CharModel, prime: string, length: number, temperature: number, rng: Random): string {
  if (!(temperature > 0)) throw new RangeError(`sampleText: temperature must be > 0, got ${temperature}`);
  return noGrad(() => tidy(() => {
    let state: RecurrentState = {};
    let ids = m.vocab.encode(prime);
    if (ids.length === 0) ids = [m.vocab.encode('\n')[0] ?? 0];
    const out: number[] = [];
    const V = m.vocab.size;
    for (let i = 0; i < length; i++) {
      const feed = i === 0 ? ids : [out[out.length - 1]!];
      const r = m.rnn.run(oneHot([feed], feed.length, V), state);
      state = { h: r.h, c: r.c };
      const lastStep = reshape(r.output, [feed.length, -1]).data.subarray((feed.length - 1) * m.rnn.hiddenSize);
      const logits = m.head.forward(tensor(lastStep, [1, m.rnn.hiddenSize]));
      const p = softmax(tensor(logits.data.map((v) => v / temperature), [1, V])).data;
      let u = rng.uniform(), next = V - 1;
      for (let v = 0; v < V; v++) {
        u -= p[v]!;
        if (u < 0) { next = v; break; }
      }
      out.push(next);
    }
    return prime + m.vocab.decode(out);
  }));
}

export interface CharLmOptions {
  /** Corpus path (default data/kjv-genesis.txt in the package). */
  textPath?: string;
  cell?: 'lstm' | 'gru';
  hidden?: number;
  layers?: number;
  /** Truncated BPTT chunk length k (default 64). */
  seqLen?: number;
  /** Parallel streams through the text (default 32). */
  batch?: number;
  steps?: number;
  lr?: number;
  /** Gradient-norm clip (default 5). */
  clip?: number;
  seed?: number;
  temperatures?: number[];
  sampleLength?: number;
  prime?: string;
  log?: (line: string) => void;
}

export interface CharLmResult {
  vocabSize: number;
  steps: number;
  /** Held-out cross-entropy, bits per character. */
  validBits: number;
  /** log2(V): a model that knows nothing. */
  uniformBits: number;
  /** Entropy of the character frequencies: a model that knows only how common each character is. */
  unigramBits: number;
  samples: { temperature: number; text: string }[];
  seconds: number;
  model: CharModel;
}

export function runCharLm(options: CharLmOptions = {}): CharLmResult {
  const log = options.log ?? (() => {});
  const seed = options.seed ?? 1;
  manualSeed(seed);
  const rng = new Random(seed);
  const text = readFileSync(options.textPath ?? join(packageRoot(), 'data', 'kjv-genesis.txt'), 'utf8');
  const vocab = new CharVocab(text);
  const V = vocab.size, H = options.hidden ?? 128, k = options.seqLen ?? 64, B = options.batch ?? 32;
  const steps = options.steps ?? 300, clip = options.clip ?? 5;
  const ids = vocab.encode(text);
  const split = Math.floor(ids.length * 0.9);
  const train = ids.slice(0, split), valid = ids.slice(split);
  const rnn = options.cell === 'gru' ? new GRU(V, H, { numLayers: options.layers ?? 1 }) : new LSTM(V, H, { numLayers: options.layers ?? 1 });
  const model: CharModel = { vocab, rnn, head: new StepOutput(H, V) };
  const params = [...rnn.parameters(), ...model.head.parameters()];
  const opt = new Adam(params, { lr: options.lr ?? 3e-3 });

  const counts = new Array<number>(V).fill(0);
  for (const i of train) counts[i]! += 1;
  const unigramBits = -counts.reduce((s, c) => (c ? s + (c / train.length) * Math.log2(c / train.length) : s), 0);
  log(`char LM on ${train.length} training / ${valid.length} held-out characters, V=${V}; ${rnn.className} hidden ${H}, k=${k}, batch ${B}`);

  // B streams, each walking its own stretch of the training text in k-step chunks.
  const span = Math.floor(train.length / B);
  const pos = Array.from({ length: B }, () => 0);
  let state: RecurrentState = {};
  const start = process.hrtime.bigint();
  let avg = 0;
  for (let step = 1; step <= steps; step++) {
    if (pos[0]! + k + 1 > span) {
      pos.fill(0);
      state = {};
    }
    const inputs = pos.map((p, b) => train.slice(b * span + p, b * span + p + k));
    const targets = pos.map((p, b) => train.slice(b * span + p + 1, b * span + p + k + 1));
    for (let b = 0; b < B; b++) pos[b]! += k;
    const { value, next } = tidy(() => {
      opt.zeroGrad();
      const r = chunkLoss(model, inputs, targets, state);
      r.loss.backward();
      clipGradNorm(params, clip);
      opt.step();
      // Carry the state into the next chunk, cut from this chunk's graph (truncated BPTT).
      return { value: r.loss.item(), next: detach(r.state) };
    });
    state = next;
    avg = step === 1 ? value : 0.95 * avg + 0.05 * value;
    if (step % 50 === 0 || step === steps) log(`step ${step}: train ${(avg / Math.LN2).toFixed(3)} bits/char`);
  }
  const validBits = evaluate(model, valid, k) / Math.LN2;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  log(`held-out: ${validBits.toFixed(3)} bits/char (uniform ${Math.log2(V).toFixed(3)}, unigram ${unigramBits.toFixed(3)})`);
  const samples = (options.temperatures ?? [0.5, 1.0]).map((temperature) => ({
    temperature, text: sampleText(model, options.prime ?? 'And God said', options.sampleLength ?? 200, temperature, rng),
  }));
  for (const s of samples) log(`--- temperature ${s.temperature}\n${s.text}`);
  return { vocabSize: V, steps, validBits, uniformBits: Math.log2(V), unigramBits, samples, seconds, model };
}

/** Mean held-out cross-entropy (nats/char): 8 streams, k-step chunks, state carried. */
function evaluate(m: CharModel, ids: readonly number[], k: number): number {
  const B = 8;
  const span = Math.floor((ids.length - 1) / B);
  let state: RecurrentState = {};
  let total = 0, n = 0;
  for (let p = 0; p + k <= span; p += k) {
    const inputs = Array.from({ length: B }, (_, b) => ids.slice(b * span + p, b * span + p + k));
    const targets = Array.from({ length: B }, (_, b) => ids.slice(b * span + p + 1, b * span + p + k + 1));
    const r = noGrad(() => tidy(() => {
      const out = chunkLoss(m, inputs, targets, state);
      return { v: out.loss.item(), s: out.state };
    }));
    state = r.s;
    total += r.v;
    n++;
  }
  return total / Math.max(n, 1);
}
