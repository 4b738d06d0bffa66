// sgemm micro-kernel for AVX-512F: a 14 x 32 tile of C in 28 zmm registers (see ukernel.h for
// the contract). Per step of k: two 16-float loads of B, 14 broadcasts of A, 28 FMAs. On the
// development machine (AMD EPYC, family 19h) 14 x 32, 12 x 32, 8 x 48 and 6 x 64 ran within
// noise of each other in full products; 14 x 32 has the most accumulators, so the most slack
// for FMA latency, and the fewest loads per FMA of those.
//
// Built with -mavx512f -mfma (binding.gyp target neurite_gemm_avx512; CMake per-file options)
// and called only after cpu.cpp found AVX-512F and OS support for ZMM state. Includes nothing
// but ukernel.h and the intrinsics header, and keeps its helpers in an anonymous namespace:
// shared inline code compiled here could be picked by the linker for baseline callers.
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

// ROWS rows by NV vectors of 16 floats, from A panels packed MR rows wide and B panels packed
// NR = 32 columns wide. ROWS < MR and NV < 2 serve edge tiles without computing padding.
template <int MR, int ROWS, int NV>
void sgemm_tile_avx512(int64_t k, const float* __restrict a, const float* __restrict b,
                       float* c, int64_t ldc, int m, int n, float beta) {
  constexpr int NR = 32;
  // C's rows are ldc apart, each a new line to fetch when the tile is written back: start
  // fetching them now, under the k loop, when that is long enough to hide them (1024^3 and
  // 2048^3: 1-3% faster; short loops only paid for the extra instructions).
  if (k >= 256) {
    NEURITE_UNROLL_FULL for (int i = 0; i < ROWS; ++i) {
      NEURITE_UNROLL_FULL for (int v = 0; v < NV; ++v) {
        _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + v * 16), _MM_HINT_T0);
      }
    }
  }
  __m512 acc[ROWS][NV];
  NEURITE_UNROLL_FULL for (int i = 0; i < ROWS; ++i) {
    NEURITE_UNROLL_FULL for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_setzero_ps();
  }
  NEURITE_UNROLL_K for (int64_t p = 0; p < k; ++p) {
    __m512 bv[NV];
    NEURITE_UNROLL_FULL for (int v = 0; v < NV; ++v) bv[v] = _mm512_load_ps(b + v * 16);
    NEURITE_UNROLL_FULL for (int i = 0; i < ROWS; ++i) {
      const __m512 ai = _mm512_set1_ps(a[i]);
      NEURITE_UNROLL_FULL for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_fmadd_ps(ai, bv[v], acc[i][v]);
    }
    a += MR;
    b += NR;
  }

  const __m512 vbeta = _mm512_set1_ps(beta);
  if (m == ROWS && n == NV * 16) {
    NEURITE_UNROLL_FULL for (int i = 0; i < ROWS; ++i) {
      NEURITE_UNROLL_FULL for (int v = 0; v < NV; ++v) {
        float* ci = c + i * ldc + v * 16;
        __m512 r = acc[i][v];
        if (beta != 0.0f) r = _mm512_fmadd_ps(vbeta, _mm512_loadu_ps(ci), r);
        _mm512_storeu_ps(ci, r);
      }
    }
    return;
  }
  // Edge tile: the same arithmetic through lane masks, rows past m skipped.
  __mmask16 mask[NV];
  NEURITE_UNROLL_FULL for (int v = 0; v < NV; ++v) {
    const int left = n - v * 16;
    mask[v] = left >= 16 ? static_cast<__mmask16>(0xFFFF)
                         : static_cast<__mmask16>(left <= 0 ? 0 : (1u << left) - 1);
  }
  NEURITE_UNROLL_FULL for (int i = 0; i < ROWS; ++i) {
    if (i >= m) break;
    NEURITE_UNROLL_FULL for (int v = 0; v < NV; ++v) {
      if (mask[v] == 0) break;
      float* ci = c + i * ldc + v * 16;
      __m512 r = acc[i][v];
      if (beta != 0.0f) r = _mm512_fmadd_ps(vbeta, _mm512_maskz_loadu_ps(mask[v], ci), r);
      _mm512_mask_storeu_ps(ci, mask[v], r);
    }
  }
}

}  // namespace

// Full tiles take the 14 x 32 path; an edge tile runs only the row pairs and 16-column
// vectors it needs. Each element is computed the same way by every variant.
void sgemm_ukernel_avx512_14x32(int64_t k, const float* a, const float* b, float* c,
                                int64_t ldc, int m, int n, float beta) {
#define NEURITE_ROWS(R)                                                   \
  case (R) / 2:                                                           \
    if (n > 16) return sgemm_tile_avx512<14, R, 2>(k, a, b, c, ldc, m, n, beta); \
    return sgemm_tile_avx512<14, R, 1>(k, a, b, c, ldc, m, n, beta);
  switch ((m + 1) / 2) {
    NEURITE_ROWS(2)
    NEURITE_ROWS(4)
    NEURITE_ROWS(6)
    NEURITE_ROWS(8)
    NEURITE_ROWS(10)
    NEURITE_ROWS(12)
    default:
      if (n > 16) return sgemm_tile_avx512<14, 14, 2>(k, a, b, c, ldc, m, n, beta);
      return sgemm_tile_avx512<14, 14, 1>(k, a, b, c, ldc, m, n, beta);
  }
#undef NEURITE_ROWS
}

}  // namespace neurite

#endif  // x86-64
