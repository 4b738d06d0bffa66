/*
 * OpenBLAS sgemm, timed the way neurite's harness times its own (src/bench/workload.ts):
 * inputs allocated and touched once, samples of at least min_ms, median and best per call.
 * Row-major cblas_sgemm with beta = 0, inputs in [-1, 1).
 *
 *   openblas_sgemm <threads> <repeat> <min_ms> <wall|cpu> M,N,K[,tA,tB] ...
 *
 * `cpu` times with the process CPU clock (time spent preempted by other processes is left
 * out; meaningful on 1 thread only), `wall` with the monotonic clock.
 * Prints one JSON object per shape. Built and run by bench/peers/run.cjs against Debian's
 * libopenblas-dev, with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (they would force the
 * slower AVX2 kernels).
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static clockid_t g_clock = CLOCK_MONOTONIC;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(g_clock, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

static void fill(float* p, long n, unsigned seed) {
  unsigned s = seed * 2654435761u + 1;
  for (long i = 0; i < n; ++i) {
    s = s * 1664525u + 1013904223u;
    p[i] = (float)(s >> 8) / 8388608.0f - 1.0f;
  }
}

int main(int argc, char** argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: %s threads repeat min_ms wall|cpu M,N,K[,tA,tB] ...\n", argv[0]);
    return 2;
  }
  if (strcmp(argv[4], "cpu") == 0) g_clock = CLOCK_PROCESS_CPUTIME_ID;
  const int threads = atoi(argv[1]), repeat = atoi(argv[2]);
  const double min_ms = atof(argv[3]);
  openblas_set_num_threads(threads);
  for (int s = 5; s < argc; ++s) {
    int M, N, K, ta = 0, tb = 0;
    if (sscanf(argv[s], "%d,%d,%d,%d,%d", &M, &N, &K, &ta, &tb) < 3) {
      fprintf(stderr, "bad shape %s\n", argv[s]);
      return 2;
    }
    float* A = malloc(sizeof(float) * (size_t)M * K);
    float* B = malloc(sizeof(float) * (size_t)K * N);
    float* C = malloc(sizeof(float) * (size_t)M * N);
    fill(A, (long)M * K, 1);
    fill(B, (long)K * N, 2);
    memset(C, 0, sizeof(float) * (size_t)M * N);
    const int lda = ta ? M : K, ldb = tb ? K : N;
#define CALL()                                                                                  \
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, M, \
              N, K, 1.0f, A, lda, B, ldb, 0.0f, C, N)
    CALL(); /* warm-up */
    long calls = 1;
    for (;;) {
      double t0 = now_ms();
      for (long i = 0; i < calls; ++i) CALL();
      double t = now_ms() - t0;
      if (t >= min_ms || calls >= (1L << 20)) break;
      long scale = t > 0 ? (long)(min_ms * 1.2 / t) + 1 : 10;
      calls *= scale < 2 ? 2 : scale;
    }
    double* ms = malloc(sizeof(double) * repeat);
    for (int r = 0; r < repeat; ++r) {
      double t0 = now_ms();
      for (long i = 0; i < calls; ++i) CALL();
      ms[r] = (now_ms() - t0) / calls;
    }
    qsort(ms, repeat, sizeof(double), cmp);
    const double med = repeat % 2 ? ms[repeat / 2] : (ms[repeat / 2 - 1] + ms[repeat / 2]) / 2;
    const double flops = 2.0 * M * N * K;
    printf("{\"M\":%d,\"N\":%d,\"K\":%d,\"transA\":%s,\"transB\":%s,\"threads\":%d,"
           "\"medianMs\":%.6f,\"bestMs\":%.6f,\"gflops\":%.3f,\"bestGflops\":%.3f}\n",
           M, N, K, ta ? "true" : "false", tb ? "true" : "false", threads, med, ms[0],
           flops / (med * 1e6), flops / (ms[0] * 1e6));
    fflush(stdout);
    free(ms);
    free(A);
    free(B);
    free(C);
  }
  return 0;
}
