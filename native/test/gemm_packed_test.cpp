// sgemm with B packed once (sgemm_pack_b / sgemm_packed_b), on each ISA this machine supports:
// bit-identical to sgemm on the same operands whenever sgemm packs, for both layouts of B, at
// 1-3 threads and with the rows of C split between calls; close to sgemm on the small shapes
// sgemm computes directly; C := beta * C when K or alpha is 0.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "../common/cpu.h"
#include "../kernels/gemm.h"
#include "../kernels/gemm/params.h"
#include "check.h"

using neurite::Isa;
using neurite::test::fill_pattern;

namespace {

// A 64-byte aligned run of n floats inside a vector.
struct Aligned {
  explicit Aligned(int64_t n) : storage(static_cast<size_t>(n) + 16) {
    const auto addr = reinterpret_cast<uintptr_t>(storage.data());
    data = reinterpret_cast<float*>((addr + 63) & ~static_cast<uintptr_t>(63));
  }
  std::vector<float> storage;
  float* data;
};

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

void check_packed(bool ta, bool tb, int M, int N, int K, float alpha, float beta) {
  const int pad = 2;
  const int lda = (ta ? M : K) + pad, ldb = (tb ? K : N) + pad, ldc = N + pad;
  std::vector<float> A(static_cast<size_t>(ta ? K : M) * lda + 1);
  std::vector<float> B(static_cast<size_t>(tb ? N : K) * ldb + 1);
  std::vector<float> C0(static_cast<size_t>(M) * ldc + 1);
  fill_pattern(A, static_cast<unsigned>(M + 5 * N + 3 * K));
  fill_pattern(B, static_cast<unsigned>(7 * M + N + 2 * K));
  fill_pattern(C0, 9);
  neurite::ThreadPool one(1);
  std::vector<float> want = C0;
  neurite::sgemm(one, ta, tb, M, N, K, alpha, A.data(), lda, B.data(), ldb, beta, want.data(), ldc);
  const bool exact = neurite::sgemm_packs(M, N, K) || K == 0 || alpha == 0.0f;
  for (int threads = 1; threads <= 3; ++threads) {
    neurite::ThreadPool pool(threads);
    const int64_t size = neurite::sgemm_packed_b_size(K, N);
    CHECK(size >= static_cast<int64_t>(K) * N);
    Aligned packed(size);
    neurite::sgemm_pack_b(pool, tb, K, N, B.data(), ldb, packed.data);
    std::vector<float> got = C0;
    neurite::sgemm_packed_b(pool, ta, M, N, K, alpha, A.data(), lda, packed.data, beta, got.data(), ldc);
    // The rows of C in two calls on the calling thread, as the recurrent kernels split them.
    std::vector<float> split = C0;
    const int m0 = M / 3;
    const float* A1 = ta ? A.data() + m0 : A.data() + static_cast<size_t>(m0) * lda;
    neurite::sgemm_packed_b_serial(ta, m0, N, K, alpha, A.data(), lda, packed.data, beta,
                                   split.data(), ldc);
    neurite::sgemm_packed_b_serial(ta, M - m0, N, K, alpha, A1, lda, packed.data, beta,
                                   split.data() + static_cast<size_t>(m0) * ldc, ldc);
    if (exact) {
      const bool ok = same_bits(got, want) && same_bits(split, want);
      if (!ok) {
        std::fprintf(stderr, "%s tA=%d tB=%d M=%d N=%d K=%d threads=%d: packed != sgemm\n",
                     neurite::isa_name(neurite::active_isa()), ta, tb, M, N, K, threads);
      }
      CHECK(ok);
    } else {
      const double tol = 1e-5 * (K + 2);
      int bad = 0;
      for (size_t i = 0; i < want.size(); ++i) {
        bad += !(std::fabs(got[i] - want[i]) <= tol) || !(std::fabs(split[i] - want[i]) <= tol);
      }
      CHECK(bad == 0);
    }
  }
}

template <typename Fn>
void for_each_isa(Fn fn) {
  const Isa before = neurite::active_isa();
  for (Isa isa : {Isa::generic, Isa::avx2, Isa::avx512, Isa::neon}) {
    if (!neurite::set_active_isa(isa)) continue;
    fn(isa);
  }
  neurite::set_active_isa(before);
}

}  // namespace

TEST(sgemm_packed_b_matches_sgemm_each_isa) {
  for_each_isa([](Isa isa) {
    const auto blk = neurite::kGemmBlocking[static_cast<int>(isa)];
    for (bool ta : {false, true})
      for (bool tb : {false, true}) {
        // Edges around MR and NR, K just past one and two KC blocks, the small-product path.
        check_packed(ta, tb, 2 * blk.mr + 1, 3 * blk.nr - 1, blk.kc + 3, 1.0f, 0.0f);
        check_packed(ta, tb, blk.mr - 1, blk.nr + 1, 37, -0.5f, 1.0f);
        check_packed(ta, tb, 5, 2 * blk.nr, 2 * blk.kc + 1, 2.0f, 0.25f);
        check_packed(ta, tb, 1, 7, 9, 1.0f, 0.5f);
        check_packed(ta, tb, 4, 2, 33, 1.0f, 0.0f);
        check_packed(ta, tb, 7, 9, 0, 1.0f, 0.5f);
        check_packed(ta, tb, 7, 9, 11, 0.0f, -2.0f);
      }
    // M past one MC block; the shapes of a recurrent step.
    check_packed(false, false, blk.mc + blk.mr + 1, 2 * blk.nr + 5, 20, 1.0f, 0.5f);
    check_packed(false, true, 32, 512, 128, 1.0f, 1.0f);
    check_packed(false, false, 32, 128, 512, 1.0f, 1.0f);
  });
}

TEST(sgemm_packed_b_beta_zero_ignores_nan) {
  neurite::ThreadPool pool(2);
  const int M = 37, N = 41, K = 23;
  std::vector<float> A(M * K, 0.5f), B(K * N, 2.0f), C(M * N, NAN);
  Aligned packed(neurite::sgemm_packed_b_size(K, N));
  neurite::sgemm_pack_b(pool, false, K, N, B.data(), N, packed.data);
  neurite::sgemm_packed_b(pool, false, M, N, K, 1.0f, A.data(), K, packed.data, 0.0f, C.data(), N);
  int bad = 0;
  for (float c : C) bad += c != static_cast<float>(K);
  CHECK(bad == 0);
}
