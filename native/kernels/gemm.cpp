// sgemm (see gemm.h): rows of C are split over the thread pool; each row is built with an
// i-k-j loop whose inner loop the compiler vectorizes.
#include "gemm.h"

#include <algorithm>

namespace neurite {
namespace {

void gemm_rows(bool trans_a, bool trans_b, int64_t m0, int64_t m1, int64_t N, int64_t K,
               float alpha, const float* A, int64_t lda, const float* B, int64_t ldb, float beta,
               float* C, int64_t ldc) {
  for (int64_t m = m0; m < m1; ++m) {
    float* c = C + m * ldc;
    if (beta == 0.0f) {
      std::fill(c, c + N, 0.0f);
    } else if (beta != 1.0f) {
      for (int64_t n = 0; n < N; ++n) c[n] *= beta;
    }
    if (alpha == 0.0f) continue;
    for (int64_t k = 0; k < K; ++k) {
      const float a = alpha * (trans_a ? A[k * lda + m] : A[m * lda + k]);
      if (!trans_b) {
        const float* b = B + k * ldb;
        for (int64_t n = 0; n < N; ++n) c[n] += a * b[n];
      } else {
        for (int64_t n = 0; n < N; ++n) c[n] += a * B[n * ldb + k];
      }
    }
  }
}

}  // namespace

void sgemm(ThreadPool& pool, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K,
           float alpha, const float* A, int64_t lda, const float* B, int64_t ldb, float beta,
           float* C, int64_t ldc) noexcept {
  if (M == 0 || N == 0) return;
  const int64_t grain = std::max<int64_t>(1, (1 << 16) / std::max<int64_t>(N * K, 1));
  pool.parallel_for(M, grain, [&](int64_t m0, int64_t m1) {
    gemm_rows(trans_a, trans_b, m0, m1, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  });
}

void sgemm_batched(ThreadPool& pool, bool trans_a, bool trans_b, int64_t M, int64_t N,
                   int64_t K, float alpha, const float* A, int64_t lda, int64_t stride_a,
                   const float* B, int64_t ldb, int64_t stride_b, float beta, float* C,
                   int64_t ldc, int64_t stride_c, int64_t batch) noexcept {
  for (int64_t b = 0; b < batch; ++b) {
    sgemm(pool, trans_a, trans_b, M, N, K, alpha, A + b * stride_a, lda, B + b * stride_b, ldb,
          beta, C + b * stride_c, ldc);
  }
}

}  // namespace neurite
