// sgemm micro-kernel for AVX2 + FMA: a 6 x 16 tile of C in 12 ymm registers, the shape of
// BLIS's haswell kernel (bli_sgemm_haswell_asm_6x16); see ukernel.h for the contract.
// 12 accumulators + 2 loads of B + 1 broadcast of A use 15 of the 16 ymm registers.
//
// Built with -mavx2 -mfma (binding.gyp target neurite_gemm_avx2; CMake per-file options) and
// called only after cpu.cpp found AVX2, FMA and OS support for YMM state. Includes nothing but
// ukernel.h and the intrinsics header; helpers have internal linkage.
#if defined(__x86_64__) || defined(_M_X64)

#include <immintrin.h>

#include "ukernel.h"

#if defined(__GNUC__)
#define NEURITE_UNROLL_FULL _Pragma("GCC unroll 64")
#define NEURITE_UNROLL_K _Pragma("GCC unroll 4")
#else
#define NEURITE_UNROLL_FULL
#define NEURITE_UNROLL_K
#endif

namespace neurite {
namespace {

// ROWS rows by NV vectors of 8 floats, from A panels packed MR rows wide and B panels packed
// NR = 16 columns wide. ROWS < MR and NV < 2 serve edge tiles without computing padding.
template <int MR, int ROWS, int NV>
void sgemm_tile_avx2(int64_t k, const float* __restrict a, const float* __restrict b,
                     float* c, int64_t ldc, int m, int n, float beta) {
  constexpr int NR = 16;
  __m256 acc[ROWS][NV];
  NEURITE_UNROLL_FULL for (int i = 0; i < ROWS; ++i) {
    NEURITE_UNROLL_FULL for (int v = 0; v < NV; ++v) acc[i][v] = _mm256_setzero_ps();
  }
  NEURITE_UNROLL_K for (int64_t p = 0; p < k; ++p) {
    __m256 bv[NV];
    NEURITE_UNROLL_FULL for (int v = 0; v < NV; ++v) bv[v] = _mm256_load_ps(b + v * 8);
    NEURITE_UNROLL_FULL for (int i = 0; i < ROWS; ++i) {
      const __m256 ai = _mm256_broadcast_ss(a + i);
      NEURITE_UNROLL_FULL for (int v = 0; v < NV; ++v) acc[i][v] = _mm256_fmadd_ps(ai, bv[v], acc[i][v]);
    }
    a += MR;
    b += NR;
  }

  const __m256 vbeta = _mm256_set1_ps(beta);
  if (m == ROWS && n == NV * 8) {
    NEURITE_UNROLL_FULL for (int i = 0; i < ROWS; ++i) {
      NEURITE_UNROLL_FULL for (int v = 0; v < NV; ++v) {
        float* ci = c + i * ldc + v * 8;
        __m256 r = acc[i][v];
        if (beta != 0.0f) r = _mm256_fmadd_ps(vbeta, _mm256_loadu_ps(ci), r);
        _mm256_storeu_ps(ci, r);
      }
    }
    return;
  }
  // Edge tile: the same arithmetic through lane masks (lane j of vector v is live when
  // v * 8 + j < n), rows past m skipped.
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  __m256i mask[NV];
  NEURITE_UNROLL_FULL for (int v = 0; v < NV; ++v) {
    mask[v] = _mm256_cmpgt_epi32(_mm256_set1_epi32(n - v * 8), lanes);
  }
  NEURITE_UNROLL_FULL for (int i = 0; i < ROWS; ++i) {
    if (i >= m) break;
    NEURITE_UNROLL_FULL for (int v = 0; v < NV; ++v) {
      if (n - v * 8 <= 0) break;
      float* ci = c + i * ldc + v * 8;
      __m256 r = acc[i][v];
      if (beta != 0.0f) r = _mm256_fmadd_ps(vbeta, _mm256_maskload_ps(ci, mask[v]), r);
      _mm256_maskstore_ps(ci, mask[v], r);
    }
  }
}

}  // namespace

// Full tiles take the 6 x 16 path; an edge tile runs only the rows and 8-column vectors it
// needs. Each element is computed the same way by every variant.
void sgemm_ukernel_avx2_6x16(int64_t k, const float* a, const float* b, float* c, int64_t ldc,
                             int m, int n, float beta) {
#define NEURITE_ROWS(R)                                                  \
  case R:                                                                \
    if (n > 8) return sgemm_tile_avx2<6, R, 2>(k, a, b, c, ldc, m, n, beta); \
    return sgemm_tile_avx2<6, R, 1>(k, a, b, c, ldc, m, n, beta);
  switch (m) {
    NEURITE_ROWS(1)
    NEURITE_ROWS(2)
    NEURITE_ROWS(3)
    NEURITE_ROWS(4)
    NEURITE_ROWS(5)
    default:
      if (n > 8) return sgemm_tile_avx2<6, 6, 2>(k, a, b, c, ldc, m, n, beta);
      return sgemm_tile_avx2<6, 6, 1>(k, a, b, c, ldc, m, n, beta);
  }
#undef NEURITE_ROWS
}

}  // namespace neurite

#endif  // x86-64
