// Elementwise kernels: broadcasting against explicit index arithmetic, and the gradient of a
// broadcast summing back into the broadcast operand.
#include "../common/cpu.h"
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
  neurite::unbroadcast_sum(pool, out.data(), shape, 2, db.data(), bs);
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

// The vectorizable exp/sigmoid/tanh/log/softplus against double precision on a sweep of each range
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
      {"exp_nonpositive", neurite::exp_nonpositive_f, [](double x) { return std::exp(x); }, -87.3f, 0.0f, 2.0f},
      {"log", neurite::log_f, [](double x) { return std::log(x); }, 0.0f, 100.0f, 2.0f},
      {"softplus", neurite::softplus_f,
       [](double x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); },
       -110.0f, 90.0f, 4.0f},
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
      if (std::isnan(e)) {
        ok = std::isnan(y);
      } else if (std::isinf(e32)) {
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
  CHECK(neurite::log_f(0.0f) == -INFINITY && neurite::log_f(-0.0f) == -INFINITY);
  CHECK(neurite::log_f(INFINITY) == INFINITY && std::isnan(neurite::log_f(-1.0f)));
  CHECK(std::fabs(neurite::log_f(1e-45f) - std::log(static_cast<double>(1e-45f))) < 1e-4);  // subnormal
  CHECK(neurite::softplus_f(INFINITY) == INFINITY && neurite::softplus_f(-INFINITY) == 0.0f);
  CHECK(neurite::exp_nonpositive_f(-87.4f) == 0.0f && neurite::exp_nonpositive_f(-INFINITY) == 0.0f);
  CHECK(neurite::exp_nonpositive_f(0.0f) == 1.0f && std::isnan(neurite::exp_nonpositive_f(NAN)));
}

// vec_map and the softmax row helpers give the scalar functions' bits on every ISA path this
// CPU supports, at every length (the tails go through the same vector code).
TEST(vec_math_same_bits_on_every_isa) {
  const neurite::Isa before = neurite::active_isa();
  std::vector<float> x(1000);
  fill_pattern(x, 9);
  for (size_t i = 0; i < x.size(); ++i) x[i] *= 40.0f;
  const float specials[] = {0.0f, -0.0f, INFINITY, -INFINITY, NAN, 1e-45f, -1e-45f, 89.0f, -104.0f};
  for (size_t i = 0; i < sizeof specials / sizeof *specials; ++i) x[3 * i + 1] = specials[i];
  const struct {
    neurite::VecFn f;
    float (*scalar)(float);
  } fns[] = {{neurite::VecFn::Exp, neurite::exp_f}, {neurite::VecFn::Sigmoid, neurite::sigmoid_f},
             {neurite::VecFn::Tanh, neurite::tanh_f}, {neurite::VecFn::Log, neurite::log_f},
             {neurite::VecFn::Sqrt, [](float v) { return std::sqrt(v); }},
             {neurite::VecFn::Softplus, neurite::softplus_f}};
  const auto same = [](float a, float b) {
    return neurite::float_to_bits(a) == neurite::float_to_bits(b) || (a != a && b != b);
  };
  for (int isa = 0; isa < neurite::kIsaCount; ++isa) {
    if (!neurite::set_active_isa(static_cast<neurite::Isa>(isa))) continue;
    for (const auto& fn : fns) {
      for (const int64_t n : {1, 5, 16, 17, 33, 1000}) {
        std::vector<float> y(static_cast<size_t>(n));
        neurite::vec_map(fn.f, x.data(), y.data(), n);
        int bad = 0;
        for (int64_t i = 0; i < n; ++i) bad += !same(y[i], fn.scalar(x[i]));
        CHECK(bad == 0);
      }
    }
    for (const int64_t n : {1, 7, 16, 31, 32, 47, 1000}) {
      std::vector<float> y(static_cast<size_t>(n));
      const float m = neurite::vec_max(x.data(), n);
      float em = -INFINITY;
      bool nan = false;
      double lanes[16] = {0};
      for (int64_t i = 0; i < n; ++i) {
        em = x[i] > em ? x[i] : em;
        nan |= x[i] != x[i];
      }
      CHECK(same(m, nan ? NAN : em));
      const float shift = 40.0f;  // >= every finite x, as softmax passes the row maximum
      const double s = neurite::vec_exp_sum(x.data(), shift, y.data(), n);
      for (int64_t i = 0; i < n; ++i) {
        const float e = neurite::exp_nonpositive_f(x[i] - shift);
        CHECK(same(y[i], e));
        lanes[i % 16] += e;
      }
      double es = 0.0;
      for (const double l : lanes) es += l;
      CHECK((s == es) || (s != s && es != es));
    }
  }
  neurite::set_active_isa(before);
}
