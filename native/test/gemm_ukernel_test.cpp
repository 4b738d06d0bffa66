// sgemm micro-kernels and every ISA path of the driver, on each ISA this machine supports:
// every edge tile (m < MR, n < NR), k residues of the unrolled loop, beta 0 / 1 / other,
// against the reference micro-kernel and a double-precision loop; then whole products per
// ISA across block boundaries, bit-identical for 1-4 threads.
#include <cmath>
#include <cstring>
#include <vector>

#include "../common/cpu.h"
#include "../kernels/gemm.h"
#include "../kernels/gemm/params.h"
#include "../kernels/gemm/ukernel.h"
#include "check.h"

using neurite::Isa;
using neurite::test::fill_pattern;

namespace {

struct Ukernel {
  Isa isa;
  neurite::SgemmUkernel fn;
};

// Every micro-kernel built for this platform that the CPU can run.
std::vector<Ukernel> runnable_ukernels() {
  std::vector<Ukernel> out = {{Isa::generic, neurite::sgemm_ukernel_generic_4x16}};
#if defined(__x86_64__) || defined(_M_X64)
  out.push_back({Isa::avx2, neurite::sgemm_ukernel_avx2_6x16});
  out.push_back({Isa::avx512, neurite::sgemm_ukernel_avx512_14x32});
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
  out.push_back({Isa::neon, neurite::sgemm_ukernel_neon_8x12});
#endif
  std::vector<Ukernel> ok;
  for (const auto& u : out)
    if (neurite::isa_supported(u.isa)) ok.push_back(u);
  return ok;
}

std::vector<Isa> runnable_isas() {
  std::vector<Isa> out;
  for (const auto& u : runnable_ukernels()) out.push_back(u.isa);
  return out;
}

// 64-byte aligned float storage, as the packed panels are.
struct Aligned {
  std::vector<float> raw;
  float* p;
  explicit Aligned(size_t n) : raw(n + 16) {
    auto addr = reinterpret_cast<uintptr_t>(raw.data());
    p = reinterpret_cast<float*>((addr + 63) & ~static_cast<uintptr_t>(63));
  }
};

// Runs one micro-kernel call on an (MR + 2) x (NR + 3) canvas and checks the m x n tile
// against the reference kernel and a double loop, and everything around it for untouched.
void check_tile(const Ukernel& u, int m, int n, int64_t k, float beta) {
  const auto blk = neurite::kGemmBlocking[static_cast<int>(u.isa)];
  const int MR = blk.mr, NR = blk.nr;
  Aligned a(MR * k + 1), b(NR * k + 1);
  std::vector<float> av(MR * k), bv(NR * k);
  fill_pattern(av, static_cast<unsigned>(m * 131 + n * 7 + k));
  fill_pattern(bv, static_cast<unsigned>(m + n * 17 + k * 3 + 1));
  // Packed panels hold zeros past the live rows/columns.
  for (int64_t p = 0; p < k; ++p) {
    for (int i = 0; i < MR; ++i) a.p[p * MR + i] = i < m ? av[p * MR + i] : 0.0f;
    for (int j = 0; j < NR; ++j) b.p[p * NR + j] = j < n ? bv[p * NR + j] : 0.0f;
  }
  const int ldc = NR + 3, rows = MR + 2;
  std::vector<float> c0(rows * ldc);
  fill_pattern(c0, 99);
  const float sentinel = 12345.0f;
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < ldc; ++j)
      if (i >= m || j >= n) c0[i * ldc + j] = sentinel;
  if (beta == 0.0f)
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < n; ++j) c0[i * ldc + j] = NAN;

  std::vector<float> c = c0, ref = c0;
  u.fn(k, a.p, b.p, c.data(), ldc, m, n, beta);
  neurite::sgemm_ukernel_reference(MR, NR, k, a.p, b.p, ref.data(), ldc, m, n, beta);

  int bad = 0;
  for (int i = 0; i < rows; ++i) {
    for (int j = 0; j < ldc; ++j) {
      const float got = c[i * ldc + j];
      if (i >= m || j >= n) {
        if (got != sentinel) ++bad;
        continue;
      }
      double exact = 0, mag = 0;
      for (int64_t p = 0; p < k; ++p) {
        const double t = static_cast<double>(a.p[p * MR + i]) * b.p[p * NR + j];
        exact += t;
        mag += std::fabs(t);
      }
      const double old = c0[i * ldc + j];
      if (beta != 0.0f) {
        exact += beta * old;
        mag += std::fabs(beta * old);
      }
      const double tol = 1e-6 * (mag + 1.0) * (static_cast<double>(k) + 2);
      if (!(std::fabs(got - exact) <= tol) || !(std::fabs(got - ref[i * ldc + j]) <= tol)) ++bad;
    }
  }
  if (bad != 0) {
    std::fprintf(stderr, "%s m=%d n=%d k=%lld beta=%g: %d bad elements\n", neurite::isa_name(u.isa),
                 m, n, static_cast<long long>(k), beta, bad);
  }
  CHECK(bad == 0);
}

void naive(bool ta, bool tb, int M, int N, int K, float alpha, const float* A, int lda,
           const float* B, int ldb, float beta, const std::vector<float>& C0,
           std::vector<double>& out, int ldc) {
  for (int m = 0; m < M; ++m)
    for (int n = 0; n < N; ++n) {
      double s = 0;
      for (int k = 0; k < K; ++k)
        s += static_cast<double>(ta ? A[k * lda + m] : A[m * lda + k]) *
             (tb ? B[n * ldb + k] : B[k * ldb + n]);
      out[m * ldc + n] = alpha * s + (beta == 0.0f ? 0.0 : beta * C0[m * ldc + n]);
    }
}

// One product on the active ISA at 1..4 threads: close to the double loop at 1 thread and
// bit-identical at every other count; padding of C untouched.
void check_product(bool ta, bool tb, int M, int N, int K, float alpha, float beta) {
  const int pad = 3;
  const int lda = (ta ? M : K) + pad, ldb = (tb ? K : N) + pad, ldc = N + pad;
  std::vector<float> A(static_cast<size_t>(ta ? K : M) * lda), B(static_cast<size_t>(tb ? N : K) * ldb);
  std::vector<float> C0(static_cast<size_t>(M) * ldc);
  fill_pattern(A, static_cast<unsigned>(M + 3 * N + 7 * K));
  fill_pattern(B, static_cast<unsigned>(2 * M + N + K));
  fill_pattern(C0, 5);
  std::vector<double> ref(C0.size());
  naive(ta, tb, M, N, K, alpha, A.data(), lda, B.data(), ldb, beta, C0, ref, ldc);
  std::vector<float> first;
  for (int threads = 1; threads <= 4; ++threads) {
    neurite::ThreadPool pool(threads);
    std::vector<float> C = C0;
    neurite::sgemm(pool, ta, tb, M, N, K, alpha, A.data(), lda, B.data(), ldb, beta, C.data(), ldc);
    if (threads == 1) {
      int bad = 0;
      const double tol = 2e-6 * (K + 2) * (std::fabs(alpha) + std::fabs(beta));
      for (int m = 0; m < M; ++m)
        for (int n = 0; n < ldc; ++n) {
          const size_t at = static_cast<size_t>(m) * ldc + n;
          if (n >= N ? C[at] != C0[at] : !(std::fabs(C[at] - ref[at]) <= tol)) ++bad;
        }
      if (bad) {
        std::fprintf(stderr, "%s tA=%d tB=%d M=%d N=%d K=%d: %d bad elements\n",
                     neurite::isa_name(neurite::active_isa()), ta, tb, M, N, K, bad);
      }
      CHECK(bad == 0);
      first = C;
    } else {
      CHECK(std::memcmp(C.data(), first.data(), C.size() * sizeof(float)) == 0);
    }
  }
}

// Runs fn once per runnable ISA with it active, then restores the previous one.
template <typename Fn>
void for_each_isa(Fn fn) {
  const Isa before = neurite::active_isa();
  for (Isa isa : runnable_isas()) {
    CHECK(neurite::set_active_isa(isa));
    fn(isa);
  }
  neurite::set_active_isa(before);
}

}  // namespace

TEST(ukernel_every_edge_tile_and_k_residue) {
  for (const auto& u : runnable_ukernels()) {
    const auto blk = neurite::kGemmBlocking[static_cast<int>(u.isa)];
    for (int m = 1; m <= blk.mr; ++m)
      for (int n = 1; n <= blk.nr; ++n)
        for (int64_t k : {1, 2, 3, 4, 5, 6, 7, 8, 9, 19})
          for (float beta : {0.0f, 1.0f, -0.5f}) check_tile(u, m, n, k, beta);
    // Long k: accumulation over many steps.
    check_tile(u, blk.mr, blk.nr, 515, 0.0f);
    check_tile(u, blk.mr - 1, blk.nr - 1, 1023, 1.0f);
  }
}

TEST(cpu_reports_a_consistent_isa) {
  CHECK(neurite::isa_supported(Isa::generic));
  CHECK(neurite::isa_supported(neurite::best_isa()));
  Isa parsed;
  for (Isa isa : {Isa::generic, Isa::avx2, Isa::avx512, Isa::neon}) {
    CHECK(neurite::isa_from_name(neurite::isa_name(isa), &parsed) && parsed == isa);
  }
  CHECK(!neurite::isa_from_name("sse9", &parsed));
#if defined(__x86_64__) || defined(_M_X64)
  CHECK(!neurite::isa_supported(Isa::neon));
  // AVX-512 kernels are only chosen together with AVX2 support (the OS saves both states).
  if (neurite::isa_supported(Isa::avx512)) CHECK(neurite::isa_supported(Isa::avx2));
#endif
  const Isa before = neurite::active_isa();
  if (!neurite::isa_supported(Isa::neon)) {
    CHECK(!neurite::set_active_isa(Isa::neon));
    CHECK(neurite::active_isa() == before);
  }
}

TEST(sgemm_each_isa_edges_and_block_boundaries) {
  for_each_isa([](Isa isa) {
    const auto blk = neurite::kGemmBlocking[static_cast<int>(isa)];
    for (bool ta : {false, true})
      for (bool tb : {false, true}) {
        // Odd sizes around MR/NR multiples, and K just past one KC block.
        check_product(ta, tb, 2 * blk.mr + 1, 3 * blk.nr - 1, blk.kc + 3, 1.0f, 0.0f);
        check_product(ta, tb, blk.mr - 1, blk.nr + 1, 37, -0.5f, 1.0f);
        check_product(ta, tb, 3, 3, 2 * blk.kc + 1, 2.0f, 0.25f);
      }
    // M past one MC block; with Bᵀ, also too many rows for the thin path.
    check_product(false, false, blk.mc + blk.mr + 1, 2 * blk.nr + 5, 20, 1.0f, 0.5f);
    check_product(true, true, 300, 2 * blk.nr + 5, blk.kc + 7, 1.0f, 0.0f);
  });
}

TEST(sgemm_each_isa_beta_zero_ignores_nan) {
  for_each_isa([](Isa) {
    neurite::ThreadPool pool(2);
    const int M = 37, N = 41, K = 23;
    std::vector<float> A(M * K, 0.5f), B(K * N, 2.0f), C(M * N, NAN);
    neurite::sgemm(pool, false, false, M, N, K, 1.0f, A.data(), K, B.data(), N, 0.0f, C.data(), N);
    int bad = 0;
    for (float c : C) bad += c != static_cast<float>(K);
    CHECK(bad == 0);
  });
}

TEST(sgemm_batched_each_isa_matches_single_products) {
  for_each_isa([](Isa) {
    const int M = 9, N = 20, K = 11, batch = 5;
    std::vector<float> A(batch * M * K), B(batch * K * N), C(batch * M * N), one(M * N);
    fill_pattern(A, 21);
    fill_pattern(B, 22);
    for (int threads : {1, 3}) {
      neurite::ThreadPool pool(threads);
      neurite::sgemm_batched(pool, false, true, M, N, K, 1.0f, A.data(), K, M * K, B.data(), K,
                             K * N, 0.0f, C.data(), N, M * N, batch);
      for (int b = 0; b < batch; ++b) {
        neurite::sgemm(pool, false, true, M, N, K, 1.0f, A.data() + b * M * K, K,
                       B.data() + b * K * N, K, 0.0f, one.data(), N);
        CHECK(std::memcmp(one.data(), C.data() + b * M * N, sizeof(float) * M * N) == 0);
      }
    }
  });
}
