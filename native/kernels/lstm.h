// LSTM cell, one time step over a batch (B rows, H hidden units). Equations and gradients:
// lstm.md. Gate blocks in PyTorch's order, each H wide: i, f, g, o with the forget gate (G = 4),
// or i, g, o without it (G = 3: C_t = C_{t-1} + i * g). Peepholes: peep holds P_i, [P_f,] P_o.
//
// gates (B, G*H): in W_ih x_t + b_ih + b_hh (one GEMM over all steps by the caller), out the
// gate activations, kept for backward. mask: B values, 0 marking a padded step (h and C carry
// over), or nullptr. Backward writes dgates and ACCUMULATES into dhprev, dcprev, dpeep.
#pragma once

#include <cstdint>

#include "../common/thread_pool.h"

namespace neurite {

// hprev, cprev (B, H); whh (G*H, H); peep ((G-1)*H) read only when peephole. h, c (B, H) written.
void lstm_cell_forward(ThreadPool& pool, int64_t B, int64_t H, bool forget_gate, bool peephole,
                       float* gates, const float* hprev, const float* cprev, const float* whh,
                       const float* peep, const float* mask, float* h, float* c) noexcept;

// gates as left by forward; cprev, c (B, H) the cell state before and after; dh, dc (B, H)
// the gradients reaching h_t and C_t. dgates (B, G*H) written; dhprev, dcprev, dpeep +=.
void lstm_cell_backward(ThreadPool& pool, int64_t B, int64_t H, bool forget_gate, bool peephole,
                        const float* gates, const float* cprev, const float* c, const float* whh,
                        const float* peep, const float* mask, const float* dh, const float* dc,
                        float* dgates, float* dhprev, float* dcprev, float* dpeep) noexcept;

// Whole sequences: T steps of the kernels above with W_hh packed once (sgemm_pack_b) and the
// batch rows split across the pool for the whole sequence (rows never interact), so there is
// one hand-off per sequence rather than several per step. Results are bit-identical to
// calling the step kernels T times, for any thread count.
//
// Step k = 0..T-1 is time t = k (t = T-1-k when reverse); it reads state slot prev = t
// (t + 1 when reverse) and writes slot cur = t + 1 (t). gates (T, B, G*H) as for the step
// kernel, slice t per step; mask (T, B) or nullptr; h, c (T + 1, B, H) state slots, the slot
// of h0 / c0 filled by the caller.
void lstm_sequence_forward(ThreadPool& pool, int64_t T, int64_t B, int64_t H, bool forget_gate,
                           bool peephole, bool reverse, float* gates, const float* whh,
                           const float* peep, const float* mask, float* h, float* c) noexcept;

// The backward steps in reverse order of the forward's. c (T + 1, B, H) the cell-state slots
// of the forward; dh, dc (T + 1, B, H) slot gradients: on entry what reaches each slot from
// outside, each step adding its recurrent part into its prev slot. dgates (T, B, G*H) written;
// dpeep +=.
void lstm_sequence_backward(ThreadPool& pool, int64_t T, int64_t B, int64_t H, bool forget_gate,
                            bool peephole, bool reverse, const float* gates, const float* c,
                            const float* whh, const float* peep, const float* mask, float* dh,
                            float* dc, float* dgates, float* dpeep) noexcept;

}  // namespace neurite
