// sgemm against a double-precision triple loop, over shapes that are not multiples of any
// block size, both transposes, alpha/beta and padded leading dimensions, at 1 and 2 threads.
#include "../kernels/gemm.h"

#include <cmath>
#include <vector>

#include "check.h"

using neurite::test::fill_pattern;

namespace {

void naive(bool ta, bool tb, int M, int N, int K, float alpha, const float* A, int lda,
           const float* B, int ldb, float beta, std::vector<double>& C, int ldc) {
  for (int m = 0; m < M; ++m)
    for (int n = 0; n < N; ++n) {
      double s = 0;
      for (int k = 0; k < K; ++k)
        s += static_cast<double>(ta ? A[k * lda + m] : A[m * lda + k]) *
             (tb ? B[n * ldb + k] : B[k * ldb + n]);
      C[m * ldc + n] = alpha * s + (beta == 0.0f ? 0.0 : beta * C[m * ldc + n]);
    }
}

void check_case(neurite::ThreadPool& pool, bool ta, bool tb, int M, int N, int K, float alpha,
                float beta, int pad) {
  const int lda = (ta ? M : K) + pad, ldb = (tb ? K : N) + pad, ldc = N + pad;
  std::vector<float> A((ta ? K : M) * lda + 1), B((tb ? N : K) * ldb + 1), C(M * ldc + 1);
  fill_pattern(A, 1);
  fill_pattern(B, 2);
  fill_pattern(C, 3);
  std::vector<double> ref(C.begin(), C.end());
  naive(ta, tb, M, N, K, alpha, A.data(), lda, B.data(), ldb, beta, ref, ldc);
  neurite::sgemm(pool, ta, tb, M, N, K, alpha, A.data(), lda, B.data(), ldb, beta, C.data(), ldc);
  const double tol = 1e-5 * (K + 1);
  for (int m = 0; m < M; ++m)
    for (int n = 0; n < N; ++n) CHECK_NEAR(C[m * ldc + n], ref[m * ldc + n], tol);
}

}  // namespace

TEST(sgemm_matches_naive_on_odd_shapes) {
  for (int threads : {1, 2}) {
    neurite::ThreadPool pool(threads);
    for (bool ta : {false, true})
      for (bool tb : {false, true})
        for (int M : {1, 7, 33})
          for (int N : {1, 17, 50})
            for (int K : {1, 13, 129})
              check_case(pool, ta, tb, M, N, K, 1.5f, (M + N) % 2 ? 0.0f : 0.5f, (K % 3));
  }
}

TEST(sgemm_beta_zero_ignores_nan_in_c) {
  neurite::ThreadPool pool(1);
  std::vector<float> A(6, 1.0f), B(6, 1.0f), C(4, NAN);
  neurite::sgemm(pool, false, false, 2, 2, 3, 1.0f, A.data(), 3, B.data(), 2, 0.0f, C.data(), 2);
  for (float c : C) CHECK(c == 3.0f);
}
