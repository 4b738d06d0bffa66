// sgemm_dot_accumulate (see gemm_dot.h).
//
// A register tile holds MT x NT accumulators, each a vector of L partial sums: lane l of
// acc[i][j] sums A[m0+i][p] * B[n0+j][p] over the p with p % L == l, image after image (the
// last partial vector of each image row is loaded with a mask, so padding lanes add 0 * 0).
// Each step loads MT vectors of A and NT of B for MT * NT FMAs: 4 x 6 on AVX-512 (24 of the 32
// zmm registers) and 3 x 4 on AVX2 (12 of 16 ymm). The portable path sums in scalar order.
//
// The AVX2 and AVX-512 paths are compiled through function target attributes (GCC and Clang
// on x86-64), so the file needs no per-ISA flags; the process-wide ISA (common/cpu.h) picks one.
// Tiles go column block by column block: a block of NT rows of B (the im2col matrix, the
// larger operand) is reused from cache by every row block of A before the next is read.
#include "gemm_dot.h"

#include <algorithm>

#include "../common/cpu.h"
#include "lane_mask.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define NEURITE_DOT_X86 1
#else
#define NEURITE_DOT_X86 0
#endif

namespace neurite {
namespace {

struct DotProblem {
  int64_t M, N, P, images;
  const float* a;
  int64_t lda, a_image;
  const float* b;
  int64_t ldb, b_image;
  float* c;
  int64_t ldc;
};

// C[m0 : m0+mt, n0 : n0+nt] += the tile's dot products.
using TileFn = void (*)(const DotProblem& d, int64_t m0, int64_t n0);

void tile_generic(const DotProblem& d, int64_t m0, int64_t n0, int mt, int nt) {
  for (int i = 0; i < mt; ++i) {
    for (int j = 0; j < nt; ++j) {
      float s = 0.0f;
      for (int64_t img = 0; img < d.images; ++img) {
        const float* a = d.a + img * d.a_image + (m0 + i) * d.lda;
        const float* b = d.b + img * d.b_image + (n0 + j) * d.ldb;
        for (int64_t p = 0; p < d.P; ++p) s += a[p] * b[p];
      }
      d.c[(m0 + i) * d.ldc + n0 + j] += s;
    }
  }
}

#if NEURITE_DOT_X86

// Lane sum of four floats in a fixed order: (0 + 2) + (1 + 3). The last step of both wider
// reductions below.
inline float reduce_add4(__m128 s4) {
  const __m128 s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));
  return _mm_cvtss_f32(_mm_add_ss(s2, _mm_shuffle_ps(s2, s2, 1)));
}

// GCC 12's AVX-512 headers build these shuffles from _mm512_undefined_ps(), which its
// -Wuninitialized flags by mistake.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
// Lane sum of an AVX-512 vector in a fixed order: halves added, then quarters, and so on, in
// registers rather than through memory.
__attribute__((target("avx512f"))) inline float reduce_add_avx512(__m512 v) {
  const __m512 halves = _mm512_add_ps(v, _mm512_shuffle_f32x4(v, v, 0x4E));
  const __m512 quarters = _mm512_add_ps(halves, _mm512_shuffle_f32x4(halves, halves, 0xB1));
  return reduce_add4(_mm512_castps512_ps128(quarters));
}
#pragma GCC diagnostic pop

// One step of a tile: MT vectors of A, NT of B, MT * NT multiply-adds at column p.
template <int MT, int NT, bool kMasked>
__attribute__((target("avx512f"), always_inline)) inline void step_avx512(
    __m512 (&acc)[MT][NT], const float* const (&a)[MT], const float* const (&b)[NT], int64_t p,
    __mmask16 mask) {
  __m512 av[MT];
#pragma GCC unroll 4
  for (int i = 0; i < MT; ++i)
    av[i] = kMasked ? _mm512_maskz_loadu_ps(mask, a[i] + p) : _mm512_loadu_ps(a[i] + p);
#pragma GCC unroll 6
  for (int j = 0; j < NT; ++j) {
    const __m512 bv = kMasked ? _mm512_maskz_loadu_ps(mask, b[j] + p) : _mm512_loadu_ps(b[j] + p);
#pragma GCC unroll 4
    for (int i = 0; i < MT; ++i) acc[i][j] = _mm512_fmadd_ps(av[i], bv, acc[i][j]);
  }
}

template <int MT, int NT>
__attribute__((target("avx512f"))) void tile_avx512(const DotProblem& d, int64_t m0, int64_t n0) {
  __m512 acc[MT][NT];
#pragma GCC unroll 4
  for (int i = 0; i < MT; ++i)
#pragma GCC unroll 6
    for (int j = 0; j < NT; ++j) acc[i][j] = _mm512_setzero_ps();
  const int64_t full = d.P / 16 * 16;
  const __mmask16 tail = static_cast<__mmask16>(first_lanes16(d.P % 16));
  for (int64_t img = 0; img < d.images; ++img) {
    // Row pointers in registers; the loops below only advance p.
    const float* a[MT];
    const float* b[NT];
#pragma GCC unroll 4
    for (int i = 0; i < MT; ++i) a[i] = d.a + img * d.a_image + (m0 + i) * d.lda;
#pragma GCC unroll 6
    for (int j = 0; j < NT; ++j) b[j] = d.b + img * d.b_image + (n0 + j) * d.ldb;
    for (int64_t p = 0; p < full; p += 16) step_avx512<MT, NT, false>(acc, a, b, p, 0);
    if (tail) step_avx512<MT, NT, true>(acc, a, b, full, tail);
  }
#pragma GCC unroll 4
  for (int i = 0; i < MT; ++i)
#pragma GCC unroll 6
    for (int j = 0; j < NT; ++j) d.c[(m0 + i) * d.ldc + n0 + j] += reduce_add_avx512(acc[i][j]);
}

// Lane sum of an AVX2 vector in a fixed order, in registers: the two halves, then as above.
__attribute__((target("avx2"))) inline float reduce_add_avx2(__m256 v) {
  return reduce_add4(_mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1)));
}

template <int MT, int NT>
__attribute__((target("avx2,fma"))) void tile_avx2(const DotProblem& d, int64_t m0, int64_t n0) {
  __m256 acc[MT][NT];
#pragma GCC unroll 3
  for (int i = 0; i < MT; ++i)
#pragma GCC unroll 4
    for (int j = 0; j < NT; ++j) acc[i][j] = _mm256_setzero_ps();
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i all = _mm256_set1_epi32(-1);
  const __m256i tail = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(d.P % 8)), lane);
  for (int64_t img = 0; img < d.images; ++img) {
    const float* a = d.a + img * d.a_image + m0 * d.lda;
    const float* b = d.b + img * d.b_image + n0 * d.ldb;
    for (int64_t p = 0; p < d.P; p += 8) {
      const __m256i mask = d.P - p >= 8 ? all : tail;
      __m256 av[MT];
#pragma GCC unroll 3
      for (int i = 0; i < MT; ++i) av[i] = _mm256_maskload_ps(a + i * d.lda + p, mask);
#pragma GCC unroll 4
      for (int j = 0; j < NT; ++j) {
        const __m256 bv = _mm256_maskload_ps(b + j * d.ldb + p, mask);
#pragma GCC unroll 3
        for (int i = 0; i < MT; ++i) acc[i][j] = _mm256_fmadd_ps(av[i], bv, acc[i][j]);
      }
    }
  }
#pragma GCC unroll 3
  for (int i = 0; i < MT; ++i)
#pragma GCC unroll 4
    for (int j = 0; j < NT; ++j) d.c[(m0 + i) * d.ldc + n0 + j] += reduce_add_avx2(acc[i][j]);
}

// table[mt - 1][nt - 1] = Tile<mt, nt>, for the edge tiles.
template <template <int, int> class Tile, int MT, int NT>
struct TileTable {
  TileFn fn[MT][NT];
  constexpr TileTable() : fn() { fill<1>(); }
  template <int I>
  constexpr void fill() {
    if constexpr (I <= MT) {
      fill_row<I, 1>();
      fill<I + 1>();
    }
  }
  template <int I, int J>
  constexpr void fill_row() {
    if constexpr (J <= NT) {
      fn[I - 1][J - 1] = &Tile<I, J>::run;
      fill_row<I, J + 1>();
    }
  }
};

template <int MT, int NT>
struct Avx512Tile {
  static void run(const DotProblem& d, int64_t m0, int64_t n0) { tile_avx512<MT, NT>(d, m0, n0); }
};
template <int MT, int NT>
struct Avx2Tile {
  static void run(const DotProblem& d, int64_t m0, int64_t n0) { tile_avx2<MT, NT>(d, m0, n0); }
};

constexpr TileTable<Avx512Tile, 4, 6> kAvx512Tiles{};
constexpr TileTable<Avx2Tile, 3, 4> kAvx2Tiles{};

#endif  // NEURITE_DOT_X86

// Tiles whose column block lies in [tn0, tn1): column block by column block, rows inside.
void run_tiles(const DotProblem& d, Isa isa, int MT, int NT, int64_t tn0, int64_t tn1,
               int64_t tm0, int64_t tm1) {
  for (int64_t tn = tn0; tn < tn1; ++tn) {
    const int64_t n0 = tn * NT;
    const int nt = static_cast<int>(std::min<int64_t>(NT, d.N - n0));
    for (int64_t tm = tm0; tm < tm1; ++tm) {
      const int64_t m0 = tm * MT;
      const int mt = static_cast<int>(std::min<int64_t>(MT, d.M - m0));
#if NEURITE_DOT_X86
      if (isa == Isa::avx512) {
        kAvx512Tiles.fn[mt - 1][nt - 1](d, m0, n0);
        continue;
      }
      if (isa == Isa::avx2) {
        kAvx2Tiles.fn[mt - 1][nt - 1](d, m0, n0);
        continue;
      }
#endif
      (void)isa;
      tile_generic(d, m0, n0, mt, nt);
    }
  }
}

// Work (multiply-adds) each thread should get at least, as in sgemm.
constexpr int64_t kMinWorkPerThread = int64_t{1} << 20;

}  // namespace

void sgemm_dot_accumulate(ThreadPool& pool, int64_t M, int64_t N, int64_t P, int64_t images,
                          const float* a, int64_t lda, int64_t a_image, const float* b,
                          int64_t ldb, int64_t b_image, float* c, int64_t ldc) noexcept {
  if (M <= 0 || N <= 0 || P <= 0 || images <= 0) return;
  const DotProblem d{M, N, P, images, a, lda, a_image, b, ldb, b_image, c, ldc};
  const Isa isa = active_isa();
  int MT = 1, NT = 4;
#if NEURITE_DOT_X86
  if (isa == Isa::avx512) MT = 4, NT = 6;
  if (isa == Isa::avx2) MT = 3, NT = 4;
#endif
  const int64_t tiles_m = (M + MT - 1) / MT, tiles_n = (N + NT - 1) / NT;
  const int64_t work = M * N * P * images;
  const int threads = static_cast<int>(
      std::min<int64_t>(pool.size(), std::max<int64_t>(1, work / kMinWorkPerThread)));
  if (threads <= 1) {
    run_tiles(d, isa, MT, NT, 0, tiles_n, 0, tiles_m);
    return;
  }
  // Split the column blocks (each thread then reads its own rows of B, the larger operand),
  // or the row blocks when there are too few column blocks to share.
  if (tiles_n >= threads) {
    pool.parallel_for(tiles_n, 1, [&](int64_t t0, int64_t t1) {
      run_tiles(d, isa, MT, NT, t0, t1, 0, tiles_m);
    });
  } else {
    pool.parallel_for(tiles_m, 1, [&](int64_t t0, int64_t t1) {
      run_tiles(d, isa, MT, NT, 0, tiles_n, t0, t1);
    });
  }
}

}  // namespace neurite
