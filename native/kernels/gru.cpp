// GRU cell kernels, both reset conventions (see gru.h and the derivation in gru.md). Row loops
// are templates on the convention and take one restrict pointer per gate block, so the
// compiler vectorizes them (see lstm.cpp).
#include "gru.h"

#include <algorithm>

#include "gates.h"

namespace neurite {

using gates::for_rows;
using gates::gemm_block;
using gates::live;
using gates::sigmoid;

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
  });
  if (kAfter) {
    gemm_block(pool, false, B, H, H, daux, H, whn, H, 1.0f, dhprev, H);
  } else {
    // d(r * h) = da_n W_hn (zero on padded rows, whose da_n is zero).
    gemm_block(pool, false, B, H, H, dg + 2 * H, GH, whn, H, 0.0f, daux, H);
    for_rows(pool, B, H, [&](int64_t b0, int64_t b1) NEURITE_GATE_ALWAYS {
      for (int64_t b = b0; b < b1; ++b) {
        if (!live(mask, b)) continue;
        reset_before_row(H, g + b * GH, hprev + b * H, daux + b * H, dg + b * GH, dhprev + b * H);
      }
    });
  }
  gemm_block(pool, false, B, H, 2 * H, dg, GH, whh, H, 1.0f, dhprev, H);
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
