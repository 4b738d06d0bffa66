// Loss kernels (see loss.h). Per-element terms are computed in double and the forward sum
// accumulates in double, sequentially, so the result does not depend on the thread count
// (losses are small next to the GEMMs that produce their inputs). Backward loops write
// disjoint elements and split over the pool.
#include "loss.h"

#include <algorithm>
#include <cmath>

namespace neurite {
namespace {

constexpr int64_t kGrain = 1 << 14;
// PyTorch's binary_cross_entropy clamps each log at -100 and its gradient's denominator at
// 1e-12, so y = 0 or 1 gives a large finite loss instead of inf.
constexpr double kLogFloor = -100.0;
constexpr double kBceEps = 1e-12;

inline double pointwise_value(PointwiseLoss kind, double y, double t, double delta) {
  switch (kind) {
    case PointwiseLoss::Hinge: return std::max(0.0, 1.0 - y * t);
    case PointwiseLoss::SquaredHinge: {
      const double m = std::max(0.0, 1.0 - y * t);
      return m * m;
    }
    case PointwiseLoss::BinaryCrossEntropy: {
      const double ly = std::max(std::log(y), kLogFloor);
      const double l1y = std::max(std::log1p(-y), kLogFloor);
      return -(t * ly + (1.0 - t) * l1y);
    }
    case PointwiseLoss::BinaryCrossEntropyWithLogits:
      // max(y, 0) - y t + log(1 + e^{-|y|}): no overflow for large |y|.
      return std::max(y, 0.0) - y * t + std::log1p(std::exp(-std::fabs(y)));
    case PointwiseLoss::Mse: return (y - t) * (y - t);
    case PointwiseLoss::L1: return std::fabs(y - t);
    case PointwiseLoss::PseudoHuber: {
      const double r = (y - t) / delta;
      return delta * delta * (std::sqrt(1.0 + r * r) - 1.0);
    }
  }
  return 0.0;
}

inline double pointwise_grad(PointwiseLoss kind, double y, double t, double delta) {
  switch (kind) {
    case PointwiseLoss::Hinge: return 1.0 - y * t > 0.0 ? -t : 0.0;
    case PointwiseLoss::SquaredHinge: {
      const double m = 1.0 - y * t;
      return m > 0.0 ? -2.0 * t * m : 0.0;
    }
    case PointwiseLoss::BinaryCrossEntropy:
      return (y - t) / std::max((1.0 - y) * y, kBceEps);
    case PointwiseLoss::BinaryCrossEntropyWithLogits:
      return (y >= 0.0 ? 1.0 / (1.0 + std::exp(-y)) : std::exp(y) / (1.0 + std::exp(y))) - t;
    case PointwiseLoss::Mse: return 2.0 * (y - t);
    case PointwiseLoss::L1: {
      const double d = y - t;
      return d > 0.0 ? 1.0 : (d < 0.0 ? -1.0 : (d != d ? d : 0.0));
    }
    case PointwiseLoss::PseudoHuber: {
      const double r = (y - t) / delta;
      return (y - t) / std::sqrt(1.0 + r * r);
    }
  }
  return 0.0;
}

inline double row_max(const float* y, int64_t C) {
  double m = -INFINITY;
  for (int64_t j = 0; j < C; ++j) {
    if (y[j] != y[j]) return y[j];
    m = std::max(m, static_cast<double>(y[j]));
  }
  return m;
}

}  // namespace

void pointwise_loss_forward(PointwiseLoss kind, const float* y, const float* t, float* out,
                            int64_t n, float param, float scale) noexcept {
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) sum += pointwise_value(kind, y[i], t[i], param);
  out[0] = static_cast<float>(sum * scale);
}

void pointwise_loss_backward(ThreadPool& pool, PointwiseLoss kind, const float* y,
                             const float* t, float* dy, int64_t n, float param,
                             float scale) noexcept {
  pool.parallel_for(n, kGrain, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      dy[i] += static_cast<float>(scale * pointwise_grad(kind, y[i], t[i], param));
    }
  });
}

void class_loss_forward(ClassLoss kind, const float* y, const float* t, float* out, int64_t N,
                        int64_t C, float scale) noexcept {
  double sum = 0.0;
  for (int64_t r = 0; r < N; ++r) {
    const float* yr = y + r * C;
    const int64_t target = static_cast<int64_t>(t[r]);
    const double yt = yr[target];
    if (kind == ClassLoss::CrossEntropy) {
      const double m = row_max(yr, C);
      double s = 0.0;
      for (int64_t j = 0; j < C; ++j) s += std::exp(yr[j] - m);
      sum += (m - yt) + std::log(s);  // logsumexp(y) - y_t
      continue;
    }
    for (int64_t j = 0; j < C; ++j) {
      if (j == target) continue;
      const double margin = std::max(0.0, 1.0 - (yt - yr[j]));
      sum += kind == ClassLoss::MultiMargin ? margin : margin * margin;
    }
  }
  out[0] = static_cast<float>(sum * scale);
}

void class_loss_backward(ThreadPool& pool, ClassLoss kind, const float* y, const float* t,
                         float* dy, int64_t N, int64_t C, float scale) noexcept {
  const int64_t grain = std::max<int64_t>(1, kGrain / std::max<int64_t>(C, 1));
  pool.parallel_for(N, grain, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const float* yr = y + r * C;
      float* dr = dy + r * C;
      const int64_t target = static_cast<int64_t>(t[r]);
      const double yt = yr[target];
      if (kind == ClassLoss::CrossEntropy) {
        // softmax(y) - onehot(t)
        const double m = row_max(yr, C);
        double s = 0.0;
        for (int64_t j = 0; j < C; ++j) s += std::exp(yr[j] - m);
        const double inv = 1.0 / s;
        for (int64_t j = 0; j < C; ++j) {
          const double p = std::exp(yr[j] - m) * inv;
          dr[j] += static_cast<float>(scale * (j == target ? p - 1.0 : p));
        }
        continue;
      }
      double dt = 0.0;
      for (int64_t j = 0; j < C; ++j) {
        if (j == target) continue;
        const double margin = 1.0 - (yt - yr[j]);
        if (!(margin > 0.0)) continue;
        const double g = kind == ClassLoss::MultiMargin ? 1.0 : 2.0 * margin;
        dr[j] += static_cast<float>(scale * g);
        dt -= g;
      }
      dr[target] += static_cast<float>(scale * dt);
    }
  });
}

}  // namespace neurite
