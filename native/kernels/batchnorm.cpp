// Batch normalization kernels (see batchnorm.h). Per-channel sums are double; the per-element
// maps are float: out = (x - m) * scale + shift, dx += k * (dout - a - (x - m) * b).
#include "batchnorm.h"

#include <algorithm>
#include <cmath>

namespace neurite {
namespace {

int64_t channel_grain(int64_t per_channel) {
  return std::max<int64_t>(1, 16384 / std::max<int64_t>(per_channel, 1));
}

// out[n, c, :] = (x[n, c, :] - m) * scale + shift for one channel.
void affine_channel(int64_t N, int64_t C, int64_t HW, int64_t c, const float* x, float m,
                    float scale, float shift, float* out) {
  for (int64_t n = 0; n < N; ++n) {
    const float* xp = x + (n * C + c) * HW;
    float* op = out + (n * C + c) * HW;
    for (int64_t i = 0; i < HW; ++i) op[i] = (xp[i] - m) * scale + shift;
  }
}

// Double sums in kLanes independent accumulators: the add latency no longer serializes the
// loop, and the order (lane i takes elements i, i + kLanes, ...; lanes are combined in a fixed
// order at the end) depends only on the shape, never on the thread count.
constexpr int64_t kLanes = 8;

struct Lanes {
  double v[kLanes] = {};
  double total() const {
    double t = 0.0;
    for (int64_t l = 0; l < kLanes; ++l) t += v[l];
    return t;
  }
};

// acc += sum(p[i]); add_squared_deviations: acc += sum((p[i] - m)^2).
void add_sums(const float* p, int64_t n, Lanes& acc) {
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (int64_t l = 0; l < kLanes; ++l) acc.v[l] += static_cast<double>(p[i + l]);
  }
  for (; i < n; ++i) acc.v[i % kLanes] += static_cast<double>(p[i]);
}

void add_squared_deviations(const float* p, int64_t n, double m, Lanes& acc) {
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (int64_t l = 0; l < kLanes; ++l) {
      const double d = static_cast<double>(p[i + l]) - m;
      acc.v[l] += d * d;
    }
  }
  for (; i < n; ++i) {
    const double d = static_cast<double>(p[i]) - m;
    acc.v[i % kLanes] += d * d;
  }
}

// sdy += sum(dy[i]); sdyx += sum(dy[i] * (x[i] - m)).
void add_grad_sums(const float* dy, const float* x, int64_t n, double m, Lanes& sdy, Lanes& sdyx) {
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (int64_t l = 0; l < kLanes; ++l) {
      const double g = static_cast<double>(dy[i + l]);
      sdy.v[l] += g;
      sdyx.v[l] += g * (static_cast<double>(x[i + l]) - m);
    }
  }
  for (; i < n; ++i) {
    const double g = static_cast<double>(dy[i]);
    sdy.v[i % kLanes] += g;
    sdyx.v[i % kLanes] += g * (static_cast<double>(x[i]) - m);
  }
}

}  // namespace

void batchnorm2d_forward_train(ThreadPool& pool, int64_t N, int64_t C, int64_t HW, const float* x,
                               const float* weight, const float* bias, float momentum, float eps,
                               float* out, float* save_mean, float* save_invstd,
                               float* running_mean, float* running_var) noexcept {
  const int64_t count = N * HW;
  pool.parallel_for(C, channel_grain(count), [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      Lanes sum;
      for (int64_t n = 0; n < N; ++n) add_sums(x + (n * C + c) * HW, HW, sum);
      const double mean = count > 0 ? sum.total() / static_cast<double>(count) : 0.0;
      Lanes ss;
      for (int64_t n = 0; n < N; ++n) add_squared_deviations(x + (n * C + c) * HW, HW, mean, ss);
      const double var = count > 0 ? ss.total() / static_cast<double>(count) : 0.0;
      const double invstd = 1.0 / std::sqrt(var + static_cast<double>(eps));
      const double g = weight ? static_cast<double>(weight[c]) : 1.0;
      const float m = static_cast<float>(mean);
      save_mean[c] = m;
      save_invstd[c] = static_cast<float>(invstd);
      affine_channel(N, C, HW, c, x, m, static_cast<float>(g * invstd), bias ? bias[c] : 0.0f, out);
      const double mom = momentum;
      if (running_mean) {
        running_mean[c] = static_cast<float>((1.0 - mom) * running_mean[c] + mom * mean);
      }
      if (running_var) {
        const double unbiased = count > 1 ? var * static_cast<double>(count) / static_cast<double>(count - 1) : var;
        running_var[c] = static_cast<float>((1.0 - mom) * running_var[c] + mom * unbiased);
      }
    }
  });
}

void batchnorm2d_forward_eval(ThreadPool& pool, int64_t N, int64_t C, int64_t HW, const float* x,
                              const float* weight, const float* bias, const float* running_mean,
                              const float* running_var, float eps, float* out, float* save_mean,
                              float* save_invstd) noexcept {
  pool.parallel_for(C, channel_grain(N * HW), [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      const double invstd =
          1.0 / std::sqrt(static_cast<double>(running_var[c]) + static_cast<double>(eps));
      const double g = weight ? static_cast<double>(weight[c]) : 1.0;
      save_mean[c] = running_mean[c];
      save_invstd[c] = static_cast<float>(invstd);
      affine_channel(N, C, HW, c, x, running_mean[c], static_cast<float>(g * invstd),
                     bias ? bias[c] : 0.0f, out);
    }
  });
}

void batchnorm2d_backward(ThreadPool& pool, int64_t N, int64_t C, int64_t HW, bool training,
                          const float* dout, const float* x, const float* weight,
                          const float* save_mean, const float* save_invstd, float* dx,
                          float* dweight, float* dbias) noexcept {
  const int64_t count = N * HW;
  pool.parallel_for(C, channel_grain(2 * count), [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      const float m = save_mean[c];
      const double invstd = save_invstd[c];
      // sum(dout) and sum(dout * (x - m)); the latter times invstd is sum(dout * xhat).
      Lanes sdy_lanes, sdyx_lanes;
      for (int64_t n = 0; n < N; ++n) {
        add_grad_sums(dout + (n * C + c) * HW, x + (n * C + c) * HW, HW, m, sdy_lanes, sdyx_lanes);
      }
      const double sdy = sdy_lanes.total(), sdyx = sdyx_lanes.total();
      if (dbias) dbias[c] += static_cast<float>(sdy);
      if (dweight) dweight[c] += static_cast<float>(sdyx * invstd);
      if (!dx) continue;
      const double g = weight ? static_cast<double>(weight[c]) : 1.0;
      const float k = static_cast<float>(g * invstd);
      float a = 0.0f, b = 0.0f;  // training only
      if (training && count > 0) {
        a = static_cast<float>(sdy / static_cast<double>(count));
        b = static_cast<float>(sdyx * invstd * invstd / static_cast<double>(count));
      }
      for (int64_t n = 0; n < N; ++n) {
        const float* xp = x + (n * C + c) * HW;
        const float* dp = dout + (n * C + c) * HW;
        float* dxp = dx + (n * C + c) * HW;
        if (training) {
          for (int64_t i = 0; i < HW; ++i) dxp[i] += k * (dp[i] - a - (xp[i] - m) * b);
        } else {
          for (int64_t i = 0; i < HW; ++i) dxp[i] += k * dp[i];
        }
      }
    }
  });
}

}  // namespace neurite
