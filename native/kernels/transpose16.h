// A 16 x 16 float transpose in AVX-512 registers, for kernels that reorder data on the way
// into packed panels (im2col.cpp, gemm.cpp). x86-64 with GCC or Clang only: include it under
// NEURITE_TRANSPOSE16 and call it from functions compiled for avx512f.
#pragma once

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define NEURITE_TRANSPOSE16 1

namespace neurite {

// GCC 12's AVX-512 headers trip -Wmaybe-uninitialized (their _mm512_undefined_ps) here.
#pragma GCC diagnostic push
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
// r[i] lane j <-> r[j] lane i for a 16 x 16 block: pairs of rows interleaved by float, then by
// float pair, then 128-bit lanes gathered across rows in two rounds (64 shuffles in all).
__attribute__((target("avx512f"))) inline void transpose16x16(__m512 r[16]) {
  __m512 t[16];
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  // r[4k + m], 128-bit lane L: column 4L + m of rows 4k .. 4k + 3.
  for (int k = 0; k < 16; k += 4) {
    const __m512d a = _mm512_castps_pd(t[k]), b = _mm512_castps_pd(t[k + 1]);
    const __m512d c = _mm512_castps_pd(t[k + 2]), d = _mm512_castps_pd(t[k + 3]);
    r[k] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
    r[k + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
    r[k + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, d));
    r[k + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, d));
  }
  for (int i = 0; i < 16; ++i) t[i] = r[i];
  for (int m = 0; m < 4; ++m) {
    // Lanes 0 and 2, then 1 and 3, of rows m and 4 + m; of rows 8 + m and 12 + m.
    const __m512 s0 = _mm512_shuffle_f32x4(t[m], t[4 + m], 0x88);
    const __m512 s1 = _mm512_shuffle_f32x4(t[m], t[4 + m], 0xDD);
    const __m512 s2 = _mm512_shuffle_f32x4(t[8 + m], t[12 + m], 0x88);
    const __m512 s3 = _mm512_shuffle_f32x4(t[8 + m], t[12 + m], 0xDD);
    r[m] = _mm512_shuffle_f32x4(s0, s2, 0x88);
    r[4 + m] = _mm512_shuffle_f32x4(s1, s3, 0x88);
    r[8 + m] = _mm512_shuffle_f32x4(s0, s2, 0xDD);
    r[12 + m] = _mm512_shuffle_f32x4(s1, s3, 0xDD);
  }
}
#pragma GCC diagnostic pop

}  // namespace neurite

#endif
