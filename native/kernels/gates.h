// Gate math shared by the recurrent cell kernels (rnn, lstm, gru, mgu): activations, the
// recurrent GEMM on sub-blocks of row-major buffers, and the batch split over the pool.
// Header-only; the JS mirror is src/backend/js/gates.ts.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

#include "../common/cpu.h"
#include "../common/thread_pool.h"
#include "gemm.h"
#include "workspace.h"

// Row loops run through for_rows are compiled three times on x86-64 with GCC or Clang: for the
// baseline ISA, with target("avx2") and with target("avx512f") (function attributes, so the
// build needs no per-file flags), and each call takes the clone of the active ISA
// (common/cpu.h), as GEMM does. The row functions and everything they call must be inlined
// into the clone (NEURITE_GATE_INLINE), or they stay baseline code. Contraction of a multiply
// and an add into an FMA is off in the clones, so every ISA computes the same bits.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define NEURITE_GATE_CLONES 1
#else
#define NEURITE_GATE_CLONES 0
#endif

#if defined(__GNUC__) || defined(__clang__)
#define NEURITE_GATE_ALWAYS __attribute__((always_inline))
#else
#define NEURITE_GATE_ALWAYS
#endif
#define NEURITE_GATE_INLINE NEURITE_GATE_ALWAYS inline

#if defined(__clang__)
// Clang has no per-function fp-contract switch; the pragma turns contraction off for the rest
// of the including file, as in simd_loop.h.
#pragma STDC FP_CONTRACT OFF
#define NEURITE_GATE_NO_CONTRACT
#elif defined(__GNUC__)
#define NEURITE_GATE_NO_CONTRACT __attribute__((optimize("fp-contract=off")))
#else
#define NEURITE_GATE_NO_CONTRACT
#endif

namespace neurite::gates {

// Activations written branch-free and inline so the gate loops vectorize (libm's expf and
// tanhf are calls the compiler cannot vectorize). Error bounds, checked over a dense sweep of
// [-30, 30] in native/test/recurrent_test.cpp against double-precision libm:
//   fast_exp: relative error <= 2e-7 on [-87, 88] (inputs are clamped to that range)
//   sigmoid:  absolute error <= 1.5e-7        tanh: absolute error <= 1.5e-7, relative <= 2e-7
// (measured: 8.2e-8, 8.9e-8, 8.9e-8 and 1.5e-7)
//
// Selects go through bit masks (`blend`), not `?:`: with the default -ftrapping-math, GCC keeps
// a conditional followed by floating-point arithmetic as control flow and then will not
// vectorize the loop.

// cond ? a : b, computed without a branch.
NEURITE_GATE_INLINE float blend(bool cond, float a, float b) {
  const int32_t m = -static_cast<int32_t>(cond);
  return std::bit_cast<float>((std::bit_cast<int32_t>(a) & m) | (std::bit_cast<int32_t>(b) & ~m));
}

// exp(x): x = k ln2 + r with |r| <= ln2/2 (Cody-Waite, two-part ln2), a degree-7 polynomial for
// exp(r) (Cephes expf coefficients), then 2^k put straight into the exponent bits.
NEURITE_GATE_INLINE float fast_exp(float x) {
  x = blend(x < -87.0f, -87.0f, x);
  x = blend(x > 88.0f, 88.0f, x);
  // Adding 1.5 * 2^23 rounds to the nearest integer (the default rounding mode).
  const float magic = 12582912.0f;
  const float k = (x * 1.44269504088896341f + magic) - magic;
  float r = x - k * 0.693359375f;
  r = r - k * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float y = p * r * r + r + 1.0f;
  const int32_t n = static_cast<int32_t>(k);
  return std::bit_cast<float>(std::bit_cast<int32_t>(y) + n * (1 << 23));
}

NEURITE_GATE_INLINE float sigmoid(float x) { return 1.0f / (1.0f + fast_exp(-x)); }

// tanh: an odd polynomial near 0 (Cephes tanhf, |x| < 0.625), where (1 - e) / (1 + e) would
// lose relative precision, and (1 - e) / (1 + e) with e = exp(-2|x|) elsewhere.
NEURITE_GATE_INLINE float tanh(float x) {
  const float a = std::fabs(x);
  const float z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  const float small = x + x * z * p;
  const float e = fast_exp(-2.0f * a);
  const float big = std::bit_cast<float>(std::bit_cast<int32_t>((1.0f - e) / (1.0f + e)) |
                                         (std::bit_cast<int32_t>(x) & INT32_MIN));
  return blend(a < 0.625f, small, big);
}

// C (rows, n; ldc) = beta * C + A (rows, k; lda) times op(W): W is (n, k) when trans_w (the
// forward product h W^T), (k, n) otherwise (the backward product dgates W).
inline void gemm_block(ThreadPool& pool, bool trans_w, int64_t rows, int64_t n, int64_t k,
                       const float* A, int64_t lda, const float* W, int64_t ldw, float beta,
                       float* C, int64_t ldc) {
  if (rows == 0 || n == 0) return;
  sgemm(pool, false, trans_w, rows, n, k, 1.0f, A, lda, W, ldw, beta, C, ldc);
}

// True when row b takes a real step (no mask, or a non-zero mask value).
NEURITE_GATE_INLINE bool live(const float* mask, int64_t b) { return mask == nullptr || mask[b] != 0.0f; }

namespace detail {

template <typename Fn>
NEURITE_GATE_NO_CONTRACT void rows_generic(const Fn& fn, int64_t b0, int64_t b1) {
  fn(b0, b1);
}

#if NEURITE_GATE_CLONES
template <typename Fn>
__attribute__((target("avx2"))) NEURITE_GATE_NO_CONTRACT void rows_avx2(const Fn& fn, int64_t b0,
                                                                        int64_t b1) {
  fn(b0, b1);
}

template <typename Fn>
__attribute__((target("avx512f"))) NEURITE_GATE_NO_CONTRACT void rows_avx512(const Fn& fn,
                                                                            int64_t b0, int64_t b1) {
  fn(b0, b1);
}
#endif

}  // namespace detail

// fn(b0, b1) on the calling thread, in the clone for the active ISA. fn must be a lambda marked
// NEURITE_GATE_ALWAYS (after its parameter list) whose callees are NEURITE_GATE_INLINE.
template <typename Fn>
inline void simd_rows(const Fn& fn, int64_t b0, int64_t b1) {
#if NEURITE_GATE_CLONES
  switch (active_isa()) {
    case Isa::avx512: return detail::rows_avx512(fn, b0, b1);
    case Isa::avx2: return detail::rows_avx2(fn, b0, b1);
    default: break;
  }
#endif
  detail::rows_generic(fn, b0, b1);
}

// Runs fn(b0, b1) over batch rows [0, B), split across the pool when the work is large enough
// to pay for the hand-off, each chunk in the clone for the active ISA (see simd_rows).
template <typename Fn>
inline void for_rows(ThreadPool& pool, int64_t B, int64_t H, const Fn& fn) {
  const int64_t grain = std::max<int64_t>(1, 4096 / std::max<int64_t>(H, 1));
  pool.parallel_for(B, grain, [&](int64_t b0, int64_t b1) { simd_rows(fn, b0, b1); });
}

// Sequence kernels (lstm_sequence_*, gru_sequence_*): step k of a sequence walked forward (or
// in reverse), its time step t and the state slots it reads (prev) and writes (cur).
struct SeqStep {
  int64_t t, prev, cur;
};

inline SeqStep seq_step(int64_t T, bool reverse, int64_t k) {
  const int64_t t = reverse ? T - 1 - k : k;
  return {t, reverse ? t + 1 : t, reverse ? t : t + 1};
}

// Threads for a whole sequence split by batch rows: rows never interact, so each thread runs
// every step on its own rows with no synchronization between steps. per_row_step: multiply-adds
// of one row's recurrent products in one step.
inline int sequence_tasks(const ThreadPool& pool, int64_t T, int64_t B, int64_t per_row_step) {
  const int64_t by_work = std::max<int64_t>(1, T * B * per_row_step / (int64_t{1} << 20));
  return static_cast<int>(std::min<int64_t>({pool.size(), B, by_work}));
}

// Runs fn(b0, b1) once per task of sequence_tasks, each on its own contiguous range of the
// batch rows [0, B).
template <typename Fn>
void sequence_rows(ThreadPool& pool, int64_t T, int64_t B, int64_t per_row_step, Fn&& fn) {
  const int tasks = sequence_tasks(pool, T, B, per_row_step);
  pool.run(tasks, [&](int task) {
    const int64_t b0 = B * task / tasks, b1 = B * (task + 1) / tasks;
    if (b0 < b1) fn(b0, b1);
  });
}

// op(W) (K, N) packed for sgemm_packed_b into workspace slot `slot` of the calling thread,
// 64-byte aligned; valid until that slot is next requested on this thread.
inline float* pack_weight(ThreadPool& pool, int slot, bool trans, int64_t K, int64_t N,
                          const float* w, int64_t ldw) {
  float* packed = aligned_workspace(slot, sgemm_packed_b_size(K, N));
  sgemm_pack_b(pool, trans, K, N, w, ldw, packed);
  return packed;
}

// Rows [b0, b1) of one step's product from a packed weight, on the calling thread:
// C (rows, n; ldc) = beta * C + A (rows, k; lda) op(W), op(W) packed by pack_weight.
inline void rows_product(int64_t b0, int64_t b1, int64_t n, int64_t k, const float* A,
                         int64_t lda, const float* packed, float beta, float* C, int64_t ldc) {
  sgemm_packed_b_serial(false, b1 - b0, n, k, 1.0f, A + b0 * lda, lda, packed, beta,
                        C + b0 * ldc, ldc);
}

}  // namespace neurite::gates
