// Loss and optimizer kernels without Node: values computed by hand from the formulas.
#include "../kernels/loss.h"
#include "../kernels/optim.h"

#include <cmath>
#include <vector>

#include "check.h"

TEST(cross_entropy_stable_and_gradient_sums_to_zero) {
  neurite::ThreadPool pool(2);
  std::vector<float> y = {1e4f, 0.0f, -3.0f, 1.0f, 2.0f, 3.0f}, t = {1.0f, 2.0f}, dy(6, 0.0f);
  float out = 0.0f;
  neurite::class_loss_forward(neurite::ClassLoss::CrossEntropy, y.data(), t.data(), &out, 2, 3,
                              1.0f);
  const double row1 = std::log(std::exp(-2.0) + std::exp(-1.0) + 1.0);  // lse(1,2,3) - 3
  CHECK_NEAR(out, 1e4 + row1, 1e-2);
  neurite::class_loss_backward(pool, neurite::ClassLoss::CrossEntropy, y.data(), t.data(),
                               dy.data(), 2, 3, 1.0f);
  CHECK_NEAR(dy[0] + dy[1] + dy[2], 0.0, 1e-6);
  CHECK_NEAR(dy[1], -1.0, 1e-6);
}

TEST(hinge_and_pseudo_huber_by_hand) {
  neurite::ThreadPool pool(1);
  std::vector<float> y = {0.5f, -2.0f}, t = {1.0f, 1.0f}, dy(2, 0.0f);
  float out = 0.0f;
  neurite::pointwise_loss_forward(neurite::PointwiseLoss::Hinge, y.data(), t.data(), &out, 2,
                                  0.0f, 0.5f);
  CHECK_NEAR(out, (0.5 + 3.0) / 2, 1e-6);
  neurite::pointwise_loss_backward(pool, neurite::PointwiseLoss::Hinge, y.data(), t.data(),
                                   dy.data(), 2, 0.0f, 1.0f);
  CHECK(dy[0] == -1.0f && dy[1] == -1.0f);
  neurite::pointwise_loss_forward(neurite::PointwiseLoss::PseudoHuber, y.data(), t.data(), &out,
                                  2, 2.0f, 1.0f);
  CHECK_NEAR(out, 4 * (std::sqrt(1 + 0.0625) - 1) + 4 * (std::sqrt(1 + 2.25) - 1), 1e-5);
}

TEST(adam_first_step_moves_by_lr) {
  neurite::ThreadPool pool(2);
  const int n = 70000;
  std::vector<float> p(n, 1.0f), g(n), m(n, 0.0f), v(n, 0.0f);
  for (int i = 0; i < n; ++i) g[i] = (i % 2 ? 1.0f : -1.0f) * (0.1f + i % 7);
  neurite::adam_step(pool, p.data(), g.data(), m.data(), v.data(), n, 0.01f, 0.9f, 0.999f, 1e-8f,
                     0.0f, 1, false);
  for (int i = 0; i < n; i += 997) CHECK_NEAR(p[i], 1.0 + (i % 2 ? -0.01 : 0.01), 1e-6);
}

TEST(max_norm_rows_and_clip) {
  neurite::ThreadPool pool(1);
  std::vector<float> w = {3.0f, 4.0f, 0.0f, 0.5f};
  neurite::max_norm_rows(pool, w.data(), 2, 2, 1.0f);
  CHECK_NEAR(w[0], 0.6, 1e-6);
  CHECK_NEAR(w[1], 0.8, 1e-6);
  CHECK(w[3] == 0.5f);
  neurite::clip_value(pool, w.data(), 4, -0.7f, 0.7f);
  CHECK(w[1] == 0.7f);
}
