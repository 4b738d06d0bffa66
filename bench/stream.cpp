// A STREAM-like memory bandwidth probe (McCalpin's copy/scale/add/triad), the reference for
// how close neurite's memory-bound kernels get to what the machine can move. Plain C++ and
// std::thread, built by bench/bandwidth.mjs with the addon's flags (-O3, baseline ISA).
// Bytes count reads plus writes, as STREAM does (no write-allocate traffic).
//
//   g++ -O3 -std=c++20 -pthread bench/stream.cpp -o bench/out/stream && bench/out/stream 16777216
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

template <typename F>
double best_seconds(int threads, long n, int reps, F body) {
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] { body(n * t / threads, n * (t + 1) / threads); });
    for (auto& th : pool) th.join();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::atol(argv[1]) : (1L << 24);
  const int max_threads = argc > 2 ? std::atoi(argv[2]) : 2;
  std::vector<float> a(n, 1.0f), b(n, 2.0f), c(n, 0.5f);
  const float s = 3.0f;
  for (int threads = 1; threads <= max_threads; ++threads) {
    // First touch by the same split the kernels use.
    best_seconds(threads, n, 1, [&](long lo, long hi) { for (long i = lo; i < hi; ++i) c[i] = a[i]; });
    double copy = best_seconds(threads, n, 10, [&](long lo, long hi) { for (long i = lo; i < hi; ++i) c[i] = a[i]; });
    double scale = best_seconds(threads, n, 10, [&](long lo, long hi) { for (long i = lo; i < hi; ++i) b[i] = s * c[i]; });
    double add = best_seconds(threads, n, 10, [&](long lo, long hi) { for (long i = lo; i < hi; ++i) c[i] = a[i] + b[i]; });
    double triad = best_seconds(threads, n, 10, [&](long lo, long hi) { for (long i = lo; i < hi; ++i) a[i] = b[i] + s * c[i]; });
    const double mb = 4.0 * n / 1e9;
    std::printf("{\"threads\":%d,\"copy\":%.2f,\"scale\":%.2f,\"add\":%.2f,\"triad\":%.2f}\n", threads,
                2 * mb / copy, 2 * mb / scale, 3 * mb / add, 3 * mb / triad);
  }
  return a[n / 2] == 12345.0f;  // keep the loops
}
