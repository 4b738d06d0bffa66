// Elementwise kernels: broadcasting against explicit index arithmetic, and the gradient of a
// broadcast summing back into the broadcast operand.
#include "../kernels/elementwise.h"
#include "../kernels/reduce.h"
#include "../kernels/softmax.h"

#include <cmath>
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
