/**
 * Recurrent workloads: one fused cell step (forward, backward) and a whole training step of a
 * recurrent layer (forward over T steps, BPTT, gradients of every parameter), at the shapes of
 * issue 8 (input 64, hidden 128 and 512, T = 50, batch 32).
 *
 * FLOPs count the matrix products only: per step and direction, 2*B*(I + H)*G*H forward and
 * twice that backward (the gradients of the inputs and of the weights).
 */
import { getBackend, setBackend } from '../backend/registry';
import { backend } from '../backend/registry';
import { RnnActivation } from '../backend/interface/rnn';
import { randNormal } from '../ops/creation';
import { sum } from '../ops/reduce';
import { tidy } from '../scope';
import { GRU, LSTM, MGU, RNN, type RecurrentBase } from '../nn/recurrent';
import type { Workload } from './workload';

export type BenchCell = 'rnn' | 'lstm' | 'gru' | 'mgu';

export interface RnnShape {
  cell: BenchCell;
  T: number;
  B: number;
  I: number;
  H: number;
}

const GATES: Record<BenchCell, number> = { rnn: 1, lstm: 4, gru: 3, mgu: 2 };

/** The shapes of issue 8's recurrent training-step target. */
export const RNN_TRAINING_SHAPES: RnnShape[] = [
  { cell: 'lstm', T: 50, B: 32, I: 64, H: 128 },
  { cell: 'gru', T: 50, B: 32, I: 64, H: 128 },
  { cell: 'lstm', T: 50, B: 32, I: 64, H: 512 },
  { cell: 'gru', T: 50, B: 32, I: 64, H: 512 },
];

function filled(n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sin(i * 0.37) * 0.5;
  return out;
}

function makeLayer(s: RnnShape): RecurrentBase {
  switch (s.cell) {
    case 'rnn': return new RNN(s.I, s.H);
    case 'lstm': return new LSTM(s.I, s.H);
    case 'gru': return new GRU(s.I, s.H);
    case 'mgu': return new MGU(s.I, s.H);
  }
}

/** One training step of a one-layer recurrent network: forward, BPTT, every parameter's gradient. */
export function rnnTrainingStepWorkload(s: RnnShape): Workload {
  const G = GATES[s.cell];
  return {
    name: `${s.cell} step T=${s.T} B=${s.B} I=${s.I} H=${s.H}`,
    flops: 3 * 2 * s.T * s.B * (s.I + s.H) * G * s.H,
    setup() {
      const name = getBackend();
      const layer = makeLayer(s);
      const x = randNormal([s.T, s.B, s.I]);
      x.requiresGrad = true;
      return () => {
        setBackend(name);
        tidy(() => {
          layer.zeroGrad();
          sum(layer.run(x).output).backward();
        });
      };
    },
  };
}

/** One fused cell step, forward then backward, on raw buffers (no autograd). */
export function cellStepWorkload(s: Omit<RnnShape, 'T' | 'I'>): Workload {
  const { cell, B, H } = s;
  const G = GATES[cell];
  return {
    name: `${cell} cell fwd+bwd B=${B} H=${H}`,
    flops: 3 * 2 * B * H * G * H,
    setup() {
      const K = backend();
      const BH = B * H, GBH = G * BH;
      const xp = filled(GBH), gates = new Float32Array(GBH), hprev = filled(BH), cprev = filled(BH);
      const whh = filled(G * H * H).map((v) => v / Math.sqrt(H)), bhh = filled(G * H), peep = filled(3 * H);
      const h = new Float32Array(BH), c = new Float32Array(BH), aux = new Float32Array(BH);
      const dh = filled(BH), dc = filled(BH), dg = new Float32Array(GBH), daux = new Float32Array(BH);
      const dhprev = new Float32Array(BH), dcprev = new Float32Array(BH), dpeep = new Float32Array(3 * H);
      const mask = new Float32Array(0);
      return () => {
        gates.set(xp);
        switch (cell) {
          case 'rnn':
            K.rnnCellForward(B, H, RnnActivation.tanh, gates, hprev, whh, mask, h);
            K.rnnCellBackward(B, H, RnnActivation.tanh, gates, whh, mask, dh, dg, dhprev);
            break;
          case 'lstm':
            K.lstmCellForward(B, H, true, false, gates, hprev, cprev, whh, peep, mask, h, c);
            K.lstmCellBackward(B, H, true, false, gates, cprev, c, whh, peep, mask, dh, dc, dg, dhprev, dcprev, dpeep);
            break;
          case 'gru':
            K.gruCellForward(B, H, true, gates, hprev, whh, bhh, mask, h, aux);
            K.gruCellBackward(B, H, true, gates, aux, hprev, whh, mask, dh, dg, daux, dhprev);
            break;
          case 'mgu':
            K.mguCellForward(B, H, gates, hprev, whh, bhh, mask, h, aux);
            K.mguCellBackward(B, H, gates, hprev, whh, mask, dh, dg, daux, dhprev);
            break;
        }
      };
    },
  };
}
