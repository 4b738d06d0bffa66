// Locally-connected 2-D (see locally_connected.h). Forward and weight gradient split the
// positions over the threads (each position's weights are its own); the input gradient splits
// the batch instead, because windows of neighbouring positions overlap in dx.
#include "locally_connected.h"

#include <algorithm>

#include "gemm.h"
#include "workspace.h"

namespace neurite {
namespace {

// patches (nb, R) <- the windows at position p of images n0 .. n0+nb-1.
void gather(const ConvGeometry& g, const float* x, int64_t n0, int64_t nb, int64_t p,
            float* patches) {
  const int64_t oh = p / g.OW, ow = p % g.OW;
  const int64_t R = g.C * g.KH * g.KW;
  for (int64_t i = 0; i < nb; ++i) {
    const float* xn = x + (n0 + i) * g.C * g.H * g.W;
    float* row = patches + i * R;
    for (int64_t c = 0; c < g.C; ++c) {
      for (int64_t kh = 0; kh < g.KH; ++kh) {
        const int64_t ih = oh * g.stride_h - g.pad_top + kh * g.dilation_h;
        for (int64_t kw = 0; kw < g.KW; ++kw) {
          const int64_t iw = ow * g.stride_w - g.pad_left + kw * g.dilation_w;
          const bool inside = ih >= 0 && ih < g.H && iw >= 0 && iw < g.W;
          *row++ = inside ? xn[(c * g.H + ih) * g.W + iw] : 0.0f;
        }
      }
    }
  }
}

// dx += the windows in dpatches (nb, R) at position p, scattered back.
void scatter_add(const ConvGeometry& g, const float* dpatches, int64_t n0, int64_t nb, int64_t p,
                 float* dx) {
  const int64_t oh = p / g.OW, ow = p % g.OW;
  const int64_t R = g.C * g.KH * g.KW;
  for (int64_t i = 0; i < nb; ++i) {
    float* dxn = dx + (n0 + i) * g.C * g.H * g.W;
    const float* row = dpatches + i * R;
    for (int64_t c = 0; c < g.C; ++c) {
      for (int64_t kh = 0; kh < g.KH; ++kh) {
        const int64_t ih = oh * g.stride_h - g.pad_top + kh * g.dilation_h;
        for (int64_t kw = 0; kw < g.KW; ++kw, ++row) {
          const int64_t iw = ow * g.stride_w - g.pad_left + kw * g.dilation_w;
          if (ih >= 0 && ih < g.H && iw >= 0 && iw < g.W) dxn[(c * g.H + ih) * g.W + iw] += *row;
        }
      }
    }
  }
}

}  // namespace

void locally_connected2d_forward(ThreadPool& pool, const ConvGeometry& g, int64_t N,
                                 int64_t OC, const float* x, const float* weight,
                                 const float* bias, float* out) noexcept {
  // With no output there is nothing to do (and OH*OW may then be unbounded by any buffer).
  if (N == 0 || OC == 0) return;
  const int64_t P = g.OH * g.OW, R = g.C * g.KH * g.KW;
  pool.parallel_for(P, 1, [&](int64_t p0, int64_t p1) {
    ThreadPool serial(1);
    float* patches = workspace(0, N * R);
    float* res = workspace(1, N * OC);
    for (int64_t p = p0; p < p1; ++p) {
      gather(g, x, 0, N, p, patches);
      // res (N, OC) = patches (N, R) * weight_p^T, weight_p is (OC, R).
      sgemm(serial, false, true, N, OC, R, 1.0f, patches, R, weight + p * OC * R, R, 0.0f, res,
            OC);
      for (int64_t n = 0; n < N; ++n) {
        for (int64_t oc = 0; oc < OC; ++oc) {
          out[(n * OC + oc) * P + p] = res[n * OC + oc] + (bias ? bias[oc * P + p] : 0.0f);
        }
      }
    }
  });
}

void locally_connected2d_backward_input(ThreadPool& pool, const ConvGeometry& g, int64_t N,
                                        int64_t OC, const float* dout, const float* weight,
                                        float* dx) noexcept {
  if (N == 0 || OC == 0 || g.C == 0) return;
  const int64_t P = g.OH * g.OW, R = g.C * g.KH * g.KW;
  pool.parallel_for(N, 1, [&](int64_t n0, int64_t n1) {
    ThreadPool serial(1);
    const int64_t nb = n1 - n0;
    float* dres = workspace(1, nb * OC);
    float* dpatches = workspace(0, nb * R);
    for (int64_t p = 0; p < P; ++p) {
      for (int64_t i = 0; i < nb; ++i) {
        for (int64_t oc = 0; oc < OC; ++oc) dres[i * OC + oc] = dout[((n0 + i) * OC + oc) * P + p];
      }
      // dpatches (nb, R) = dres (nb, OC) * weight_p (OC, R).
      sgemm(serial, false, false, nb, R, OC, 1.0f, dres, OC, weight + p * OC * R, R, 0.0f,
            dpatches, R);
      scatter_add(g, dpatches, n0, nb, p, dx);
    }
  });
}

void locally_connected2d_backward_weight(ThreadPool& pool, const ConvGeometry& g, int64_t N,
                                         int64_t OC, const float* x, const float* dout,
                                         float* dweight, float* dbias) noexcept {
  if (N == 0 || OC == 0 || (g.C == 0 && !dbias)) return;
  const int64_t P = g.OH * g.OW, R = g.C * g.KH * g.KW;
  pool.parallel_for(P, 1, [&](int64_t p0, int64_t p1) {
    ThreadPool serial(1);
    float* patches = workspace(0, N * R);
    float* dres = workspace(1, N * OC);
    for (int64_t p = p0; p < p1; ++p) {
      gather(g, x, 0, N, p, patches);
      for (int64_t n = 0; n < N; ++n) {
        for (int64_t oc = 0; oc < OC; ++oc) dres[n * OC + oc] = dout[(n * OC + oc) * P + p];
      }
      // dweight_p (OC, R) += dres^T (OC, N) * patches (N, R).
      sgemm(serial, true, false, OC, R, N, 1.0f, dres, OC, patches, R, 1.0f,
            dweight + p * OC * R, R);
      if (dbias) {
        for (int64_t oc = 0; oc < OC; ++oc) {
          float s = 0;
          for (int64_t n = 0; n < N; ++n) s += dres[n * OC + oc];
          dbias[oc * P + p] += s;
        }
      }
    }
  });
}

}  // namespace neurite
