// Peak single-precision FMA throughput of this machine: the ceiling the sgemm benchmark is
// measured against (issue 8: sgemm >= 90% of it).
//
// Each thread runs independent FMA chains on registers only (no memory traffic): 24 chains,
// enough to cover FMA latency x throughput on current x86 cores. Reports GFLOP/s (2 flops per
// lane per FMA) for AVX-512 (16 lanes) and AVX2 (8 lanes), on 1 thread and on `threads`, as
// the median and best of `repeat` short runs (on a shared machine the best run is the one
// that was not preempted). Built by bench/peak/build.sh; kernels use function target
// attributes so the file needs no -m flags and runs the paths the CPU has.
//
//   bench/out/peak_fma [threads=all] [repeat=21] [iterations=2000000] [wall|cpu]
//
// `cpu` rates each thread by its own CPU time (time preempted by other processes left out)
// and sums the rates; `wall` (default) divides all flops by the elapsed time.
#include <immintrin.h>

#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

namespace {

long g_iters = 2'000'000;

#define CHAINS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) \
  X(12) X(13) X(14) X(15) X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23)

__attribute__((target("avx512f,fma"), noinline)) float run_avx512(long iters) {
  const __m512 m = _mm512_set1_ps(0.999999f), a = _mm512_set1_ps(1e-7f);
#define DECL(i) __m512 r##i = _mm512_set1_ps(1.0f + i);
  CHAINS(DECL)
#undef DECL
  for (long it = 0; it < iters; ++it) {
#define STEP(i) r##i = _mm512_fmadd_ps(r##i, m, a);
    CHAINS(STEP)
#undef STEP
    __asm__ volatile("" ::: "memory");
  }
  __m512 s = _mm512_setzero_ps();
#define SUM(i) s = _mm512_add_ps(s, r##i);
  CHAINS(SUM)
#undef SUM
  return _mm512_reduce_add_ps(s);
}

__attribute__((target("avx2,fma"), noinline)) float run_avx2(long iters) {
  const __m256 m = _mm256_set1_ps(0.999999f), a = _mm256_set1_ps(1e-7f);
#define DECL(i) __m256 r##i = _mm256_set1_ps(1.0f + i);
  CHAINS(DECL)
#undef DECL
  for (long it = 0; it < iters; ++it) {
#define STEP(i) r##i = _mm256_fmadd_ps(r##i, m, a);
    CHAINS(STEP)
#undef STEP
    __asm__ volatile("" ::: "memory");
  }
  __m256 s = _mm256_setzero_ps();
#define SUM(i) s = _mm256_add_ps(s, r##i);
  CHAINS(SUM)
#undef SUM
  alignas(32) float out[8];
  _mm256_store_ps(out, s);
  return out[0];
}

volatile float g_sink;
bool g_cpu_clock = false;

double thread_cpu_s() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// GFLOP/s of `threads` threads each running fn(g_iters) once.
double once(float (*fn)(long), int lanes, int threads) {
  const double flops = 2.0 * lanes * 24 * static_cast<double>(g_iters);
  std::vector<std::thread> pool;
  std::vector<double> rate(threads);
  const auto t0 = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([fn, t, flops, &rate] {
      const double c0 = thread_cpu_s();
      g_sink = fn(g_iters);
      rate[t] = flops / (thread_cpu_s() - c0) / 1e9;
    });
  }
  for (auto& th : pool) th.join();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (g_cpu_clock) {
    double sum = 0;
    for (double r : rate) sum += r;
    return sum;
  }
  return flops * threads / s / 1e9;
}

void report(const char* name, float (*fn)(long), int lanes, int threads, int repeat) {
  std::vector<double> g;
  fn(g_iters / 10);  // warm up (clock ramp, license transition)
  for (int r = 0; r < repeat; ++r) g.push_back(once(fn, lanes, threads));
  std::sort(g.begin(), g.end());
  std::printf("%-7s threads=%d  median %7.1f  best %7.1f GFLOP/s\n", name, threads, g[g.size() / 2],
              g.back());
}

}  // namespace

int main(int argc, char** argv) {
  const int all = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int threads = argc > 1 ? std::atoi(argv[1]) : all;
  const int repeat = argc > 2 ? std::atoi(argv[2]) : 21;
  if (argc > 3) g_iters = std::atol(argv[3]);
  if (argc > 4) g_cpu_clock = std::strcmp(argv[4], "cpu") == 0;
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f");
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  for (int t : {1, threads}) {
    if (avx512) report("avx512", run_avx512, 16, t, repeat);
    if (avx2) report("avx2", run_avx2, 8, t, repeat);
    if (t == threads) break;
    if (threads == 1) break;
  }
  if (!avx512 && !avx2) std::printf("no AVX2/AVX-512 on this CPU\n");
  return 0;
}
