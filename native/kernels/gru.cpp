// GRU cell kernels, both reset conventions (see gru.h and the derivation in gru.md). Row loops
// are templates on the convention and take one restrict pointer per gate block, so the
// compiler vectorizes them (see lstm.cpp).
#include "gru.h"

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

// r, z from their pre-activations (+ b_hr, b_hz); aux = W_hn h + b_hn (after) or r * h (before).
template <bool kAfter>
NEURITE_GATE_INLINE void gates_rz_row(int64_t H, float* __restrict gr_, float* __restrict gz, const float* __restrict br,
                  const float* __restrict bz, const float* __restrict bn, const float* __restrict hp,
                  float* __restrict ar) {
  for (int64_t j = 0; j < H; ++j) {
    const float r = sigmoid(gr_[j] + br[j]);
    gr_[j] = r;
    gz[j] = sigmoid(gz[j] + bz[j]);
    ar[j] = kAfter ? ar[j] + bn[j] : r * hp[j];
  }
}

template <bool kAfter>
NEURITE_GATE_INLINE void gate_n_row(int64_t H, const float* __restrict gr_, const float* __restrict gz,
                float* __restrict gn, const float* __restrict bn, const float* __restrict ar,
                const float* __restrict hp, float* __restrict hr) {
  for (int64_t j = 0; j < H; ++j) {
    const float r = gr_[j], z = gz[j];
    const float n = kAfter ? gates::tanh(gn[j] + r * ar[j]) : gates::tanh(gn[j] + bn[j]);
    gn[j] = n;
    hr[j] = kAfter ? (1.0f - z) * n + z * hp[j] : (1.0f - z) * hp[j] + z * n;
  }
}

template <bool kAfter>
NEURITE_GATE_INLINE void backward_row(int64_t H, const float* __restrict gr_, const float* __restrict gz,
                  const float* __restrict gn, const float* __restrict ar,
                  const float* __restrict hp, const float* __restrict d, float* __restrict dgr,
                  float* __restrict dgz, float* __restrict dgn, float* __restrict dar,
                  float* __restrict dhp) {
  for (int64_t j = 0; j < H; ++j) {
    const float r = gr_[j], z = gz[j], n = gn[j];
    if (kAfter) {
      const float dan = d[j] * (1.0f - z) * (1.0f - n * n);
      dgn[j] = dan;
      dgz[j] = d[j] * (hp[j] - n) * z * (1.0f - z);
      dgr[j] = dan * ar[j] * r * (1.0f - r);
      dar[j] = dan * r;
      dhp[j] += d[j] * z;
    } else {
      dgn[j] = d[j] * z * (1.0f - n * n);
      dgz[j] = d[j] * (n - hp[j]) * z * (1.0f - z);
      dhp[j] += d[j] * (1.0f - z);
    }
  }
}

// Reset before: r's gradient and the direct path through r * h, from daux = d(r * h).
NEURITE_GATE_INLINE void reset_before_row(int64_t H, const float* __restrict gr_, const float* __restrict hp,
                      const float* __restrict dar, float* __restrict dgr, float* __restrict dhp) {
  for (int64_t j = 0; j < H; ++j) {
    const float r = gr_[j];
    dgr[j] = dar[j] * hp[j] * r * (1.0f - r);
    dhp[j] += dar[j] * r;
  }
}

// The backward row loop of one step over rows [b0, b1) (pointers to the whole step).
template <bool kAfter>
NEURITE_GATE_INLINE void backward_rows(int64_t b0, int64_t b1, int64_t H, const float* g,
                                       const float* aux, const float* hprev, const float* mask,
                                       const float* dh, float* dg, float* daux, float* dhprev) {
  const int64_t GH = 3 * H;
  for (int64_t b = b0; b < b1; ++b) {
    float* dgr = dg + b * GH;
    if (!live(mask, b)) {  // padded step: dh passes straight to h_{t-1}
      std::fill(dgr, dgr + GH, 0.0f);
      std::fill(daux + b * H, daux + (b + 1) * H, 0.0f);
      for (int64_t j = 0; j < H; ++j) dhprev[b * H + j] += dh[b * H + j];
      continue;
    }
    const float* gr = g + b * GH;
    backward_row<kAfter>(H, gr, gr + H, gr + 2 * H, aux + b * H, hprev + b * H, dh + b * H,
                         dgr, dgr + H, dgr + 2 * H, daux + b * H, dhprev + b * H);
  }
}

// Reset before: reset_before_row over rows [b0, b1), padded rows skipped.
NEURITE_GATE_INLINE void reset_before_rows(int64_t b0, int64_t b1, int64_t H, const float* g,
                                           const float* hprev, const float* mask,
                                           const float* daux, float* dg, float* dhprev) {
  const int64_t GH = 3 * H;
  for (int64_t b = b0; b < b1; ++b) {
    if (!live(mask, b)) continue;
    reset_before_row(H, g + b * GH, hprev + b * H, daux + b * H, dg + b * GH, dhprev + b * H);
  }
}

template <bool kAfter>
void forward_impl(ThreadPool& pool, int64_t B, int64_t H, float* g, const float* hprev,
                  const float* whh, const float* bhh, const float* mask, float* h, float* aux) {
  const int64_t GH = 3 * H;
  const float* whn = whh + 2 * H * H;
  // r and z see W_h{r,z} h_{t-1} in both conventions: one GEMM onto their input projection.
  gemm_block(pool, true, B, 2 * H, H, hprev, H, whh, H, 1.0f, g, GH);
  if (kAfter) gemm_block(pool, true, B, H, H, hprev, H, whn, H, 0.0f, aux, H);
  for_rows(pool, B, H, [&](int64_t b0, int64_t b1) NEURITE_GATE_ALWAYS {
    for (int64_t b = b0; b < b1; ++b) {
      float* gr = g + b * GH;
      gates_rz_row<kAfter>(H, gr, gr + H, bhh, bhh + H, bhh + 2 * H, hprev + b * H, aux + b * H);
    }
  });
  // Reset before: the n gate sees W_hn (r * h_{t-1}), a second GEMM once r is known.
  if (!kAfter) gemm_block(pool, true, B, H, H, aux, H, whn, H, 1.0f, g + 2 * H, GH);
  for_rows(pool, B, H, [&](int64_t b0, int64_t b1) NEURITE_GATE_ALWAYS {
    for (int64_t b = b0; b < b1; ++b) {
      float* gr = g + b * GH;
      gate_n_row<kAfter>(H, gr, gr + H, gr + 2 * H, bhh + 2 * H, aux + b * H, hprev + b * H,
                         h + b * H);
      if (!live(mask, b)) std::copy(hprev + b * H, hprev + (b + 1) * H, h + b * H);
    }
  });
}

template <bool kAfter>
void backward_impl(ThreadPool& pool, int64_t B, int64_t H, const float* g, const float* aux,
                   const float* hprev, const float* whh, const float* mask, const float* dh,
                   float* dg, float* daux, float* dhprev) {
  const int64_t GH = 3 * H;
  const float* whn = whh + 2 * H * H;
  for_rows(pool, B, H, [&](int64_t b0, int64_t b1) NEURITE_GATE_ALWAYS {
    backward_rows<kAfter>(b0, b1, H, g, aux, hprev, mask, dh, dg, daux, dhprev);
  });
  if (kAfter) {
    gemm_block(pool, false, B, H, H, daux, H, whn, H, 1.0f, dhprev, H);
  } else {
    // d(r * h) = da_n W_hn (zero on padded rows, whose da_n is zero).
    gemm_block(pool, false, B, H, H, dg + 2 * H, GH, whn, H, 0.0f, daux, H);
    for_rows(pool, B, H, [&](int64_t b0, int64_t b1) NEURITE_GATE_ALWAYS {
      reset_before_rows(b0, b1, H, g, hprev, mask, daux, dg, dhprev);
    });
  }
  gemm_block(pool, false, B, H, 2 * H, dg, GH, whh, H, 1.0f, dhprev, H);
}

// Whether every product of a step packs (see sgemm_packs): then the sequence kernels match
// the step kernels bit for bit.
bool products_pack(int64_t B, int64_t H) {
  return sgemm_packs(B, 2 * H, H) && sgemm_packs(B, H, H) && sgemm_packs(B, H, 2 * H);
}

template <bool kAfter>
void sequence_forward_impl(ThreadPool& pool, int64_t T, int64_t B, int64_t H, bool reverse,
                           float* g, const float* whh, const float* bhh, const float* mask,
                           float* h, float* aux) {
  const int64_t GH = 3 * H, BH = B * H;
  const float* w_rz = pack_weight(pool, 2, true, H, 2 * H, whh, H);
  const float* w_n = pack_weight(pool, 3, true, H, H, whh + 2 * H * H, H);
  sequence_rows(pool, T, B, GH * H, [&](int64_t b0, int64_t b1) {
    for (int64_t k = 0; k < T; ++k) {
      const SeqStep s = seq_step(T, reverse, k);
      float* gt = g + s.t * B * GH;
      float* at = aux + s.t * BH;
      const float* hp = h + s.prev * BH;
      float* hc = h + s.cur * BH;
      const float* m = mask ? mask + s.t * B : nullptr;
      // The step kernel's products and row loops, in its order, on this thread's rows.
      rows_product(b0, b1, 2 * H, H, hp, H, w_rz, 1.0f, gt, GH);
      if (kAfter) rows_product(b0, b1, H, H, hp, H, w_n, 0.0f, at, H);
      simd_rows([&](int64_t r0, int64_t r1) NEURITE_GATE_ALWAYS {
        for (int64_t b = r0; b < r1; ++b) {
          float* gr = gt + b * GH;
          gates_rz_row<kAfter>(H, gr, gr + H, bhh, bhh + H, bhh + 2 * H, hp + b * H, at + b * H);
        }
      }, b0, b1);
      if (!kAfter) {
        rows_product(b0, b1, H, H, at, H, w_n, 1.0f, gt + 2 * H, GH);
      }
      simd_rows([&](int64_t r0, int64_t r1) NEURITE_GATE_ALWAYS {
        for (int64_t b = r0; b < r1; ++b) {
          float* gr = gt + b * GH;
          gate_n_row<kAfter>(H, gr, gr + H, gr + 2 * H, bhh + 2 * H, at + b * H, hp + b * H,
                             hc + b * H);
          if (!live(m, b)) std::copy(hp + b * H, hp + (b + 1) * H, hc + b * H);
        }
      }, b0, b1);
    }
  });
}

template <bool kAfter>
void sequence_backward_impl(ThreadPool& pool, int64_t T, int64_t B, int64_t H, bool reverse,
                            const float* g, const float* aux, const float* h, const float* whh,
                            const float* mask, float* dh, float* dg, float* daux) {
  const int64_t GH = 3 * H, BH = B * H;
  const float* w_rz = pack_weight(pool, 2, false, 2 * H, H, whh, H);
  const float* w_n = pack_weight(pool, 3, false, H, H, whh + 2 * H * H, H);
  sequence_rows(pool, T, B, GH * H, [&](int64_t b0, int64_t b1) {
    for (int64_t k = T - 1; k >= 0; --k) {
      const SeqStep s = seq_step(T, reverse, k);
      const float* gt = g + s.t * B * GH;
      const float* at = aux + s.t * BH;
      const float* hp = h + s.prev * BH;
      const float* dhc = dh + s.cur * BH;
      float* dhp = dh + s.prev * BH;
      float* dgt = dg + s.t * B * GH;
      float* dat = daux + s.t * BH;
      const float* m = mask ? mask + s.t * B : nullptr;
      simd_rows([&](int64_t r0, int64_t r1) NEURITE_GATE_ALWAYS {
        backward_rows<kAfter>(r0, r1, H, gt, at, hp, m, dhc, dgt, dat, dhp);
      }, b0, b1);
      if (kAfter) {
        rows_product(b0, b1, H, H, dat, H, w_n, 1.0f, dhp, H);
      } else {
        rows_product(b0, b1, H, H, dgt + 2 * H, GH, w_n, 0.0f, dat, H);
        simd_rows([&](int64_t r0, int64_t r1) NEURITE_GATE_ALWAYS {
          reset_before_rows(r0, r1, H, gt, hp, m, dat, dgt, dhp);
        }, b0, b1);
      }
      rows_product(b0, b1, H, 2 * H, dgt, GH, w_rz, 1.0f, dhp, H);
    }
  });
}

}  // namespace

void gru_cell_forward(ThreadPool& pool, int64_t B, int64_t H, bool reset_after, float* g,
                      const float* hprev, const float* whh, const float* bhh, const float* mask,
                      float* h, float* aux) noexcept {
  if (reset_after) forward_impl<true>(pool, B, H, g, hprev, whh, bhh, mask, h, aux);
  else forward_impl<false>(pool, B, H, g, hprev, whh, bhh, mask, h, aux);
}

void gru_cell_backward(ThreadPool& pool, int64_t B, int64_t H, bool reset_after, const float* g,
                       const float* aux, const float* hprev, const float* whh, const float* mask,
                       const float* dh, float* dg, float* daux, float* dhprev) noexcept {
  if (reset_after) backward_impl<true>(pool, B, H, g, aux, hprev, whh, mask, dh, dg, daux, dhprev);
  else backward_impl<false>(pool, B, H, g, aux, hprev, whh, mask, dh, dg, daux, dhprev);
}

}  // namespace neurite

namespace neurite {

void gru_sequence_forward(ThreadPool& pool, int64_t T, int64_t B, int64_t H, bool reset_after,
                          bool reverse, float* g, const float* whh, const float* bhh,
                          const float* mask, float* h, float* aux) noexcept {
  if (T <= 0 || B <= 0) return;
  const int64_t GH = 3 * H, BH = B * H;
  if (!products_pack(B, H)) {
    // Too small to pack: step by step (the same results; sgemm takes its direct path).
    for (int64_t k = 0; k < T; ++k) {
      const SeqStep s = seq_step(T, reverse, k);
      gru_cell_forward(pool, B, H, reset_after, g + s.t * B * GH, h + s.prev * BH, whh, bhh,
                       mask ? mask + s.t * B : nullptr, h + s.cur * BH, aux + s.t * BH);
    }
    return;
  }
  if (reset_after) sequence_forward_impl<true>(pool, T, B, H, reverse, g, whh, bhh, mask, h, aux);
  else sequence_forward_impl<false>(pool, T, B, H, reverse, g, whh, bhh, mask, h, aux);
}

void gru_sequence_backward(ThreadPool& pool, int64_t T, int64_t B, int64_t H, bool reset_after,
                           bool reverse, const float* g, const float* aux, const float* h,
                           const float* whh, const float* mask, float* dh, float* dg,
                           float* daux) noexcept {
  if (T <= 0 || B <= 0) return;
  const int64_t GH = 3 * H, BH = B * H;
  if (!products_pack(B, H)) {
    for (int64_t k = T - 1; k >= 0; --k) {
      const SeqStep s = seq_step(T, reverse, k);
      gru_cell_backward(pool, B, H, reset_after, g + s.t * B * GH, aux + s.t * BH,
                        h + s.prev * BH, whh, mask ? mask + s.t * B : nullptr, dh + s.cur * BH,
                        dg + s.t * B * GH, daux + s.t * BH, dh + s.prev * BH);
    }
    return;
  }
  if (reset_after) sequence_backward_impl<true>(pool, T, B, H, reverse, g, aux, h, whh, mask, dh, dg, daux);
  else sequence_backward_impl<false>(pool, T, B, H, reverse, g, aux, h, whh, mask, dh, dg, daux);
}

}  // namespace neurite
