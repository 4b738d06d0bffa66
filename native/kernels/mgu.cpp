// Minimal Gated Unit kernels (see mgu.h). Gradients follow gru.md's reset-before derivation
// with r = z = f.
#include "mgu.h"

#include "gates.h"

namespace neurite {

using gates::for_rows;
using gates::gemm_block;
using gates::live;
using gates::sigmoid;

void mgu_cell_forward(ThreadPool& pool, int64_t B, int64_t H, float* g, const float* hprev,
                      const float* whh, const float* bhh, const float* mask, float* h,
                      float* aux) noexcept {
  const int64_t GH = 2 * H;
  gemm_block(pool, true, B, H, H, hprev, H, whh, H, 1.0f, g, GH);
  for_rows(pool, B, H, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      float* gr = g + b * GH;
      const float* hp = hprev + b * H;
      float* ar = aux + b * H;
      for (int64_t j = 0; j < H; ++j) {
        const float f = sigmoid(gr[j] + bhh[j]);
        gr[j] = f;
        ar[j] = f * hp[j];
      }
    }
  });
  gemm_block(pool, true, B, H, H, aux, H, whh + H * H, H, 1.0f, g + H, GH);
  for_rows(pool, B, H, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      float* gr = g + b * GH;
      const float* hp = hprev + b * H;
      float* hr = h + b * H;
      const bool on = live(mask, b);
      for (int64_t j = 0; j < H; ++j) {
        const float f = gr[j];
        const float n = std::tanh(gr[H + j] + bhh[H + j]);
        gr[H + j] = n;
        hr[j] = on ? (1.0f - f) * hp[j] + f * n : hp[j];
      }
    }
  });
}

void mgu_cell_backward(ThreadPool& pool, int64_t B, int64_t H, const float* g, const float* hprev,
                       const float* whh, const float* mask, const float* dh, float* dg,
                       float* daux, float* dhprev) noexcept {
  const int64_t GH = 2 * H;
  for_rows(pool, B, H, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      const float* gr = g + b * GH;
      const float* d = dh + b * H;
      float* dgr = dg + b * GH;
      float* dhp = dhprev + b * H;
      if (!live(mask, b)) {
        for (int64_t j = 0; j < H; ++j) {
          dgr[j] = 0.0f;
          dgr[H + j] = 0.0f;
          dhp[j] += d[j];
        }
        continue;
      }
      for (int64_t j = 0; j < H; ++j) {
        const float f = gr[j], n = gr[H + j];
        dgr[H + j] = d[j] * f * (1.0f - n * n);
        dhp[j] += d[j] * (1.0f - f);
      }
    }
  });
  // d(f * h) = da_n W_hn.
  gemm_block(pool, false, B, H, H, dg + H, GH, whh + H * H, H, 0.0f, daux, H);
  for_rows(pool, B, H, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      float* dar = daux + b * H;
      if (!live(mask, b)) {
        for (int64_t j = 0; j < H; ++j) dar[j] = 0.0f;
        continue;
      }
      const float* gr = g + b * GH;
      const float* hp = hprev + b * H;
      const float* d = dh + b * H;
      float* dgr = dg + b * GH;
      float* dhp = dhprev + b * H;
      for (int64_t j = 0; j < H; ++j) {
        const float f = gr[j], n = gr[H + j];
        const float df = d[j] * (n - hp[j]) + dar[j] * hp[j];
        dgr[j] = df * f * (1.0f - f);
        dhp[j] += dar[j] * f;
      }
    }
  });
  gemm_block(pool, false, B, H, H, dg, GH, whh, H, 1.0f, dhprev, H);
}

}  // namespace neurite
