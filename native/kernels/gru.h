// GRU cell, one time step over a batch (B rows, H hidden units); gate blocks r, z, n in
// PyTorch's order, each H wide. Equations and gradients: gru.md. Two conventions:
//
//   reset_after (PyTorch, cuDNN, Keras reset_after=True):
//     n = tanh(W_in x + b_in + r * (W_hn h_{t-1} + b_hn)),  h_t = (1 - z) * n + z * h_{t-1}
//   reset before (the course, Keras reset_after=False):
//     n = tanh(W_in x + b_in + W_hn (r * h_{t-1}) + b_hn),  h_t = (1 - z) * h_{t-1} + z * n
//
// gates (B, 3H): in W_ih x_t + b_ih (one GEMM over all steps by the caller), out r, z, n.
// b_hh is added here (b_hn sits inside the reset). aux (B, H) is a cache: W_hn h_{t-1} + b_hn
// (reset_after) or r * h_{t-1} (reset before). mask: B values, 0 marking a padded step, or nullptr.
// Backward writes dgates and daux and ACCUMULATES into dhprev.
#pragma once

#include <cstdint>

#include "../common/thread_pool.h"

namespace neurite {

// hprev (B, H), whh (3H, H), bhh (3H). h, aux (B, H) written.
void gru_cell_forward(ThreadPool& pool, int64_t B, int64_t H, bool reset_after, float* gates,
                      const float* hprev, const float* whh, const float* bhh, const float* mask,
                      float* h, float* aux) noexcept;

// dgates (B, 3H) = dL/d(W_ih x_t + b_ih); daux (B, H) = dL/d(W_hn h + b_hn) (reset_after) or
// dL/d(r * h_{t-1}) (reset before). dhprev (B, H) +=.
void gru_cell_backward(ThreadPool& pool, int64_t B, int64_t H, bool reset_after,
                       const float* gates, const float* aux, const float* hprev, const float* whh,
                       const float* mask, const float* dh, float* dgates, float* daux,
                       float* dhprev) noexcept;

// Whole sequences, as lstm_sequence_* (lstm.h): T steps of the kernels above with W_hh packed
// once and the batch rows split across the pool for the whole sequence; bit-identical to T
// step calls for any thread count. gates (T, B, 3H) and aux (T, B, H), slice t per step; mask
// (T, B) or nullptr; h (T + 1, B, H) state slots, the h0 slot filled by the caller.
void gru_sequence_forward(ThreadPool& pool, int64_t T, int64_t B, int64_t H, bool reset_after,
                          bool reverse, float* gates, const float* whh, const float* bhh,
                          const float* mask, float* h, float* aux) noexcept;

// Last step first. h the forward's state slots; dh (T + 1, B, H) slot gradients, on entry what
// reaches each slot from outside, each step adding its recurrent part into its prev slot.
// dgates (T, B, 3H) and daux (T, B, H) written.
void gru_sequence_backward(ThreadPool& pool, int64_t T, int64_t B, int64_t H, bool reset_after,
                           bool reverse, const float* gates, const float* aux, const float* h,
                           const float* whh, const float* mask, float* dh, float* dgates,
                           float* daux) noexcept;

}  // namespace neurite
