// Vanilla recurrent cell kernels (see rnn.h).
#include "rnn.h"

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
using gates::simd_rows;

namespace {

// The activation over rows [b0, b1); padded rows carry h_{t-1}.
NEURITE_GATE_INLINE void forward_rows(int64_t b0, int64_t b1, int64_t H, RnnActivation act,
                                      float* g, const float* hprev, const float* mask, float* h) {
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
}

// dgates over rows [b0, b1); padded rows pass dh straight to h_{t-1}.
NEURITE_GATE_INLINE void backward_rows(int64_t b0, int64_t b1, int64_t H, RnnActivation act,
                                       const float* g, const float* mask, const float* dh,
                                       float* dg, float* dhprev) {
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
}

}  // namespace

void rnn_cell_forward(ThreadPool& pool, int64_t B, int64_t H, RnnActivation act, float* g,
                      const float* hprev, const float* whh, const float* mask, float* h) noexcept {
  gemm_block(pool, true, B, H, H, hprev, H, whh, H, 1.0f, g, H);
  for_rows(pool, B, H, [&](int64_t b0, int64_t b1) NEURITE_GATE_ALWAYS {
    forward_rows(b0, b1, H, act, g, hprev, mask, h);
  });
}

void rnn_cell_backward(ThreadPool& pool, int64_t B, int64_t H, RnnActivation act, const float* g,
                       const float* whh, const float* mask, const float* dh, float* dg,
                       float* dhprev) noexcept {
  for_rows(pool, B, H, [&](int64_t b0, int64_t b1) NEURITE_GATE_ALWAYS {
    backward_rows(b0, b1, H, act, g, mask, dh, dg, dhprev);
  });
  gemm_block(pool, false, B, H, H, dg, H, whh, H, 1.0f, dhprev, H);
}

void rnn_sequence_forward(ThreadPool& pool, int64_t T, int64_t B, int64_t H, RnnActivation act,
                          bool reverse, float* g, const float* whh, const float* mask,
                          float* h) noexcept {
  if (T <= 0 || B <= 0) return;
  const int64_t BH = B * H;
  if (!sgemm_packs(B, H, H)) {
    // Too small to pack: step by step (the same results; sgemm takes its direct path).
    for (int64_t k = 0; k < T; ++k) {
      const SeqStep s = seq_step(T, reverse, k);
      rnn_cell_forward(pool, B, H, act, g + s.t * BH, h + s.prev * BH, whh,
                       mask ? mask + s.t * B : nullptr, h + s.cur * BH);
    }
    return;
  }
  const float* w = pack_weight(pool, 3, true, H, H, whh, H);
  sequence_rows(pool, T, B, H * H, [&](int64_t b0, int64_t b1) {
    for (int64_t k = 0; k < T; ++k) {
      const SeqStep s = seq_step(T, reverse, k);
      float* gt = g + s.t * BH;
      const float* hp = h + s.prev * BH;
      float* hc = h + s.cur * BH;
      const float* m = mask ? mask + s.t * B : nullptr;
      rows_product(b0, b1, H, H, hp, H, w, 1.0f, gt, H);
      simd_rows([&](int64_t r0, int64_t r1) NEURITE_GATE_ALWAYS {
        forward_rows(r0, r1, H, act, gt, hp, m, hc);
      }, b0, b1);
    }
  });
}

void rnn_sequence_backward(ThreadPool& pool, int64_t T, int64_t B, int64_t H, RnnActivation act,
                           bool reverse, const float* g, const float* whh, const float* mask,
                           float* dh, float* dg) noexcept {
  if (T <= 0 || B <= 0) return;
  const int64_t BH = B * H;
  if (!sgemm_packs(B, H, H)) {
    for (int64_t k = T - 1; k >= 0; --k) {
      const SeqStep s = seq_step(T, reverse, k);
      rnn_cell_backward(pool, B, H, act, g + s.t * BH, whh, mask ? mask + s.t * B : nullptr,
                        dh + s.cur * BH, dg + s.t * BH, dh + s.prev * BH);
    }
    return;
  }
  const float* w = pack_weight(pool, 3, false, H, H, whh, H);
  sequence_rows(pool, T, B, H * H, [&](int64_t b0, int64_t b1) {
    for (int64_t k = T - 1; k >= 0; --k) {
      const SeqStep s = seq_step(T, reverse, k);
      const float* gt = g + s.t * BH;
      const float* dhc = dh + s.cur * BH;
      float* dhp = dh + s.prev * BH;
      float* dgt = dg + s.t * BH;
      const float* m = mask ? mask + s.t * B : nullptr;
      simd_rows([&](int64_t r0, int64_t r1) NEURITE_GATE_ALWAYS {
        backward_rows(r0, r1, H, act, gt, m, dhc, dgt, dhp);
      }, b0, b1);
      rows_product(b0, b1, H, H, dgt, H, w, 1.0f, dhp, H);
    }
  });
}

}  // namespace neurite
