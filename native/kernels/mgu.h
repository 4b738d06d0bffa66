// Minimal Gated Unit (Zhou et al., 2016), one time step over a batch (B rows, H hidden units).
// Gate blocks f, n, each H wide (weight_hh (2H, H)):
//
//   f = sigmoid(W_if x + b_if + W_hf h_{t-1} + b_hf)
//   n = tanh(W_in x + b_in + W_hn (f * h_{t-1}) + b_hn)
//   h_t = (1 - f) * h_{t-1} + f * n
//
// As the GRU's reset-before convention with one gate as both reset and update. gates (B, 2H):
// in W_ih x_t + b_ih, out f and n. aux (B, H) caches f * h_{t-1}. mask: B values or nullptr.
#pragma once

#include <cstdint>

#include "../common/thread_pool.h"

namespace neurite {

void mgu_cell_forward(ThreadPool& pool, int64_t B, int64_t H, float* gates, const float* hprev,
                      const float* whh, const float* bhh, const float* mask, float* h,
                      float* aux) noexcept;

// dgates (B, 2H) written; daux (B, H) = dL/d(f * h_{t-1}) written; dhprev (B, H) +=.
void mgu_cell_backward(ThreadPool& pool, int64_t B, int64_t H, const float* gates,
                       const float* hprev, const float* whh, const float* mask, const float* dh,
                       float* dgates, float* daux, float* dhprev) noexcept;

// Whole sequences, as lstm_sequence_* (lstm.h): T steps with W_hh packed once and the batch
// rows split across the pool; bit-identical to T step calls for any thread count. gates
// (T, B, 2H) and aux (T, B, H), slice t per step; mask (T, B) or nullptr; h (T + 1, B, H) state
// slots, the h0 slot filled by the caller.
void mgu_sequence_forward(ThreadPool& pool, int64_t T, int64_t B, int64_t H, bool reverse,
                          float* gates, const float* whh, const float* bhh, const float* mask,
                          float* h, float* aux) noexcept;

// Last step first. dh (T + 1, B, H) slot gradients, each step adding into its prev slot;
// dgates (T, B, 2H) and daux (T, B, H) written.
void mgu_sequence_backward(ThreadPool& pool, int64_t T, int64_t B, int64_t H, bool reverse,
                           const float* gates, const float* h, const float* whh,
                           const float* mask, float* dh, float* dgates, float* daux) noexcept;

}  // namespace neurite
