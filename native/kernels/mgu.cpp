// Minimal Gated Unit kernels (see mgu.h). Gradients follow gru.md's reset-before derivation
// with r = z = f. Row loops take one restrict pointer per gate block so they vectorize.
#include "mgu.h"

#include <algorithm>

#include "gates.h"

namespace neurite {

using gates::for_rows;
using gates::gemm_block;
using gates::live;
using gates::sigmoid;

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

}  // namespace

void mgu_cell_forward(ThreadPool& pool, int64_t B, int64_t H, float* g, const float* hprev,
                      const float* whh, const float* bhh, const float* mask, float* h,
                      float* aux) noexcept {
  const int64_t GH = 2 * H;
  gemm_block(pool, true, B, H, H, hprev, H, whh, H, 1.0f, g, GH);
  for_rows(pool, B, H, [&](int64_t b0, int64_t b1) NEURITE_GATE_ALWAYS {
    for (int64_t b = b0; b < b1; ++b) gate_f_row(H, g + b * GH, bhh, hprev + b * H, aux + b * H);
  });
  gemm_block(pool, true, B, H, H, aux, H, whh + H * H, H, 1.0f, g + H, GH);
  for_rows(pool, B, H, [&](int64_t b0, int64_t b1) NEURITE_GATE_ALWAYS {
    for (int64_t b = b0; b < b1; ++b) {
      float* gr = g + b * GH;
      gate_n_row(H, gr, gr + H, bhh + H, hprev + b * H, h + b * H);
      if (!live(mask, b)) std::copy(hprev + b * H, hprev + (b + 1) * H, h + b * H);
    }
  });
}

void mgu_cell_backward(ThreadPool& pool, int64_t B, int64_t H, const float* g, const float* hprev,
                       const float* whh, const float* mask, const float* dh, float* dg,
                       float* daux, float* dhprev) noexcept {
  const int64_t GH = 2 * H;
  for_rows(pool, B, H, [&](int64_t b0, int64_t b1) NEURITE_GATE_ALWAYS {
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
  });
  // d(f * h) = da_n W_hn (zero on padded rows, whose da_n is zero).
  gemm_block(pool, false, B, H, H, dg + H, GH, whh + H * H, H, 0.0f, daux, H);
  for_rows(pool, B, H, [&](int64_t b0, int64_t b1) NEURITE_GATE_ALWAYS {
    for (int64_t b = b0; b < b1; ++b) {
      if (!live(mask, b)) continue;
      const float* gr = g + b * GH;
      backward_f_row(H, gr, gr + H, hprev + b * H, dh + b * H, daux + b * H, dg + b * GH,
                     dhprev + b * H);
    }
  });
  gemm_block(pool, false, B, H, H, dg, GH, whh, H, 1.0f, dhprev, H);
}

}  // namespace neurite
