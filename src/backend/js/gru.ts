/** GRU cell in plain TypeScript, both reset conventions, mirroring native/kernels/gru.cpp (see gru.md). */
import type { GruKernels } from '../interface/gru';
import { gemmBlock, live, seqStep, sigmoid } from './gates';

export const gru: GruKernels = {
  gruCellForward(B, H, resetAfter, gates, hprev, whh, bhh, mask, h, aux) {
    const GH = 3 * H;
    // r and z see W_h{r,z} h_{t-1} in both conventions.
    gemmBlock(true, B, 2 * H, H, hprev, 0, H, whh, 0, H, 1, gates, 0, GH);
    if (resetAfter) gemmBlock(true, B, H, H, hprev, 0, H, whh, 2 * H * H, H, 0, aux, 0, H);
    for (let b = 0; b < B; b++) {
      const g0 = b * GH, s0 = b * H;
      for (let j = 0; j < H; j++) {
        const r = sigmoid(gates[g0 + j]! + bhh[j]!);
        gates[g0 + j] = r;
        gates[g0 + H + j] = sigmoid(gates[g0 + H + j]! + bhh[H + j]!);
        if (resetAfter) aux[s0 + j] += bhh[2 * H + j]!;
        else aux[s0 + j] = r * hprev[s0 + j]!;
      }
    }
    if (!resetAfter) gemmBlock(true, B, H, H, aux, 0, H, whh, 2 * H * H, H, 1, gates, 2 * H, GH);
    for (let b = 0; b < B; b++) {
      const g0 = b * GH, s0 = b * H;
      const on = live(mask, b);
      for (let j = 0; j < H; j++) {
        const r = gates[g0 + j]!, z = gates[g0 + H + j]!, hp = hprev[s0 + j]!;
        const n = resetAfter
          ? Math.tanh(gates[g0 + 2 * H + j]! + r * aux[s0 + j]!)
          : Math.tanh(gates[g0 + 2 * H + j]! + bhh[2 * H + j]!);
        gates[g0 + 2 * H + j] = n;
        const hn = resetAfter ? (1 - z) * n + z * hp : (1 - z) * hp + z * n;
        h[s0 + j] = on ? hn : hp;
      }
    }
  },

  gruCellBackward(B, H, resetAfter, gates, aux, hprev, whh, mask, dh, dgates, daux, dhprev) {
    const GH = 3 * H;
    // Pass 1: the n gate (and z), and for resetAfter everything else too.
    for (let b = 0; b < B; b++) {
      const g0 = b * GH, s0 = b * H;
      const on = live(mask, b);
      for (let j = 0; j < H; j++) {
        const g = dh[s0 + j]!;
        if (!on) {
          dgates[g0 + j] = 0; dgates[g0 + H + j] = 0; dgates[g0 + 2 * H + j] = 0;
          daux[s0 + j] = 0;
          dhprev[s0 + j] += g;
          continue;
        }
        const r = gates[g0 + j]!, z = gates[g0 + H + j]!, n = gates[g0 + 2 * H + j]!, hp = hprev[s0 + j]!;
        if (resetAfter) {
          const dan = g * (1 - z) * (1 - n * n);
          dgates[g0 + 2 * H + j] = dan;
          dgates[g0 + H + j] = g * (hp - n) * z * (1 - z);
          dgates[g0 + j] = dan * aux[s0 + j]! * r * (1 - r);
          daux[s0 + j] = dan * r;
          dhprev[s0 + j] += g * z;
        } else {
          dgates[g0 + 2 * H + j] = g * z * (1 - n * n);
          dgates[g0 + H + j] = g * (n - hp) * z * (1 - z);
          dhprev[s0 + j] += g * (1 - z);
        }
      }
    }
    if (resetAfter) {
      gemmBlock(false, B, H, H, daux, 0, H, whh, 2 * H * H, H, 1, dhprev, 0, H);
    } else {
      // d(r * h) = da_n W_hn, then r's gradient and the direct path through r * h.
      gemmBlock(false, B, H, H, dgates, 2 * H, GH, whh, 2 * H * H, H, 0, daux, 0, H);
      for (let b = 0; b < B; b++) {
        const g0 = b * GH, s0 = b * H;
        if (!live(mask, b)) { daux.fill(0, s0, s0 + H); continue; }
        for (let j = 0; j < H; j++) {
          const r = gates[g0 + j]!, d = daux[s0 + j]!;
          dgates[g0 + j] = d * hprev[s0 + j]! * r * (1 - r);
          dhprev[s0 + j] += d * r;
        }
      }
    }
    gemmBlock(false, B, H, 2 * H, dgates, 0, GH, whh, 0, H, 1, dhprev, 0, H);
  },

  gruSequenceForward(T, B, H, resetAfter, reverse, gates, whh, bhh, mask, h, aux) {
    const GH = 3 * H, BH = B * H;
    for (let k = 0; k < T; k++) {
      const { t, prev, cur } = seqStep(T, reverse, k);
      gru.gruCellForward(B, H, resetAfter, gates.subarray(t * B * GH, (t + 1) * B * GH),
        h.subarray(prev * BH, (prev + 1) * BH), whh, bhh, mask.length ? mask.subarray(t * B, (t + 1) * B) : mask,
        h.subarray(cur * BH, (cur + 1) * BH), aux.subarray(t * BH, (t + 1) * BH));
    }
  },

  gruSequenceBackward(T, B, H, resetAfter, reverse, gates, aux, h, whh, mask, dh, dgates, daux) {
    const GH = 3 * H, BH = B * H;
    for (let k = T - 1; k >= 0; k--) {
      const { t, prev, cur } = seqStep(T, reverse, k);
      gru.gruCellBackward(B, H, resetAfter, gates.subarray(t * B * GH, (t + 1) * B * GH),
        aux.subarray(t * BH, (t + 1) * BH), h.subarray(prev * BH, (prev + 1) * BH), whh,
        mask.length ? mask.subarray(t * B, (t + 1) * B) : mask, dh.subarray(cur * BH, (cur + 1) * BH),
        dgates.subarray(t * B * GH, (t + 1) * B * GH), daux.subarray(t * BH, (t + 1) * BH),
        dh.subarray(prev * BH, (prev + 1) * BH));
    }
  },
};
