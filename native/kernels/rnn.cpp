// Vanilla recurrent cell kernels (see rnn.h).
#include "rnn.h"

#include "gates.h"

namespace neurite {

using gates::for_rows;
using gates::gemm_block;
using gates::live;

void rnn_cell_forward(ThreadPool& pool, int64_t B, int64_t H, RnnActivation act, float* g,
                      const float* hprev, const float* whh, const float* mask, float* h) noexcept {
  gemm_block(pool, true, B, H, H, hprev, H, whh, H, 1.0f, g, H);
  for_rows(pool, B, H, [&](int64_t b0, int64_t b1) NEURITE_GATE_ALWAYS {
    for (int64_t b = b0; b < b1; ++b) {
      float* gr = g + b * H;
      const float* hp = hprev + b * H;
      float* hr = h + b * H;
      if (act == RnnActivation::kRelu) {
        for (int64_t j = 0; j < H; ++j) gr[j] = gr[j] > 0.0f ? gr[j] : 0.0f;
      } else {
        for (int64_t j = 0; j < H; ++j) gr[j] = gates::tanh(gr[j]);
      }
      const float* src = live(mask, b) ? gr : hp;
      for (int64_t j = 0; j < H; ++j) hr[j] = src[j];
    }
  });
}

void rnn_cell_backward(ThreadPool& pool, int64_t B, int64_t H, RnnActivation act, const float* g,
                       const float* whh, const float* mask, const float* dh, float* dg,
                       float* dhprev) noexcept {
  for_rows(pool, B, H, [&](int64_t b0, int64_t b1) NEURITE_GATE_ALWAYS {
    for (int64_t b = b0; b < b1; ++b) {
      const float* y = g + b * H;
      const float* d = dh + b * H;
      float* out = dg + b * H;
      if (!live(mask, b)) {
        float* dp = dhprev + b * H;
        for (int64_t j = 0; j < H; ++j) {
          out[j] = 0.0f;
          dp[j] += d[j];
        }
      } else if (act == RnnActivation::kRelu) {
        for (int64_t j = 0; j < H; ++j) out[j] = y[j] > 0.0f ? d[j] : 0.0f;
      } else {
        for (int64_t j = 0; j < H; ++j) out[j] = d[j] * (1.0f - y[j] * y[j]);
      }
    }
  });
  gemm_block(pool, false, B, H, H, dg, H, whh, H, 1.0f, dhprev, H);
}

}  // namespace neurite
