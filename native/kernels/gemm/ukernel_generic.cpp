// Portable sgemm micro-kernels (see ukernel.h for the contract): the fallback on any CPU and
// the oracle the SIMD kernels are tested against. Plain C++ for the baseline target (x86-64
// SSE2, armv8-a); the compiler vectorizes the fixed-size inner loops, nothing more.
#include "ukernel.h"

namespace neurite {

void sgemm_ukernel_generic_4x16(int64_t k, const float* a, const float* b, float* c,
                                int64_t ldc, int m, int n, float beta) {
  constexpr int MR = 4, NR = 16;
  float acc[MR][NR] = {};
  for (int64_t p = 0; p < k; ++p) {
    for (int i = 0; i < MR; ++i) {
      const float ai = a[i];
      for (int j = 0; j < NR; ++j) acc[i][j] += ai * b[j];
    }
    a += MR;
    b += NR;
  }
  for (int i = 0; i < m; ++i) {
    float* ci = c + i * ldc;
    if (beta == 0.0f) {
      for (int j = 0; j < n; ++j) ci[j] = acc[i][j];
    } else {
      for (int j = 0; j < n; ++j) ci[j] = beta * ci[j] + acc[i][j];
    }
  }
}

void sgemm_ukernel_reference(int mr, int nr, int64_t k, const float* a, const float* b,
                             float* c, int64_t ldc, int m, int n, float beta) {
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      float s = 0.0f;
      for (int64_t p = 0; p < k; ++p) s += a[p * mr + i] * b[p * nr + j];
      float* cij = c + i * ldc + j;
      *cij = beta == 0.0f ? s : beta * *cij + s;
    }
  }
}

}  // namespace neurite
