// Vanilla recurrent cell, one time step over a batch. Shapes: B batch rows, H hidden units.
//
//   h_t = act(xproj_t + W_hh h_{t-1}),  xproj_t = W_ih x_t + b_ih + b_hh (computed by the caller
//   for all steps in one GEMM), act = tanh or relu.
//
// mask: B values, 0 marking a padded step for that row (h_t = h_{t-1}), or nullptr.
// Backward writes dgates and ACCUMULATES into dhprev.
#pragma once

#include <cstdint>

#include "../common/thread_pool.h"

namespace neurite {

enum class RnnActivation : int32_t { kTanh = 0, kRelu = 1 };
constexpr int32_t kRnnActivationCount = 2;

// gates (B, H): in xproj_t, out act(pre-activation) (cache). hprev (B, H), whh (H, H).
// h (B, H) written.
void rnn_cell_forward(ThreadPool& pool, int64_t B, int64_t H, RnnActivation act, float* gates,
                      const float* hprev, const float* whh, const float* mask, float* h) noexcept;

// dh (B, H) = dL/dh_t. dgates (B, H) written; dhprev (B, H) +=.
void rnn_cell_backward(ThreadPool& pool, int64_t B, int64_t H, RnnActivation act,
                       const float* gates, const float* whh, const float* mask, const float* dh,
                       float* dgates, float* dhprev) noexcept;

}  // namespace neurite
