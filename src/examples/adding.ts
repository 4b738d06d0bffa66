/**
 * The adding problem (Hochreiter and Schmidhuber, 1997; in the form of Le, Jaitly and Hinton,
 * 2015): each step of a length-T sequence carries a random value in [0, 1) and a marker; two
 * steps are marked, one in each half, and the target is the sum of their values. Predicting
 * the mean (1) scores MSE 1/6 ~ 0.167, the chance level. Gated cells (LSTM, GRU) learn to hold
 * the marked values across the ~T/2 steps between them and go well below it; a vanilla tanh
 * RNN's gradient vanishes over that distance and it stays near chance.
 *
 *   neurite adding --cell lstm --steps 2000      (src/cli/adding.ts)
 *
 * The model: a one-layer recurrent network (hidden 64 by default) and a dense output on its
 * final state, trained with Adam on MSE, gradients clipped to norm 1.
 */
import { noGrad } from '../autograd';
import { sub } from '../ops/binary';
import { tensor } from '../ops/creation';
import { mean } from '../ops/reduce';
import { square } from '../ops/unary';
import { reshape } from '../ops/shape';
import { Random } from '../random';
import { tidy } from '../scope';
import type { Tensor } from '../tensor';
import { GRU, LSTM, MGU, RNN, type RecurrentBase } from '../nn/recurrent';
import { StepOutput } from '../nn/sequence';
import { manualSeed } from '../random';
import { Adam } from '../optim/adam';
import { clipGradNorm } from '../optim/clip';

export type AddingCell = 'lstm' | 'gru' | 'mgu' | 'rnn';

export interface AddingOptions {
  cell?: AddingCell;
  /** Sequence length T (default 100). */
  seqLen?: number;
  hidden?: number;
  batch?: number;
  /** Training steps (default 2000). */
  steps?: number;
  lr?: number;
  seed?: number;
  /** Sequences in the held-out evaluation set (default 1000). */
  evalSize?: number;
  /** Evaluate every this many steps (default 100). */
  evalEvery?: number;
  log?: (line: string) => void;
}

export interface AddingResult {
  cell: AddingCell;
  seqLen: number;
  steps: number;
  /** Held-out MSE after training. */
  mse: number;
  /** Held-out MSE of always predicting 1, the chance level (~0.167). */
  baseline: number;
  history: { step: number; mse: number }[];
  seconds: number;
}

/** A batch: x (T, B, 2) time-major (value, marker), y (B, 1). */
export function addingBatch(B: number, T: number, rng: Random): { x: Tensor; y: Tensor } {
  const x = new Float32Array(T * B * 2);
  const y = new Float32Array(B);
  const half = Math.floor(T / 2);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) x[(t * B + b) * 2] = rng.uniform();
    const i = rng.int(half), j = half + rng.int(T - half);
    x[(i * B + b) * 2 + 1] = 1;
    x[(j * B + b) * 2 + 1] = 1;
    y[b] = x[(i * B + b) * 2]! + x[(j * B + b) * 2]!;
  }
  return { x: tensor(x, [T, B, 2]), y: tensor(y, [B, 1]) };
}

function makeCell(cell: AddingCell, hidden: number): RecurrentBase {
  switch (cell) {
    case 'lstm': return new LSTM(2, hidden);
    case 'gru': return new GRU(2, hidden);
    case 'mgu': return new MGU(2, hidden);
    case 'rnn': return new RNN(2, hidden);
  }
}

export function runAdding(options: AddingOptions = {}): AddingResult {
  const cell = options.cell ?? 'lstm';
  if (!['lstm', 'gru', 'mgu', 'rnn'].includes(cell)) throw new RangeError(`runAdding: cell must be lstm, gru, mgu or rnn, got ${String(cell)}`);
  const T = options.seqLen ?? 100, H = options.hidden ?? 64, B = options.batch ?? 32;
  const steps = options.steps ?? 2000, evalEvery = options.evalEvery ?? 100;
  const log = options.log ?? (() => {});
  manualSeed(options.seed ?? 1);
  const rng = new Random(options.seed ?? 1);
  const rnn = makeCell(cell, H);
  const head = new StepOutput(H, 1);
  const params = [...rnn.parameters(), ...head.parameters()];
  const opt = new Adam(params, { lr: options.lr ?? 1e-2 });
  const heldOut = addingBatch(options.evalSize ?? 1000, T, new Random((options.seed ?? 1) + 1000));
  const predict = (x: Tensor) => head.forward(reshape(rnn.run(x).h, [-1, H]));
  const evaluate = () => noGrad(() => tidy(() => mean(square(sub(predict(heldOut.x), heldOut.y))).item()));
  const baseline = tidy(() => mean(square(sub(heldOut.y, 1))).item());
  const history: { step: number; mse: number }[] = [];
  const start = process.hrtime.bigint();
  log(`adding problem, T=${T}, ${cell} hidden ${H}, batch ${B}: chance MSE ${baseline.toFixed(4)}`);
  for (let step = 1; step <= steps; step++) {
    tidy(() => {
      const { x, y } = addingBatch(B, T, rng);
      opt.zeroGrad();
      const loss = mean(square(sub(predict(x), y)));
      loss.backward();
      clipGradNorm(params, 1);
      opt.step();
    });
    if (step % evalEvery === 0 || step === steps) {
      const mse = evaluate();
      history.push({ step, mse });
      log(`step ${step}: held-out MSE ${mse.toFixed(4)}`);
    }
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { cell, seqLen: T, steps, mse: history[history.length - 1]?.mse ?? evaluate(), baseline, history, seconds };
}
