/** Minimal Gated Unit in plain TypeScript, mirroring native/kernels/mgu.cpp. */
import type { MguKernels } from '../interface/mgu';
import { gemmBlock, live, seqStep, sigmoid } from './gates';

export const mgu: MguKernels = {
  mguCellForward(B, H, gates, hprev, whh, bhh, mask, h, aux) {
    const GH = 2 * H;
    gemmBlock(true, B, H, H, hprev, 0, H, whh, 0, H, 1, gates, 0, GH);
    for (let b = 0; b < B; b++) {
      const g0 = b * GH, s0 = b * H;
      for (let j = 0; j < H; j++) {
        const f = sigmoid(gates[g0 + j]! + bhh[j]!);
        gates[g0 + j] = f;
        aux[s0 + j] = f * hprev[s0 + j]!;
      }
    }
    gemmBlock(true, B, H, H, aux, 0, H, whh, H * H, H, 1, gates, H, GH);
    for (let b = 0; b < B; b++) {
      const g0 = b * GH, s0 = b * H;
      const on = live(mask, b);
      for (let j = 0; j < H; j++) {
        const f = gates[g0 + j]!, hp = hprev[s0 + j]!;
        const n = Math.tanh(gates[g0 + H + j]! + bhh[H + j]!);
        gates[g0 + H + j] = n;
        h[s0 + j] = on ? (1 - f) * hp + f * n : hp;
      }
    }
  },

  mguCellBackward(B, H, gates, hprev, whh, mask, dh, dgates, daux, dhprev) {
    const GH = 2 * H;
    for (let b = 0; b < B; b++) {
      const g0 = b * GH, s0 = b * H;
      const on = live(mask, b);
      for (let j = 0; j < H; j++) {
        const g = dh[s0 + j]!;
        if (!on) {
          dgates[g0 + j] = 0; dgates[g0 + H + j] = 0;
          dhprev[s0 + j] += g;
          continue;
        }
        const f = gates[g0 + j]!, n = gates[g0 + H + j]!;
        dgates[g0 + H + j] = g * f * (1 - n * n);
        dhprev[s0 + j] += g * (1 - f);
      }
    }
    // d(f * h) = da_n W_hn.
    gemmBlock(false, B, H, H, dgates, H, GH, whh, H * H, H, 0, daux, 0, H);
    for (let b = 0; b < B; b++) {
      const g0 = b * GH, s0 = b * H;
      if (!live(mask, b)) { daux.fill(0, s0, s0 + H); continue; }
      for (let j = 0; j < H; j++) {
        const f = gates[g0 + j]!, n = gates[g0 + H + j]!, hp = hprev[s0 + j]!, d = daux[s0 + j]!;
        const df = dh[s0 + j]! * (n - hp) + d * hp;
        dgates[g0 + j] = df * f * (1 - f);
        dhprev[s0 + j] += d * f;
      }
    }
    gemmBlock(false, B, H, H, dgates, 0, GH, whh, 0, H, 1, dhprev, 0, H);
  },

  mguSequenceForward(T, B, H, reverse, gates, whh, bhh, mask, h, aux) {
    const GH = 2 * H, BH = B * H;
    for (let k = 0; k < T; k++) {
      const { t, prev, cur } = seqStep(T, reverse, k);
      mgu.mguCellForward(B, H, gates.subarray(t * B * GH, (t + 1) * B * GH), h.subarray(prev * BH, (prev + 1) * BH), whh, bhh,
        mask.length ? mask.subarray(t * B, (t + 1) * B) : mask, h.subarray(cur * BH, (cur + 1) * BH),
        aux.subarray(t * BH, (t + 1) * BH));
    }
  },

  mguSequenceBackward(T, B, H, reverse, gates, h, whh, mask, dh, dgates, daux) {
    const GH = 2 * H, BH = B * H;
    for (let k = T - 1; k >= 0; k--) {
      const { t, prev, cur } = seqStep(T, reverse, k);
      mgu.mguCellBackward(B, H, gates.subarray(t * B * GH, (t + 1) * B * GH), h.subarray(prev * BH, (prev + 1) * BH), whh,
        mask.length ? mask.subarray(t * B, (t + 1) * B) : mask, dh.subarray(cur * BH, (cur + 1) * BH),
        dgates.subarray(t * B * GH, (t + 1) * B * GH), daux.subarray(t * BH, (t + 1) * BH),
        dh.subarray(prev * BH, (prev + 1) * BH));
    }
  },
};
