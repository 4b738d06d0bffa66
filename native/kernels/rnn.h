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

// Whole sequences, as lstm_sequence_* (lstm.h): T steps with W_hh packed once and the batch
// rows split across the pool; bit-identical to T step calls for any thread count. gates
// (T, B, H), slice t per step; mask (T, B) or nullptr; h (T + 1, B, H) state slots, the h0 slot
// filled by the caller.
void rnn_sequence_forward(ThreadPool& pool, int64_t T, int64_t B, int64_t H, RnnActivation act,
                          bool reverse, float* gates, const float* whh, const float* mask,
                          float* h) noexcept;

// Last step first. dh (T + 1, B, H) slot gradients, each step adding into its prev slot;
// dgates (T, B, H) written.
void rnn_sequence_backward(ThreadPool& pool, int64_t T, int64_t B, int64_t H, RnnActivation act,
                           bool reverse, const float* gates, const float* whh, const float* mask,
                           float* dh, float* dgates) noexcept;

}  // namespace neurite
