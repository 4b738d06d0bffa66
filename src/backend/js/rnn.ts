/** Vanilla recurrent cell in plain TypeScript, mirroring native/kernels/rnn.cpp. */
import { RnnActivation, type RnnKernels } from '../interface/rnn';
import { gemmBlock, live, seqStep } from './gates';

export const rnn: RnnKernels = {
  rnnCellForward(B, H, activation, gates, hprev, whh, mask, h) {
    gemmBlock(true, B, H, H, hprev, 0, H, whh, 0, H, 1, gates, 0, H);
    for (let b = 0; b < B; b++) {
      const o = b * H;
      const on = live(mask, b);
      for (let j = 0; j < H; j++) {
        const a = gates[o + j]!;
        const y = activation === RnnActivation.relu ? (a > 0 ? a : 0) : Math.tanh(a);
        gates[o + j] = y;
        h[o + j] = on ? y : hprev[o + j]!;
      }
    }
  },

  rnnCellBackward(B, H, activation, gates, whh, mask, dh, dgates, dhprev) {
    for (let b = 0; b < B; b++) {
      const o = b * H;
      const on = live(mask, b);
      for (let j = 0; j < H; j++) {
        const y = gates[o + j]!;
        const g = dh[o + j]!;
        if (!on) {
          dgates[o + j] = 0;
          dhprev[o + j] += g;
          continue;
        }
        dgates[o + j] = activation === RnnActivation.relu ? (y > 0 ? g : 0) : g * (1 - y * y);
      }
    }
    gemmBlock(false, B, H, H, dgates, 0, H, whh, 0, H, 1, dhprev, 0, H);
  },

  rnnSequenceForward(T, B, H, activation, reverse, gates, whh, mask, h) {
    const BH = B * H;
    for (let k = 0; k < T; k++) {
      const { t, prev, cur } = seqStep(T, reverse, k);
      rnn.rnnCellForward(B, H, activation, gates.subarray(t * BH, (t + 1) * BH), h.subarray(prev * BH, (prev + 1) * BH), whh,
        mask.length ? mask.subarray(t * B, (t + 1) * B) : mask, h.subarray(cur * BH, (cur + 1) * BH));
    }
  },

  rnnSequenceBackward(T, B, H, activation, reverse, gates, whh, mask, dh, dgates) {
    const BH = B * H;
    for (let k = T - 1; k >= 0; k--) {
      const { t, prev, cur } = seqStep(T, reverse, k);
      rnn.rnnCellBackward(B, H, activation, gates.subarray(t * BH, (t + 1) * BH), whh,
        mask.length ? mask.subarray(t * B, (t + 1) * B) : mask, dh.subarray(cur * BH, (cur + 1) * BH),
        dgates.subarray(t * BH, (t + 1) * BH), dh.subarray(prev * BH, (prev + 1) * BH));
    }
  },
};
