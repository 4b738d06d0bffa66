// GRU cell kernels, both reset conventions (see gru.h and the derivation in gru.md).
#include "gru.h"

#include "gates.h"

namespace neurite {

using gates::for_rows;
using gates::gemm_block;
using gates::live;
using gates::sigmoid;

void gru_cell_forward(ThreadPool& pool, int64_t B, int64_t H, bool reset_after, float* g,
                      const float* hprev, const float* whh, const float* bhh, const float* mask,
                      float* h, float* aux) noexcept {
  const int64_t GH = 3 * H;
  const float* whn = whh + 2 * H * H;
  // r and z see W_h{r,z} h_{t-1} in both conventions: one GEMM onto their input projection.
  gemm_block(pool, true, B, 2 * H, H, hprev, H, whh, H, 1.0f, g, GH);
  if (reset_after) gemm_block(pool, true, B, H, H, hprev, H, whn, H, 0.0f, aux, H);
  for_rows(pool, B, H, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      float* gr = g + b * GH;
      float* ar = aux + b * H;
      const float* hp = hprev + b * H;
      for (int64_t j = 0; j < H; ++j) {
        const float r = sigmoid(gr[j] + bhh[j]);
        gr[j] = r;
        gr[H + j] = sigmoid(gr[H + j] + bhh[H + j]);
        ar[j] = reset_after ? ar[j] + bhh[2 * H + j] : r * hp[j];
      }
    }
  });
  // Reset before: the n gate sees W_hn (r * h_{t-1}), a second GEMM once r is known.
  if (!reset_after) gemm_block(pool, true, B, H, H, aux, H, whn, H, 1.0f, g + 2 * H, GH);
  for_rows(pool, B, H, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      float* gr = g + b * GH;
      const float* ar = aux + b * H;
      const float* hp = hprev + b * H;
      float* hr = h + b * H;
      const bool on = live(mask, b);
      for (int64_t j = 0; j < H; ++j) {
        const float r = gr[j], z = gr[H + j];
        const float n = reset_after ? std::tanh(gr[2 * H + j] + r * ar[j])
                                    : std::tanh(gr[2 * H + j] + bhh[2 * H + j]);
        gr[2 * H + j] = n;
        const float hn = reset_after ? (1.0f - z) * n + z * hp[j] : (1.0f - z) * hp[j] + z * n;
        hr[j] = on ? hn : hp[j];
      }
    }
  });
}

void gru_cell_backward(ThreadPool& pool, int64_t B, int64_t H, bool reset_after, const float* g,
                       const float* aux, const float* hprev, const float* whh, const float* mask,
                       const float* dh, float* dg, float* daux, float* dhprev) noexcept {
  const int64_t GH = 3 * H;
  const float* whn = whh + 2 * H * H;
  for_rows(pool, B, H, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      const float* gr = g + b * GH;
      const float* ar = aux + b * H;
      const float* hp = hprev + b * H;
      const float* d = dh + b * H;
      float* dgr = dg + b * GH;
      float* dar = daux + b * H;
      float* dhp = dhprev + b * H;
      if (!live(mask, b)) {
        for (int64_t j = 0; j < GH; ++j) dgr[j] = 0.0f;
        for (int64_t j = 0; j < H; ++j) {
          dar[j] = 0.0f;
          dhp[j] += d[j];
        }
        continue;
      }
      for (int64_t j = 0; j < H; ++j) {
        const float r = gr[j], z = gr[H + j], n = gr[2 * H + j];
        if (reset_after) {
          const float dan = d[j] * (1.0f - z) * (1.0f - n * n);
          dgr[2 * H + j] = dan;
          dgr[H + j] = d[j] * (hp[j] - n) * z * (1.0f - z);
          dgr[j] = dan * ar[j] * r * (1.0f - r);
          dar[j] = dan * r;
          dhp[j] += d[j] * z;
        } else {
          dgr[2 * H + j] = d[j] * z * (1.0f - n * n);
          dgr[H + j] = d[j] * (n - hp[j]) * z * (1.0f - z);
          dhp[j] += d[j] * (1.0f - z);
        }
      }
    }
  });
  if (reset_after) {
    gemm_block(pool, false, B, H, H, daux, H, whn, H, 1.0f, dhprev, H);
  } else {
    // d(r * h) = da_n W_hn; then r's gradient and the direct path through r * h_{t-1}.
    gemm_block(pool, false, B, H, H, dg + 2 * H, GH, whn, H, 0.0f, daux, H);
    for_rows(pool, B, H, [&](int64_t b0, int64_t b1) {
      for (int64_t b = b0; b < b1; ++b) {
        float* dar = daux + b * H;
        if (!live(mask, b)) {
          for (int64_t j = 0; j < H; ++j) dar[j] = 0.0f;
          continue;
        }
        const float* gr = g + b * GH;
        const float* hp = hprev + b * H;
        float* dgr = dg + b * GH;
        float* dhp = dhprev + b * H;
        for (int64_t j = 0; j < H; ++j) {
          const float r = gr[j];
          dgr[j] = dar[j] * hp[j] * r * (1.0f - r);
          dhp[j] += dar[j] * r;
        }
      }
    });
  }
  gemm_block(pool, false, B, H, 2 * H, dg, GH, whh, H, 1.0f, dhprev, H);
}

}  // namespace neurite
