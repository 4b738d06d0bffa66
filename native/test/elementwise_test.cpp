// Elementwise kernels: broadcasting against explicit index arithmetic, and the gradient of a
// broadcast summing back into the broadcast operand.
#include "../kernels/elementwise.h"
#include "../kernels/reduce.h"
#include "../kernels/softmax.h"
#include "../kernels/vec_math.h"

#include <cfloat>
#include <cmath>
#include <limits>
#include <vector>

#include "check.h"

using neurite::test::fill_pattern;

TEST(binary_broadcast_row_and_column) {
  neurite::ThreadPool pool(2);
  const int R = 37, C = 41;
  std::vector<float> a(R * C), b(C), out(R * C);
  fill_pattern(a, 4);
  fill_pattern(b, 5);
  const int64_t shape[] = {R, C}, as[] = {C, 1}, bs[] = {0, 1};
  neurite::binary_forward(pool, neurite::BinaryOp::Mul, a.data(), as, b.data(), bs, out.data(),
                          shape, 2);
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < C; ++c) CHECK(out[r * C + c] == a[r * C + c] * b[c]);

  std::vector<float> db(C, 0.0f);
  neurite::unbroadcast_sum(out.data(), shape, 2, db.data(), bs);
  for (int c = 0; c < C; ++c) {
    double s = 0;
    for (int r = 0; r < R; ++r) s += out[r * C + c];
    CHECK_NEAR(db[c], s, 1e-4);
  }
}

TEST(softmax_rows_sum_to_one_for_large_logits) {
  neurite::ThreadPool pool(1);
  std::vector<float> x = {1000.0f, 1001.0f, 1002.0f, -5.0f, 0.0f, 5.0f}, y(6), ly(6);
  neurite::softmax_forward(pool, x.data(), y.data(), 2, 3);
  neurite::log_softmax_forward(pool, x.data(), ly.data(), 2, 3);
  for (int r = 0; r < 2; ++r) {
    double s = 0;
    for (int j = 0; j < 3; ++j) {
      s += y[r * 3 + j];
      CHECK_NEAR(std::log(y[r * 3 + j]), ly[r * 3 + j], 1e-5);
    }
    CHECK_NEAR(s, 1.0, 1e-6);
  }
}

TEST(reduce_sum_middle_axis) {
  neurite::ThreadPool pool(2);
  const int O = 3, N = 5, I = 4;
  std::vector<float> x(O * N * I), out(O * I);
  fill_pattern(x, 6);
  neurite::reduce_sum_forward(pool, x.data(), out.data(), O, N, I, 1.0f / N);
  for (int o = 0; o < O; ++o)
    for (int i = 0; i < I; ++i) {
      double s = 0;
      for (int j = 0; j < N; ++j) s += x[(o * N + j) * I + i];
      CHECK_NEAR(out[o * I + i], s / N, 1e-6);
    }
}

// The vectorizable exp/sigmoid/tanh against double precision on a sweep of each range
// (plus the special values), within the error vec_math.h states. Under the sanitizer build
// this also runs their bit manipulation through UBSan.
TEST(vec_math_error_bounds) {
  struct Fn {
    const char* name;
    float (*f)(float);
    double (*exact)(double);
    float lo, hi, max_ulp;
  };
  const Fn fns[] = {
      {"exp", neurite::exp_f, [](double x) { return std::exp(x); }, -110.0f, 90.0f, 2.0f},
      {"sigmoid", neurite::sigmoid_f, [](double x) { return 1.0 / (1.0 + std::exp(-x)); }, -110.0f, 40.0f, 4.0f},
      {"tanh", neurite::tanh_f, [](double x) { return std::tanh(x); }, -12.0f, 12.0f, 4.0f},
  };
  for (const Fn& fn : fns) {
    int bad = 0;
    // 2^16 points across the range, then 2^12 of small magnitude (log-spaced, both signs).
    std::vector<float> xs;
    for (int i = 0; i < (1 << 16); ++i) xs.push_back(fn.lo + (fn.hi - fn.lo) * (i / 65536.0f));
    for (int i = 0; i < (1 << 12); ++i) xs.push_back((i % 2 ? -1.0f : 1.0f) * 1e-8f * std::pow(1.005f, i / 2));
    for (const float x : xs) {
      const double e = fn.exact(x);
      const float y = fn.f(x);
      const float e32 = static_cast<float>(e);
      bool ok;
      if (std::isinf(e32)) {
        ok = y == e32;
      } else if (std::fabs(e) >= FLT_MIN) {
        const double ulp = std::nextafter(std::fabs(e32), INFINITY) - std::fabs(e32);
        ok = std::fabs(y - e) <= fn.max_ulp * ulp;
      } else {
        ok = std::fabs(y - e) <= 2e-45;
      }
      if (!ok && bad++ < 3) std::fprintf(stderr, "%s(%.9g) = %.9g, exact %.9g\n", fn.name, x, y, e);
    }
    CHECK(bad == 0);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    CHECK(std::isnan(fn.f(nan)));
  }
  CHECK(neurite::exp_f(INFINITY) == INFINITY);
  CHECK(neurite::exp_f(-INFINITY) == 0.0f);
  CHECK(neurite::sigmoid_f(INFINITY) == 1.0f);
  CHECK(neurite::sigmoid_f(-INFINITY) == 0.0f);
  CHECK(neurite::tanh_f(INFINITY) == 1.0f);
  CHECK(neurite::tanh_f(-INFINITY) == -1.0f);
  CHECK(neurite::tanh_f(-0.0f) == 0.0f && std::signbit(neurite::tanh_f(-0.0f)));
}
