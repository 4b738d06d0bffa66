// sgemm (see gemm.h), the BLIS way (flame/blislab step3/dgemm/my_dgemm.c, flame/blis
// docs/KernelsHowTo.md "Diagram for gemm"): five loops around a register-tile micro-kernel,
// with op(A) and op(B) copied into packed panels first.
//
//   M, N, K        op(A) is (M, K), op(B) is (K, N), C is (M, N)
//   MR, NR         register tile of the micro-kernel (gemm/ukernel_<isa>.cpp)
//   MC, KC, NC     cache blocks (gemm/params.h, one row per ISA)
//
// Packing absorbs the transposes and alpha: an MC x KC block of alpha * op(A) becomes MR-row
// micro-panels (column by column), a KC x NC block of op(B) becomes NR-column micro-panels
// (row by row); partial panels are zero-padded. The micro-kernel is picked once per call
// from the active ISA (common/cpu.h).
//
// Threads split C into column (or row) ranges, each computed by the five loops with the
// thread's own packing buffers; K is never split, and every element of C is summed in the
// same order by the same kernel whatever the split, so results are bit-identical for any
// thread count. Small products skip packing (gemm_small below).
//
// Not here: other data types, complex, or a hand-written assembly kernel.
#include "gemm.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#if defined(__SSE2__) || defined(_M_X64)
#include <xmmintrin.h>
#define NEURITE_GEMM_SSE 1
#endif

#include "../common/cpu.h"
#include "gemm/params.h"
#include "gemm/ukernel.h"
#include "transpose16.h"

namespace neurite {
namespace {

struct Dispatch {
  GemmBlocking blk;
  SgemmUkernel kernel;
};

// Packing buffers are sized from round_up(rows, MR) <= MC and round_up(cols, NR) <= NC.
constexpr bool blocks_fit() {
  for (const GemmBlocking& b : kGemmBlocking) {
    if (b.mc % b.mr != 0 || b.nc % b.nr != 0) return false;
  }
  return true;
}
static_assert(blocks_fit(), "gemm/params.h: MC must be a multiple of MR and NC of NR");

Dispatch dispatch_for(Isa isa) {
  switch (isa) {
#if defined(__x86_64__) || defined(_M_X64)
    case Isa::avx512:
      return {kGemmBlocking[static_cast<int>(Isa::avx512)], sgemm_ukernel_avx512_14x32};
    case Isa::avx2:
      return {kGemmBlocking[static_cast<int>(Isa::avx2)], sgemm_ukernel_avx2_6x16};
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
    case Isa::neon:
      return {kGemmBlocking[static_cast<int>(Isa::neon)], sgemm_ukernel_neon_8x12};
#endif
    default:
      return {kGemmBlocking[static_cast<int>(Isa::generic)], sgemm_ukernel_generic_4x16};
  }
}

// A 64-byte aligned float buffer that only grows. One per thread and operand, kept for the
// thread's life: first-touching fresh pages costs more than a small GEMM.
class PackBuffer {
 public:
  float* get(size_t n) {
    if (n > capacity_) {
      storage_.reset(new float[n + 16]);
      const auto addr = reinterpret_cast<uintptr_t>(storage_.get());
      aligned_ = reinterpret_cast<float*>((addr + 63) & ~static_cast<uintptr_t>(63));
      capacity_ = n;
    }
    return aligned_;
  }

 private:
  std::unique_ptr<float[]> storage_;
  float* aligned_ = nullptr;
  size_t capacity_ = 0;
};

thread_local PackBuffer t_pack_a;
thread_local PackBuffer t_pack_b;

inline void prefetch(const float* p) {
#if defined(__GNUC__)
  __builtin_prefetch(p);
#else
  (void)p;
#endif
}

struct Problem {
  bool trans_a, trans_b;
  int64_t M, N, K;
  float alpha;
  const float* A;
  int64_t lda;
  const float* B;
  int64_t ldb;
  float beta;
  float* C;
  int64_t ldc;
};

// dst[p * ld_dst + i] = scale * src[i * ld_src + p] for i < rows, p0 <= p < p1: one chunk of
// transpose_copy. On x86-64 it moves 4 x 4 blocks through SSE registers (baseline ISA, no
// flags); elsewhere the compiler gets the plain loop. kScale false skips the multiply in the
// SSE blocks (scale == 1, packing B: x * 1 == x, so the packed values are the same).
template <bool kScale>
void transpose_chunk(const float* src, int64_t ld_src, int rows, int64_t p0, int64_t p1,
                     float scale, float* dst, int ld_dst) {
  int i = 0;
#if defined(NEURITE_GEMM_SSE)
  const __m128 vscale = _mm_set1_ps(scale);
  for (; i + 4 <= rows; i += 4) {
    const float* s0 = src + i * ld_src;
    const float* s1 = s0 + ld_src;
    const float* s2 = s1 + ld_src;
    const float* s3 = s2 + ld_src;
    int64_t p = p0;
    for (; p + 4 <= p1; p += 4) {
      __m128 r0 = _mm_loadu_ps(s0 + p), r1 = _mm_loadu_ps(s1 + p);
      __m128 r2 = _mm_loadu_ps(s2 + p), r3 = _mm_loadu_ps(s3 + p);
      _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
      float* d = dst + p * ld_dst + i;
      _mm_storeu_ps(d, (kScale ? _mm_mul_ps(vscale, r0) : r0));
      _mm_storeu_ps(d + ld_dst, (kScale ? _mm_mul_ps(vscale, r1) : r1));
      _mm_storeu_ps(d + 2 * ld_dst, (kScale ? _mm_mul_ps(vscale, r2) : r2));
      _mm_storeu_ps(d + 3 * ld_dst, (kScale ? _mm_mul_ps(vscale, r3) : r3));
    }
    for (; p < p1; ++p) {
      float* d = dst + p * ld_dst + i;
      d[0] = scale * s0[p];
      d[1] = scale * s1[p];
      d[2] = scale * s2[p];
      d[3] = scale * s3[p];
    }
  }
#endif
  for (; i < rows; ++i) {
    const float* s = src + i * ld_src;
    for (int64_t p = p0; p < p1; ++p) dst[p * ld_dst + i] = scale * s[p];
  }
}

// dst[p * ld_dst + i] = scale * src[i * ld_src + p] for i < rows, p < cols: the transposing
// copy behind packing A (not transposed) and B (transposed). Rows of src are prefetched one
// panel ahead (`ahead` rows further), since runs of cols floats lda apart are too short for
// the hardware prefetcher. Columns go kChunk at a time, so the part of dst being filled
// (kChunk rows of ld_dst floats, 16 KiB for NR = 32) stays in L1 while each group of 4 source
// rows writes into it, instead of every group sweeping all of dst (KC * NR floats, 64 KiB).
// Measured on the development machine, 1 thread: NT 32x2048x512 80 -> 88 GFLOP/s (the
// recurrent product of an LSTM with hidden 512), NT 32x1024x288 81 -> 88; chunks of 32, 64
// and 256 columns were slower than 128. Skipping the multiply by 1 for B added about 3%.
void transpose_copy(const float* src, int64_t ld_src, int rows, int64_t cols, float scale,
                    float* dst, int ld_dst, int ahead) {
  for (int i = 0; i < ahead; ++i) {
    const float* next = src + (rows + i) * ld_src;
    for (int64_t p = 0; p < cols; p += 16) prefetch(next + p);
  }
  constexpr int64_t kChunk = 128;
  if (scale == 1.0f) {
    for (int64_t p0 = 0; p0 < cols; p0 += kChunk)
      transpose_chunk<false>(src, ld_src, rows, p0, std::min(cols, p0 + kChunk), scale, dst, ld_dst);
    return;
  }
  for (int64_t p0 = 0; p0 < cols; p0 += kChunk) {
    transpose_chunk<true>(src, ld_src, rows, p0, std::min(cols, p0 + kChunk), scale, dst, ld_dst);
  }
}

// pack_a when A is (K, M): row p of A holds column p of every panel of the block, so walk the
// rows once, dealing MR-float runs to the panels (as pack_b does for B), with rows 8 ahead
// prefetched (they are lda apart), instead of panel by panel, which reads a short run from
// each of kc rows per panel. The run length is fixed at compile time for each ISA's MR.
// Measured on the development machine, 1 thread, by CPU time: the LSTM weight gradient
// dW_hh (Aᵀ B, 512 x 128 over 1600 rows) went from 2.32-2.55 ms to 2.10-2.20 ms, packing
// from 27% to 15% of its profile.
template <int MR>
void pack_a_trans_runs(const Problem& pr, int64_t ic, int64_t pc, int64_t mc, int64_t kc,
                       float* out) {
  const float alpha = pr.alpha;
  const int64_t full = mc / MR * MR;
  for (int64_t p = 0; p < kc; ++p) {
    const float* src = pr.A + (pc + p) * pr.lda + ic;
    if (p + 8 < kc) for (int64_t q = 0; q < mc; q += 16) prefetch(src + 8 * pr.lda + q);
    float* d = out + p * MR;
    for (int64_t r = 0; r < full; r += MR, d += kc * MR) {
      for (int i = 0; i < MR; ++i) d[i] = alpha * src[r + i];
    }
    if (full < mc) {
      const int rows = static_cast<int>(mc - full);
      for (int i = 0; i < rows; ++i) d[i] = alpha * src[full + i];
      for (int i = rows; i < MR; ++i) d[i] = 0.0f;
    }
  }
}

// out[r * kc + p * MR + i] = alpha * A[pc + p][ic + r + i], rows past mc zero (pack_a's layout).
void pack_a_trans(const Problem& pr, int64_t ic, int64_t pc, int64_t mc, int64_t kc, int MR,
                  float* out) {
  switch (MR) {
    case 4: return pack_a_trans_runs<4>(pr, ic, pc, mc, kc, out);
    case 6: return pack_a_trans_runs<6>(pr, ic, pc, mc, kc, out);
    case 8: return pack_a_trans_runs<8>(pr, ic, pc, mc, kc, out);
    case 14: return pack_a_trans_runs<14>(pr, ic, pc, mc, kc, out);
    default: break;
  }
  for (int64_t r = 0; r < mc; r += MR) {
    const int rows = static_cast<int>(std::min<int64_t>(MR, mc - r));
    for (int64_t p = 0; p < kc; ++p) {
      const float* src = pr.A + (pc + p) * pr.lda + ic + r;
      float* d = out + r * kc + p * MR;
      for (int i = 0; i < rows; ++i) d[i] = pr.alpha * src[i];
      for (int i = rows; i < MR; ++i) d[i] = 0.0f;
    }
  }
}

#if defined(NEURITE_TRANSPOSE16)
// One MR = 14 panel of pack_a for A (M, K) on AVX-512 (the MR of its micro-kernel): 16
// columns of the panel's rows at a time, transposed in registers (two rows of zeros) into 16
// runs of 14 floats. Each store but the last of a step is whole, its two extra lanes landing
// on the next run, which is written next. The SSE 4 x 4 blocks of transpose_copy left two of
// the 14 rows to a scalar loop, which cost as much as the other twelve.
#pragma GCC diagnostic push
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
__attribute__((target("avx512f"))) void pack_a14_avx512(const float* A, int64_t lda, int rows,
                                                        int64_t kc, float alpha, float* dst) {
  const __m512 scale = _mm512_set1_ps(alpha);
  int64_t p = 0;
  for (; p + 16 <= kc; p += 16) {
    __m512 r[16];
    for (int i = 0; i < 16; ++i) {
      r[i] = i < rows ? _mm512_mul_ps(scale, _mm512_loadu_ps(A + i * lda + p))
                      : _mm512_setzero_ps();
    }
    transpose16x16(r);
    float* d = dst + p * 14;
    for (int j = 0; j < 15; ++j) _mm512_storeu_ps(d + j * 14, r[j]);
    _mm512_mask_storeu_ps(d + 15 * 14, 0x3FFF, r[15]);
  }
  for (; p < kc; ++p) {
    for (int i = 0; i < 14; ++i) dst[p * 14 + i] = i < rows ? alpha * A[i * lda + p] : 0.0f;
  }
}
#pragma GCC diagnostic pop
#endif

// Packs alpha * op(A)[ic : ic+mc, pc : pc+kc] into MR-row micro-panels:
// out[r * kc + p * MR + i] = alpha * op(A)[ic + r + i][pc + p], rows past mc zero.
void pack_a(const Problem& pr, int64_t ic, int64_t pc, int64_t mc, int64_t kc, int MR,
            float* out) {
  if (pr.trans_a) {
    pack_a_trans(pr, ic, pc, mc, kc, MR, out);
    return;
  }
  const float alpha = pr.alpha;
  for (int64_t r = 0; r < mc; r += MR) {
    const int rows = static_cast<int>(std::min<int64_t>(MR, mc - r));
    float* dst = out + r * kc;
#if defined(NEURITE_TRANSPOSE16)
    // MR 14 is the AVX-512 micro-kernel's, so the CPU has AVX-512.
    if (MR == 14) {
      pack_a14_avx512(pr.A + (ic + r) * pr.lda + pc, pr.lda, rows, kc, alpha, dst);
      continue;
    }
#endif
    // A is (M, K): row i of the panel is contiguous in A.
    const int ahead = static_cast<int>(std::min<int64_t>(MR, std::max<int64_t>(0, mc - r - MR)));
    transpose_copy(pr.A + (ic + r) * pr.lda + pc, pr.lda, rows, kc, alpha, dst, MR, ahead);
    for (int i = rows; i < MR; ++i)
      for (int64_t p = 0; p < kc; ++p) dst[p * MR + i] = 0.0f;
  }
}

// Packs op(B)[pc : pc+kc, jc : jc+nc] into NR-column micro-panels:
// out[q * kc + p * NR + j] = op(B)[pc + p][jc + q + j], columns past nc zero.
// dst[q * kc + j] = src[q + j] for each run of NR floats in src[0, n).
template <int NR>
void copy_runs(const float* src, int64_t n, int64_t kc, float* dst) {
  for (int64_t q = 0; q < n; q += NR, dst += kc * NR) {
    std::memcpy(dst, src + q, NR * sizeof(float));
  }
}

void pack_b(const Problem& pr, int64_t pc, int64_t jc, int64_t kc, int64_t nc, int NR,
            float* out) {
  if (!pr.trans_b) {
    // B is (K, N): walk the rows of the block left to right, dealing NR-float runs to panels,
    // kPanelGroup panels at a time: going panel by panel would touch kc pages per panel, and
    // all panels of a row at once writes to more places kc * NR floats apart (the same L1
    // set) than the cache has ways.
    constexpr int64_t kPanelGroup = 8;
    const int64_t full = nc / NR * NR;
    for (int64_t q0 = 0; q0 < full; q0 += kPanelGroup * NR) {
      const int64_t q1 = std::min(full, q0 + kPanelGroup * NR);
      for (int64_t p = 0; p < kc; ++p) {
        const float* src = pr.B + (pc + p) * pr.ldb + jc + q0;
        float* d = out + q0 * kc + p * NR;
        // Fixed-size copies for the usual panel widths, which the compiler unrolls.
        switch (NR) {
          case 32: copy_runs<32>(src, q1 - q0, kc, d); break;
          case 16: copy_runs<16>(src, q1 - q0, kc, d); break;
          default:
            for (int64_t q = 0; q < q1 - q0; q += NR, d += kc * NR) {
              for (int j = 0; j < NR; ++j) d[j] = src[q + j];
            }
        }
      }
    }
    for (int64_t p = 0; p < kc; ++p) {
      const float* src = pr.B + (pc + p) * pr.ldb + jc;
      float* d = out + p * NR + full * kc;
      if (full < nc) {
        const int cols = static_cast<int>(nc - full);
        for (int j = 0; j < cols; ++j) d[j] = src[full + j];
        for (int j = cols; j < NR; ++j) d[j] = 0.0f;
      }
    }
    return;
  }
  for (int64_t q = 0; q < nc; q += NR) {
    const int cols = static_cast<int>(std::min<int64_t>(NR, nc - q));
    float* dst = out + q * kc;
    // B is (N, K): column j of the panel is contiguous in B.
    const int ahead = static_cast<int>(std::min<int64_t>(NR, std::max<int64_t>(0, nc - q - NR)));
    transpose_copy(pr.B + (jc + q) * pr.ldb + pc, pr.ldb, cols, kc, 1.0f, dst, NR, ahead);
    for (int j = cols; j < NR; ++j)
      for (int64_t p = 0; p < kc; ++p) dst[p * NR + j] = 0.0f;
  }
}

int64_t round_up(int64_t x, int64_t to) { return (x + to - 1) / to * to; }

// Rows of A small enough that all of them, packed KC deep, stay in L2 (see gemm_block_thin).
constexpr int64_t kThinBytes = 512 * 1024;

// C[m0:m1, n0:n1] when op(B) is Bᵀ and m1 - m0 is small (training shapes: a batch of rows
// against a wide layer). The same loops with the 3-rd loop gone (one block holds every row)
// and B packed one NR panel at a time right before the kernel uses it: the panel is consumed
// from L1/L2 instead of round-tripping a KC x NC block through L3. Each C element is computed
// exactly as in gemm_block.
void gemm_block_thin(const Dispatch& d, const Problem& pr, int64_t m0, int64_t m1, int64_t n0,
                     int64_t n1) {
  const int MR = d.blk.mr, NR = d.blk.nr;
  const int64_t KC = d.blk.kc, NC = d.blk.nc;
  const int64_t mc = m1 - m0;
  float* Ap = t_pack_a.get(static_cast<size_t>(round_up(mc, MR) * std::min(KC, pr.K)));
  float* Bp = t_pack_b.get(static_cast<size_t>(NR * std::min(KC, pr.K)));
  for (int64_t jc = n0; jc < n1; jc += NC) {  // 5-th loop around micro-kernel
    const int64_t nc = std::min(NC, n1 - jc);
    for (int64_t pc = 0; pc < pr.K; pc += KC) {  // 4-th loop around micro-kernel
      const int64_t kc = std::min(KC, pr.K - pc);
      const float beta = pc == 0 ? pr.beta : 1.0f;
      pack_a(pr, m0, pc, mc, kc, MR, Ap);  // 3-rd loop: a single block
      for (int64_t jr = 0; jr < nc; jr += NR) {  // 2-nd loop around micro-kernel
        const int n = static_cast<int>(std::min<int64_t>(NR, nc - jr));
        pack_b(pr, pc, jc + jr, kc, n, NR, Bp);
        // Fetch the next panel's rows of B while the kernels below run on this one.
        const int64_t next = std::min<int64_t>(NR, nc - jr - NR);
        for (int64_t j = 0; j < next; ++j) {
          const float* src = pr.B + (jc + jr + NR + j) * pr.ldb + pc;
          for (int64_t p = 0; p < kc; p += 16) prefetch(src + p);
        }
        float* c = pr.C + m0 * pr.ldc + jc + jr;
        for (int64_t ir = 0; ir < mc; ir += MR) {  // 1-th loop around micro-kernel
          const int m = static_cast<int>(std::min<int64_t>(MR, mc - ir));
          d.kernel(kc, Ap + ir * kc, Bp, c + ir * pr.ldc, pr.ldc, m, n, beta);
        }
      }
    }
  }
}

// C[m0:m1, n0:n1] of the product, on the calling thread.
void gemm_block(const Dispatch& d, const Problem& pr, int64_t m0, int64_t m1, int64_t n0,
                int64_t n1) {
  const int MR = d.blk.mr, NR = d.blk.nr;
  const int64_t MC = d.blk.mc, KC = d.blk.kc, NC = d.blk.nc;
  if (pr.trans_b &&
      round_up(m1 - m0, MR) * std::min(KC, pr.K) * static_cast<int64_t>(sizeof(float)) <= kThinBytes) {
    gemm_block_thin(d, pr, m0, m1, n0, n1);
    return;
  }
  float* Ap = t_pack_a.get(static_cast<size_t>(std::min(MC, round_up(m1 - m0, MR)) *
                                               std::min(KC, pr.K)));
  float* Bp = t_pack_b.get(static_cast<size_t>(std::min(NC, round_up(n1 - n0, NR)) *
                                               std::min(KC, pr.K)));

  for (int64_t jc = n0; jc < n1; jc += NC) {  // 5-th loop around micro-kernel
    const int64_t nc = std::min(NC, n1 - jc);
    for (int64_t pc = 0; pc < pr.K; pc += KC) {  // 4-th loop around micro-kernel
      const int64_t kc = std::min(KC, pr.K - pc);
      // The first KC block applies beta; later ones add to what it wrote.
      const float beta = pc == 0 ? pr.beta : 1.0f;
      pack_b(pr, pc, jc, kc, nc, NR, Bp);
      for (int64_t ic = m0; ic < m1; ic += MC) {  // 3-rd loop around micro-kernel
        const int64_t mc = std::min(MC, m1 - ic);
        pack_a(pr, ic, pc, mc, kc, MR, Ap);
        for (int64_t jr = 0; jr < nc; jr += NR) {  // 2-nd loop around micro-kernel
          const int n = static_cast<int>(std::min<int64_t>(NR, nc - jr));
          const float* b = Bp + jr * kc;
          float* c = pr.C + ic * pr.ldc + jc + jr;
          for (int64_t ir = 0; ir < mc; ir += MR) {  // 1-th loop around micro-kernel
            const int m = static_cast<int>(std::min<int64_t>(MR, mc - ir));
            d.kernel(kc, Ap + ir * kc, b, c + ir * pr.ldc, pr.ldc, m, n, beta);
          }
        }
      }
    }
  }
}

// Rows [m0, m1) without packing: i-k-j (or dot products when B is transposed), the inner loop
// over contiguous memory for the compiler to vectorize. For products too small to repay packing.
void gemm_small_rows(const Problem& pr, int64_t m0, int64_t m1) {
  const int64_t N = pr.N, K = pr.K;
  for (int64_t m = m0; m < m1; ++m) {
    float* c = pr.C + m * pr.ldc;
    if (pr.beta == 0.0f) {
      std::fill(c, c + N, 0.0f);
    } else if (pr.beta != 1.0f) {
      for (int64_t n = 0; n < N; ++n) c[n] *= pr.beta;
    }
    if (pr.trans_b) {
      for (int64_t n = 0; n < N; ++n) {
        const float* b = pr.B + n * pr.ldb;
        float s = 0.0f;
        if (pr.trans_a) {
          for (int64_t k = 0; k < K; ++k) s += pr.A[k * pr.lda + m] * b[k];
        } else {
          const float* a = pr.A + m * pr.lda;
          for (int64_t k = 0; k < K; ++k) s += a[k] * b[k];
        }
        c[n] += pr.alpha * s;
      }
    } else {
      for (int64_t k = 0; k < K; ++k) {
        const float a = pr.alpha * (pr.trans_a ? pr.A[k * pr.lda + m] : pr.A[m * pr.lda + k]);
        const float* b = pr.B + k * pr.ldb;
        for (int64_t n = 0; n < N; ++n) c[n] += a * b[n];
      }
    }
  }
}

// Products this small (or this thin) run unpacked: copying the panels would cost about as
// much as the product. Depends on the shape only, so the result never depends on threads.
bool is_small(int64_t M, int64_t N, int64_t K) {
  return M <= 2 || N <= 2 || M * N * K <= 16 * 16 * 16;
}

// Work (M*N*K) each thread should get at least: about 10 us of FMAs, well above the cost of
// waking a pool thread.
constexpr int64_t kMinWorkPerThread = int64_t{1} << 20;

// Runs block(m0, m1, n0, n1) as up to `threads` tasks on `pool`, each over a range of whole
// micro-tiles of C's columns (split_n) or rows, the full extent of the other dimension.
template <typename Block>
void run_split(ThreadPool& pool, const Dispatch& d, int64_t M, int64_t N, int threads,
               bool split_n, Block&& block) {
  const int64_t unit = split_n ? d.blk.nr : d.blk.mr;
  const int64_t extent = split_n ? N : M;
  const int64_t tiles = (extent + unit - 1) / unit;
  const int tasks = static_cast<int>(std::min<int64_t>(threads, tiles));
  pool.run(tasks, [&](int t) {
    const int64_t begin = std::min(extent, tiles * t / tasks * unit);
    const int64_t end = std::min(extent, tiles * (t + 1) / tasks * unit);
    if (begin >= end) return;
    if (split_n) {
      block(0, M, begin, end);
    } else {
      block(begin, end, 0, N);
    }
  });
}

// Runs the product with up to `threads` tasks on `pool` (nullptr: the calling thread only).
void gemm(ThreadPool* pool, const Problem& pr) {
  const int64_t M = pr.M, N = pr.N, K = pr.K;
  if (M == 0 || N == 0) return;
  const int64_t work = M * N * std::max<int64_t>(K, 1);
  int threads = pool ? pool->size() : 1;
  threads = static_cast<int>(std::min<int64_t>(threads, std::max<int64_t>(1, work / kMinWorkPerThread)));

  if (K == 0 || pr.alpha == 0.0f || is_small(M, N, K)) {
    // gemm_small_rows also covers C := beta * C (its k loop is empty when K == 0; alpha == 0
    // makes every term +-0 unless A or B holds Inf/NaN, so skip them as BLAS does).
    Problem p = pr;
    if (K == 0 || pr.alpha == 0.0f) p.K = 0;
    if (threads <= 1 || M < 2) {
      gemm_small_rows(p, 0, M);
    } else {
      pool->parallel_for(M, 1, [&](int64_t m0, int64_t m1) { gemm_small_rows(p, m0, m1); });
    }
    return;
  }

  const Dispatch d = dispatch_for(active_isa());
  if (threads <= 1) {
    gemm_block(d, pr, 0, M, 0, N);
    return;
  }
  // Split the dimension whose redundant packing is cheaper (each task packs all of the other
  // operand): columns when M <= N, as long as there are enough micro-tiles to share.
  const int64_t tiles_m = (M + d.blk.mr - 1) / d.blk.mr;
  const int64_t tiles_n = (N + d.blk.nr - 1) / d.blk.nr;
  const bool split_n = tiles_n >= threads && tiles_m >= threads ? M <= N : tiles_n >= tiles_m;
  run_split(*pool, d, M, N, threads, split_n, [&](int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
    gemm_block(d, pr, m0, m1, n0, n1);
  });
}

// The packed op(B) (see gemm.h): KC-row blocks one after another, block pc holding its
// round_up(N, NR) columns as NR-wide micro-panels of kc rows (pack_b's layout), so the panel
// for columns [q, q + NR) of block pc starts at pc * round_up(N, NR) + q * kc.
const float* packed_panel(const float* packed, int64_t pc, int64_t q, int64_t kc, int64_t n_pad) {
  return packed + pc * n_pad + q * kc;
}

// C[m0:m1, n0:n1] from a packed op(B), on the calling thread; n0 is a multiple of NR. The loops
// of gemm_block with the B packing gone: each C element gets the same micro-kernel calls on
// the same panel values, block by block in K, as in gemm_block and gemm_block_thin.
void gemm_block_packed(const Dispatch& d, const Problem& pr, const float* packed, int64_t m0,
                       int64_t m1, int64_t n0, int64_t n1) {
  const int MR = d.blk.mr, NR = d.blk.nr;
  const int64_t MC = d.blk.mc, KC = d.blk.kc;
  const int64_t n_pad = round_up(pr.N, NR);
  float* Ap = t_pack_a.get(static_cast<size_t>(std::min(MC, round_up(m1 - m0, MR)) *
                                               std::min(KC, pr.K)));
  for (int64_t pc = 0; pc < pr.K; pc += KC) {  // 4-th loop around micro-kernel
    const int64_t kc = std::min(KC, pr.K - pc);
    const float beta = pc == 0 ? pr.beta : 1.0f;
    for (int64_t ic = m0; ic < m1; ic += MC) {  // 3-rd loop around micro-kernel
      const int64_t mc = std::min(MC, m1 - ic);
      pack_a(pr, ic, pc, mc, kc, MR, Ap);
      for (int64_t jr = n0; jr < n1; jr += NR) {  // 2-nd loop around micro-kernel
        const int n = static_cast<int>(std::min<int64_t>(NR, n1 - jr));
        const float* b = packed_panel(packed, pc, jr, kc, n_pad);
        float* c = pr.C + ic * pr.ldc + jr;
        for (int64_t ir = 0; ir < mc; ir += MR) {  // 1-th loop around micro-kernel
          const int m = static_cast<int>(std::min<int64_t>(MR, mc - ir));
          d.kernel(kc, Ap + ir * kc, b, c + ir * pr.ldc, pr.ldc, m, n, beta);
        }
      }
    }
  }
}

// C := beta * C, as gemm_small_rows computes it with an empty K loop.
void scale_rows(const Problem& pr, int64_t m0, int64_t m1) {
  Problem p = pr;
  p.K = 0;
  gemm_small_rows(p, m0, m1);
}

// sgemm_packed_b with up to pool->size() tasks (nullptr: the calling thread only), split as
// gemm() splits.
void gemm_packed(ThreadPool* pool, const Problem& pr, const float* packed) {
  const int64_t M = pr.M, N = pr.N, K = pr.K;
  if (M <= 0 || N <= 0) return;
  if (K == 0 || pr.alpha == 0.0f) {
    scale_rows(pr, 0, M);
    return;
  }
  const Dispatch d = dispatch_for(active_isa());
  int threads = pool ? pool->size() : 1;
  threads = static_cast<int>(std::min<int64_t>(threads, std::max<int64_t>(1, M * N * K / kMinWorkPerThread)));
  if (threads <= 1) {
    gemm_block_packed(d, pr, packed, 0, M, 0, N);
    return;
  }
  const int64_t tiles_m = (M + d.blk.mr - 1) / d.blk.mr;
  const int64_t tiles_n = (N + d.blk.nr - 1) / d.blk.nr;
  // The packed B is shared, so only A is packed redundantly by a column split.
  const bool split_n = tiles_n >= threads || tiles_n >= tiles_m;
  run_split(*pool, d, M, N, threads, split_n, [&](int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
    gemm_block_packed(d, pr, packed, m0, m1, n0, n1);
  });
}

}  // namespace

PackedBLayout sgemm_packed_b_layout() noexcept {
  const GemmBlocking& blk = dispatch_for(active_isa()).blk;
  return {blk.kc, blk.nr};
}

int64_t sgemm_packed_b_size(int64_t K, int64_t N) noexcept {
  const GemmBlocking& blk = dispatch_for(active_isa()).blk;
  return std::max<int64_t>(K, 0) * round_up(std::max<int64_t>(N, 0), blk.nr);
}

void sgemm_pack_b(ThreadPool& pool, bool trans_b, int64_t K, int64_t N, const float* B,
                  int64_t ldb, float* packed) noexcept {
  if (K <= 0 || N <= 0) return;
  const GemmBlocking blk = dispatch_for(active_isa()).blk;
  const int NR = blk.nr;
  const int64_t KC = blk.kc, n_pad = round_up(N, NR);
  Problem pr{false, trans_b, 0, N, K, 1.0f, nullptr, 0, B, ldb, 0.0f, nullptr, 0};
  const int64_t panels = n_pad / NR;
  // Whole panels per task; each panel is packed by one thread, so the layout is the same.
  const int64_t grain = std::max<int64_t>(1, (int64_t{1} << 16) / std::max<int64_t>(NR * K, 1));
  pool.parallel_for(panels, grain, [&](int64_t q0, int64_t q1) {
    const int64_t j0 = q0 * NR, j1 = std::min(N, q1 * NR);
    for (int64_t pc = 0; pc < K; pc += KC) {
      const int64_t kc = std::min(KC, K - pc);
      pack_b(pr, pc, j0, kc, j1 - j0, NR, packed + pc * n_pad + j0 * kc);
    }
  });
}

void sgemm_packed_b(ThreadPool& pool, bool trans_a, int64_t M, int64_t N, int64_t K, float alpha,
                    const float* A, int64_t lda, const float* packed, float beta, float* C,
                    int64_t ldc) noexcept {
  gemm_packed(&pool, {trans_a, false, M, N, K, alpha, A, lda, nullptr, 0, beta, C, ldc}, packed);
}

void sgemm_packed_b_serial(bool trans_a, int64_t M, int64_t N, int64_t K, float alpha,
                           const float* A, int64_t lda, const float* packed, float beta, float* C,
                           int64_t ldc) noexcept {
  gemm_packed(nullptr, {trans_a, false, M, N, K, alpha, A, lda, nullptr, 0, beta, C, ldc}, packed);
}

bool sgemm_packs(int64_t M, int64_t N, int64_t K) noexcept {
  return M > 0 && N > 0 && K > 0 && !is_small(M, N, K);
}

void sgemm(ThreadPool& pool, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K,
           float alpha, const float* A, int64_t lda, const float* B, int64_t ldb, float beta,
           float* C, int64_t ldc) noexcept {
  gemm(&pool, {trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc});
}

void sgemm_batched(ThreadPool& pool, bool trans_a, bool trans_b, int64_t M, int64_t N,
                   int64_t K, float alpha, const float* A, int64_t lda, int64_t stride_a,
                   const float* B, int64_t ldb, int64_t stride_b, float beta, float* C,
                   int64_t ldc, int64_t stride_c, int64_t batch) noexcept {
  if (batch <= 0) return;
  auto one = [&](ThreadPool* p, int64_t b) {
    gemm(p, {trans_a, trans_b, M, N, K, alpha, A + b * stride_a, lda, B + b * stride_b, ldb,
             beta, C + b * stride_c, ldc});
  };
  // Many small products: one thread per group of whole products (each product is computed
  // the same way on any thread, so results still do not depend on the thread count).
  const int64_t work = M * N * std::max<int64_t>(K, 1);
  if (batch > 1 && pool.size() > 1 && work < 4 * kMinWorkPerThread * pool.size()) {
    pool.parallel_for(batch, 1, [&](int64_t b0, int64_t b1) {
      for (int64_t b = b0; b < b1; ++b) one(nullptr, b);
    });
    return;
  }
  for (int64_t b = 0; b < batch; ++b) one(&pool, b);
}

}  // namespace neurite
