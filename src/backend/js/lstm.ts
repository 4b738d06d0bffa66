/** LSTM cell in plain TypeScript, mirroring native/kernels/lstm.cpp (see lstm.md). */
import type { LstmKernels } from '../interface/lstm';
import { gemmBlock, live, seqStep, sigmoid } from './gates';

export const lstm: LstmKernels = {
  lstmCellForward(B, H, forgetGate, peephole, gates, hprev, cprev, whh, peep, mask, h, c) {
    const G = forgetGate ? 4 : 3;
    const GH = G * H;
    const oF = H, oG = (G - 2) * H, oO = (G - 1) * H;
    const pO = (G - 2) * H; // P_o's offset in peep
    gemmBlock(true, B, GH, H, hprev, 0, H, whh, 0, H, 1, gates, 0, GH);
    for (let b = 0; b < B; b++) {
      const g0 = b * GH, s0 = b * H;
      const on = live(mask, b);
      for (let j = 0; j < H; j++) {
        const cp = cprev[s0 + j]!;
        const i = sigmoid(gates[g0 + j]! + (peephole ? peep[j]! * cp : 0));
        const f = forgetGate ? sigmoid(gates[g0 + oF + j]! + (peephole ? peep[H + j]! * cp : 0)) : 1;
        const gg = Math.tanh(gates[g0 + oG + j]!);
        const cn = Math.fround(f * cp + i * gg);
        const o = sigmoid(gates[g0 + oO + j]! + (peephole ? peep[pO + j]! * cn : 0));
        gates[g0 + j] = i;
        if (forgetGate) gates[g0 + oF + j] = f;
        gates[g0 + oG + j] = gg;
        gates[g0 + oO + j] = o;
        c[s0 + j] = on ? cn : cp;
        h[s0 + j] = on ? o * Math.tanh(cn) : hprev[s0 + j]!;
      }
    }
  },

  lstmCellBackward(B, H, forgetGate, peephole, gates, cprev, c, whh, peep, mask, dh, dc, dgates, dhprev, dcprev, dpeep) {
    const G = forgetGate ? 4 : 3;
    const GH = G * H;
    const oF = H, oG = (G - 2) * H, oO = (G - 1) * H;
    const pO = (G - 2) * H;
    for (let b = 0; b < B; b++) {
      const g0 = b * GH, s0 = b * H;
      if (!live(mask, b)) {
        for (let j = 0; j < H; j++) {
          dhprev[s0 + j] += dh[s0 + j]!;
          dcprev[s0 + j] += dc[s0 + j]!;
        }
        dgates.fill(0, g0, g0 + GH);
        continue;
      }
      for (let j = 0; j < H; j++) {
        const i = gates[g0 + j]!, gg = gates[g0 + oG + j]!, o = gates[g0 + oO + j]!;
        const f = forgetGate ? gates[g0 + oF + j]! : 1;
        const cp = cprev[s0 + j]!, tc = Math.tanh(c[s0 + j]!);
        const g = dh[s0 + j]!;
        const dao = g * tc * o * (1 - o);
        const dct = dc[s0 + j]! + g * o * (1 - tc * tc) + (peephole ? dao * peep[pO + j]! : 0);
        const dai = dct * gg * i * (1 - i);
        const dag = dct * i * (1 - gg * gg);
        let dcp = dct * f;
        dgates[g0 + j] = dai;
        dgates[g0 + oG + j] = dag;
        dgates[g0 + oO + j] = dao;
        if (forgetGate) {
          const daf = dct * cp * f * (1 - f);
          dgates[g0 + oF + j] = daf;
          if (peephole) dcp += daf * peep[H + j]!;
        }
        if (peephole) dcp += dai * peep[j]!;
        dcprev[s0 + j] += dcp;
      }
    }
    if (peephole) {
      // Peephole weights are shared by the batch: sum their gradients over the rows.
      for (let b = 0; b < B; b++) {
        if (!live(mask, b)) continue;
        const g0 = b * GH, s0 = b * H;
        for (let j = 0; j < H; j++) {
          const cp = cprev[s0 + j]!;
          dpeep[j] += dgates[g0 + j]! * cp;
          if (forgetGate) dpeep[H + j] += dgates[g0 + oF + j]! * cp;
          dpeep[pO + j] += dgates[g0 + oO + j]! * c[s0 + j]!;
        }
      }
    }
    gemmBlock(false, B, H, GH, dgates, 0, GH, whh, 0, H, 1, dhprev, 0, H);
  },

  lstmSequenceForward(T, B, H, forgetGate, peephole, reverse, gates, whh, peep, mask, h, c) {
    const GH = (forgetGate ? 4 : 3) * H, BH = B * H;
    for (let k = 0; k < T; k++) {
      const { t, prev, cur } = seqStep(T, reverse, k);
      lstm.lstmCellForward(B, H, forgetGate, peephole, gates.subarray(t * B * GH, (t + 1) * B * GH),
        h.subarray(prev * BH, (prev + 1) * BH), c.subarray(prev * BH, (prev + 1) * BH), whh, peep,
        mask.length ? mask.subarray(t * B, (t + 1) * B) : mask,
        h.subarray(cur * BH, (cur + 1) * BH), c.subarray(cur * BH, (cur + 1) * BH));
    }
  },

  lstmSequenceBackward(T, B, H, forgetGate, peephole, reverse, gates, c, whh, peep, mask, dh, dc, dgates, dpeep) {
    const GH = (forgetGate ? 4 : 3) * H, BH = B * H;
    for (let k = T - 1; k >= 0; k--) {
      const { t, prev, cur } = seqStep(T, reverse, k);
      lstm.lstmCellBackward(B, H, forgetGate, peephole, gates.subarray(t * B * GH, (t + 1) * B * GH),
        c.subarray(prev * BH, (prev + 1) * BH), c.subarray(cur * BH, (cur + 1) * BH), whh, peep,
        mask.length ? mask.subarray(t * B, (t + 1) * B) : mask,
        dh.subarray(cur * BH, (cur + 1) * BH), dc.subarray(cur * BH, (cur + 1) * BH),
        dgates.subarray(t * B * GH, (t + 1) * B * GH),
        dh.subarray(prev * BH, (prev + 1) * BH), dc.subarray(prev * BH, (prev + 1) * BH), dpeep);
    }
  },
};
