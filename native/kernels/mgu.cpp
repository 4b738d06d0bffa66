// Minimal Gated Unit kernels (see mgu.h). Gradients follow gru.md's reset-before derivation
// with r = z = f. Row loops take one restrict pointer per gate block so they vectorize.
#include "mgu.h"

#include <algorithm>

#include "gates.h"
#include "gemm.h"

namespace neurite {

using gates::for_rows;
using gates::gemm_block;
using gates::live;
using gates::pack_weight;
using gates::rows_product;
using gates::seq_step;
using gates::SeqStep;
using gates::sequence_rows;
using gates::sigmoid;
using gates::simd_rows;

namespace {

NEURITE_GATE_INLINE void gate_f_row(int64_t H, float* __restrict gf, const float* __restrict bf,
                const float* __restrict hp, float* __restrict ar) {
  for (int64_t j = 0; j < H; ++j) {
    const float f = sigmoid(gf[j] + bf[j]);
    gf[j] = f;
    ar[j] = f * hp[j];
  }
}

NEURITE_GATE_INLINE void gate_n_row(int64_t H, const float* __restrict gf, float* __restrict gn,
                const float* __restrict bn, const float* __restrict hp, float* __restrict hr) {
  for (int64_t j = 0; j < H; ++j) {
    const float f = gf[j];
    const float n = gates::tanh(gn[j] + bn[j]);
    gn[j] = n;
    hr[j] = (1.0f - f) * hp[j] + f * n;
  }
}

NEURITE_GATE_INLINE void backward_n_row(int64_t H, const float* __restrict gf, const float* __restrict gn,
                    const float* __restrict d, float* __restrict dgn, float* __restrict dhp) {
  for (int64_t j = 0; j < H; ++j) {
    const float f = gf[j], n = gn[j];
    dgn[j] = d[j] * f * (1.0f - n * n);
    dhp[j] += d[j] * (1.0f - f);
  }
}

NEURITE_GATE_INLINE void backward_f_row(int64_t H, const float* __restrict gf, const float* __restrict gn,
                    const float* __restrict hp, const float* __restrict d,
                    const float* __restrict dar, float* __restrict dgf, float* __restrict dhp) {
  for (int64_t j = 0; j < H; ++j) {
    const float f = gf[j], n = gn[j];
    const float df = d[j] * (n - hp[j]) + dar[j] * hp[j];
    dgf[j] = df * f * (1.0f - f);
    dhp[j] += dar[j] * f;
  }
}

NEURITE_GATE_INLINE void forward_f_rows(int64_t b0, int64_t b1, int64_t H, float* g,
                                        const float* bhh, const float* hprev, float* aux) {
  const int64_t GH = 2 * H;
  for (int64_t b = b0; b < b1; ++b) gate_f_row(H, g + b * GH, bhh, hprev + b * H, aux + b * H);
}

NEURITE_GATE_INLINE void forward_n_rows(int64_t b0, int64_t b1, int64_t H, float* g,
                                        const float* bhh, const float* hprev, const float* mask,
                                        float* h) {
  const int64_t GH = 2 * H;
  for (int64_t b = b0; b < b1; ++b) {
    float* gr = g + b * GH;
    gate_n_row(H, gr, gr + H, bhh + H, hprev + b * H, h + b * H);
    if (!live(mask, b)) std::copy(hprev + b * H, hprev + (b + 1) * H, h + b * H);
  }
}

NEURITE_GATE_INLINE void backward_n_rows(int64_t b0, int64_t b1, int64_t H, const float* g,
                                         const float* mask, const float* dh, float* dg,
                                         float* dhprev) {
  const int64_t GH = 2 * H;
  for (int64_t b = b0; b < b1; ++b) {
    float* dgr = dg + b * GH;
    if (!live(mask, b)) {  // padded step: dh passes straight to h_{t-1}
      std::fill(dgr, dgr + GH, 0.0f);
      for (int64_t j = 0; j < H; ++j) dhprev[b * H + j] += dh[b * H + j];
      continue;
    }
    const float* gr = g + b * GH;
    backward_n_row(H, gr, gr + H, dh + b * H, dgr + H, dhprev + b * H);
  }
}

NEURITE_GATE_INLINE void backward_f_rows(int64_t b0, int64_t b1, int64_t H, const float* g,
                                         const float* hprev, const float* mask, const float* dh,
                                         const float* daux, float* dg, float* dhprev) {
  const int64_t GH = 2 * H;
  for (int64_t b = b0; b < b1; ++b) {
    if (!live(mask, b)) continue;
    const float* gr = g + b * GH;
    backward_f_row(H, gr, gr + H, hprev + b * H, dh + b * H, daux + b * H, dg + b * GH,
                   dhprev + b * H);
  }
}

}  // namespace

void mgu_cell_forward(ThreadPool& pool, int64_t B, int64_t H, float* g, const float* hprev,
                      const float* whh, const float* bhh, const float* mask, float* h,
                      float* aux) noexcept {
  const int64_t GH = 2 * H;
  gemm_block(pool, true, B, H, H, hprev, H, whh, H, 1.0f, g, GH);
  for_rows(pool, B, H, [&](int64_t b0, int64_t b1) NEURITE_GATE_ALWAYS {
    forward_f_rows(b0, b1, H, g, bhh, hprev, aux);
  });
  gemm_block(pool, true, B, H, H, aux, H, whh + H * H, H, 1.0f, g + H, GH);
  for_rows(pool, B, H, [&](int64_t b0, int64_t b1) NEURITE_GATE_ALWAYS {
    forward_n_rows(b0, b1, H, g, bhh, hprev, mask, h);
  });
}

void mgu_cell_backward(ThreadPool& pool, int64_t B, int64_t H, const float* g, const float* hprev,
                       const float* whh, const float* mask, const float* dh, float* dg,
                       float* daux, float* dhprev) noexcept {
  const int64_t GH = 2 * H;
  for_rows(pool, B, H, [&](int64_t b0, int64_t b1) NEURITE_GATE_ALWAYS {
    backward_n_rows(b0, b1, H, g, mask, dh, dg, dhprev);
  });
  // d(f * h) = da_n W_hn (zero on padded rows, whose da_n is zero).
  gemm_block(pool, false, B, H, H, dg + H, GH, whh + H * H, H, 0.0f, daux, H);
  for_rows(pool, B, H, [&](int64_t b0, int64_t b1) NEURITE_GATE_ALWAYS {
    backward_f_rows(b0, b1, H, g, hprev, mask, dh, daux, dg, dhprev);
  });
  gemm_block(pool, false, B, H, H, dg, GH, whh, H, 1.0f, dhprev, H);
}

void mgu_sequence_forward(ThreadPool& pool, int64_t T, int64_t B, int64_t H, bool reverse,
                          float* g, const float* whh, const float* bhh, const float* mask,
                          float* h, float* aux) noexcept {
  if (T <= 0 || B <= 0) return;
  const int64_t GH = 2 * H, BH = B * H;
  if (!sgemm_packs(B, H, H)) {
    // Too small to pack: step by step (the same results; sgemm takes its direct path).
    for (int64_t k = 0; k < T; ++k) {
      const SeqStep s = seq_step(T, reverse, k);
      mgu_cell_forward(pool, B, H, g + s.t * B * GH, h + s.prev * BH, whh, bhh,
                       mask ? mask + s.t * B : nullptr, h + s.cur * BH, aux + s.t * BH);
    }
    return;
  }
  const float* w_f = pack_weight(pool, 2, true, H, H, whh, H);
  const float* w_n = pack_weight(pool, 3, true, H, H, whh + H * H, H);
  sequence_rows(pool, T, B, GH * H, [&](int64_t b0, int64_t b1) {
    for (int64_t k = 0; k < T; ++k) {
      const SeqStep s = seq_step(T, reverse, k);
      float* gt = g + s.t * B * GH;
      float* at = aux + s.t * BH;
      const float* hp = h + s.prev * BH;
      float* hc = h + s.cur * BH;
      const float* m = mask ? mask + s.t * B : nullptr;
      // The step kernel's products and row loops, in its order, on this thread's rows.
      rows_product(b0, b1, H, H, hp, H, w_f, 1.0f, gt, GH);
      simd_rows([&](int64_t r0, int64_t r1) NEURITE_GATE_ALWAYS {
        forward_f_rows(r0, r1, H, gt, bhh, hp, at);
      }, b0, b1);
      rows_product(b0, b1, H, H, at, H, w_n, 1.0f, gt + H, GH);
      simd_rows([&](int64_t r0, int64_t r1) NEURITE_GATE_ALWAYS {
        forward_n_rows(r0, r1, H, gt, bhh, hp, m, hc);
      }, b0, b1);
    }
  });
}

void mgu_sequence_backward(ThreadPool& pool, int64_t T, int64_t B, int64_t H, bool reverse,
                           const float* g, const float* h, const float* whh, const float* mask,
                           float* dh, float* dg, float* daux) noexcept {
  if (T <= 0 || B <= 0) return;
  const int64_t GH = 2 * H, BH = B * H;
  if (!sgemm_packs(B, H, H)) {
    for (int64_t k = T - 1; k >= 0; --k) {
      const SeqStep s = seq_step(T, reverse, k);
      mgu_cell_backward(pool, B, H, g + s.t * B * GH, h + s.prev * BH, whh,
                        mask ? mask + s.t * B : nullptr, dh + s.cur * BH, dg + s.t * B * GH,
                        daux + s.t * BH, dh + s.prev * BH);
    }
    return;
  }
  const float* w_f = pack_weight(pool, 2, false, H, H, whh, H);
  const float* w_n = pack_weight(pool, 3, false, H, H, whh + H * H, H);
  sequence_rows(pool, T, B, GH * H, [&](int64_t b0, int64_t b1) {
    for (int64_t k = T - 1; k >= 0; --k) {
      const SeqStep s = seq_step(T, reverse, k);
      const float* gt = g + s.t * B * GH;
      const float* hp = h + s.prev * BH;
      const float* dhc = dh + s.cur * BH;
      float* dhp = dh + s.prev * BH;
      float* dgt = dg + s.t * B * GH;
      float* dat = daux + s.t * BH;
      const float* m = mask ? mask + s.t * B : nullptr;
      simd_rows([&](int64_t r0, int64_t r1) NEURITE_GATE_ALWAYS {
        backward_n_rows(r0, r1, H, gt, m, dhc, dgt, dhp);
      }, b0, b1);
      rows_product(b0, b1, H, H, dgt + H, GH, w_n, 0.0f, dat, H);
      simd_rows([&](int64_t r0, int64_t r1) NEURITE_GATE_ALWAYS {
        backward_f_rows(r0, r1, H, gt, hp, m, dhc, dat, dgt, dhp);
      }, b0, b1);
      rows_product(b0, b1, H, H, dgt, GH, w_f, 1.0f, dhp, H);
    }
  });
}

}  // namespace neurite
