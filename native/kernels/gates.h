// Gate math shared by the recurrent cell kernels (rnn, lstm, gru, mgu): activations, the
// recurrent GEMM on sub-blocks of row-major buffers, and the batch split over the pool.
// Header-only; the JS mirror is src/backend/js/gates.ts.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "../common/thread_pool.h"
#include "gemm.h"

namespace neurite::gates {

inline float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

// C (rows, n; ldc) = beta * C + A (rows, k; lda) times op(W): W is (n, k) when trans_w (the
// forward product h W^T), (k, n) otherwise (the backward product dgates W).
inline void gemm_block(ThreadPool& pool, bool trans_w, int64_t rows, int64_t n, int64_t k,
                       const float* A, int64_t lda, const float* W, int64_t ldw, float beta,
                       float* C, int64_t ldc) {
  if (rows == 0 || n == 0) return;
  sgemm(pool, false, trans_w, rows, n, k, 1.0f, A, lda, W, ldw, beta, C, ldc);
}

// True when row b takes a real step (no mask, or a non-zero mask value).
inline bool live(const float* mask, int64_t b) { return mask == nullptr || mask[b] != 0.0f; }

// Runs fn(b0, b1) over batch rows [0, B), split across the pool when the work is large enough
// to pay for the hand-off.
template <typename Fn>
inline void for_rows(ThreadPool& pool, int64_t B, int64_t H, Fn&& fn) {
  const int64_t grain = std::max<int64_t>(1, 4096 / std::max<int64_t>(H, 1));
  pool.parallel_for(B, grain, [&](int64_t b0, int64_t b1) { fn(b0, b1); });
}

}  // namespace neurite::gates
