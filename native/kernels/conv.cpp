// conv2d by im2col + GEMM (see conv.h).
//
// - Forward and input gradient run image by image: one im2col into reused workspace, then one
//   GEMM per group. A 1x1 stride-1 unpadded convolution reads x directly (x is already its col
//   matrix). When the per-image GEMMs are small and the batch is at least as large as the
//   pool, images are split over the threads instead (each thread with its own workspace and
//   a single-threaded GEMM), since small GEMMs do not split well.
// - Weight gradient: the batch is folded into GEMM's K dimension. A chunk of images is
//   im2col'ed side by side into (C*KH*KW, chunk*OH*OW) and dout is transposed into
//   (OC, chunk*OH*OW); one GEMM per group (B transposed, which GEMM absorbs in packing)
//   accumulates the whole chunk's contribution: dweight_g += dout_g * col_g^T.
//   Chunks bound the workspace (kWeightWorkspaceFloats).
//
// Results do not depend on the thread count: each image is computed the same way whichever
// thread runs it, and GEMM itself splits M/N only.
#include "conv.h"

#include <algorithm>
#include <cstring>

#include "gemm.h"
#include "workspace.h"

namespace neurite {
namespace {

constexpr int64_t kSmallGemmFlops = int64_t{1} << 24;
constexpr int64_t kWeightWorkspaceFloats = int64_t{1} << 22;

bool is_pointwise(const ConvGeometry& g) {
  return g.KH == 1 && g.KW == 1 && g.stride_h == 1 && g.stride_w == 1 && g.pad_top == 0 &&
         g.pad_left == 0 && g.OH == g.H && g.OW == g.W;
}

// Runs fn(n, gemm_pool) for every image: split over the threads with a private one-thread
// GEMM pool when `split` is set, otherwise serially with the GEMM on the whole pool.
template <typename Fn>
void for_each_image(ThreadPool& pool, int64_t N, bool split, Fn&& fn) {
  if (!split) {
    for (int64_t n = 0; n < N; ++n) fn(n, pool);
    return;
  }
  pool.parallel_for(N, 1, [&](int64_t n0, int64_t n1) {
    ThreadPool serial(1);
    for (int64_t n = n0; n < n1; ++n) fn(n, serial);
  });
}

bool split_batch(const ThreadPool& pool, int64_t N, int64_t flops_per_image) {
  return pool.size() > 1 && N >= pool.size() && flops_per_image < kSmallGemmFlops;
}

}  // namespace

void conv2d_forward(ThreadPool& pool, const ConvGeometry& g, int64_t N, int64_t OC,
                    int64_t groups, const float* x, const float* weight, const float* bias,
                    float* out) noexcept {
  // With no output there is nothing to do (and OH*OW may then be unbounded by any buffer).
  if (N == 0 || OC == 0) return;
  const int64_t P = g.OH * g.OW;
  const int64_t Cg = g.C / groups, OCg = OC / groups;
  const int64_t Kg = Cg * g.KH * g.KW;
  const bool pointwise = is_pointwise(g);
  const bool split = split_batch(pool, N, 2 * OC * P * Kg);
  for_each_image(pool, N, split, [&](int64_t n, ThreadPool& gemm_pool) {
    const float* xn = x + n * g.C * g.H * g.W;
    float* on = out + n * OC * P;
    const float* col = xn;
    if (!pointwise) {
      float* ws = workspace(0, g.C * g.KH * g.KW * P);
      im2col(g, xn, ws, P);
      col = ws;
    }
    for (int64_t grp = 0; grp < groups; ++grp) {
      sgemm(gemm_pool, false, false, OCg, P, Kg, 1.0f, weight + grp * OCg * Kg, Kg,
            col + grp * Kg * P, P, 0.0f, on + grp * OCg * P, P);
    }
    if (bias) {
      for (int64_t oc = 0; oc < OC; ++oc) {
        float* row = on + oc * P;
        const float b = bias[oc];
        for (int64_t p = 0; p < P; ++p) row[p] += b;
      }
    }
  });
}

void conv2d_backward_input(ThreadPool& pool, const ConvGeometry& g, int64_t N, int64_t OC,
                           int64_t groups, const float* dout, const float* weight,
                           float* dx) noexcept {
  if (N == 0 || OC == 0 || g.C == 0) return;
  const int64_t P = g.OH * g.OW;
  const int64_t Cg = g.C / groups, OCg = OC / groups;
  const int64_t Kg = Cg * g.KH * g.KW;
  const bool pointwise = is_pointwise(g);
  const bool split = split_batch(pool, N, 2 * OC * P * Kg);
  for_each_image(pool, N, split, [&](int64_t n, ThreadPool& gemm_pool) {
    const float* dn = dout + n * OC * P;
    float* dxn = dx + n * g.C * g.H * g.W;
    if (pointwise) {
      // dx_n (C, HW) += weight^T (C, OC) * dout_n (OC, HW), per group.
      for (int64_t grp = 0; grp < groups; ++grp) {
        sgemm(gemm_pool, true, false, Kg, P, OCg, 1.0f, weight + grp * OCg * Kg, Kg,
              dn + grp * OCg * P, P, 1.0f, dxn + grp * Kg * P, P);
      }
      return;
    }
    float* dcol = workspace(0, g.C * g.KH * g.KW * P);
    for (int64_t grp = 0; grp < groups; ++grp) {
      sgemm(gemm_pool, true, false, Kg, P, OCg, 1.0f, weight + grp * OCg * Kg, Kg,
            dn + grp * OCg * P, P, 0.0f, dcol + grp * Kg * P, P);
    }
    col2im(g, dcol, P, dxn);
  });
}

void conv2d_backward_weight(ThreadPool& pool, const ConvGeometry& g, int64_t N, int64_t OC,
                            int64_t groups, const float* x, const float* dout,
                            float* dweight) noexcept {
  if (N == 0 || OC == 0 || g.C == 0) return;
  const int64_t P = g.OH * g.OW;
  const int64_t Cg = g.C / groups, OCg = OC / groups;
  const int64_t Kg = Cg * g.KH * g.KW;
  const int64_t rows = g.C * g.KH * g.KW;
  if (is_pointwise(g)) {
    // x_n is its own col matrix: dweight_g (OCg, Cg) += dout_n,g (OCg, HW) * x_n,g^T.
    for (int64_t n = 0; n < N; ++n) {
      const float* xn = x + n * g.C * P;
      const float* dn = dout + n * OC * P;
      for (int64_t grp = 0; grp < groups; ++grp) {
        sgemm(pool, false, true, OCg, Kg, P, 1.0f, dn + grp * OCg * P, P, xn + grp * Kg * P, P,
              1.0f, dweight + grp * OCg * Kg, Kg);
      }
    }
    return;
  }
  const int64_t per_image = std::max(rows, OC) * P;
  const int64_t chunk = std::clamp<int64_t>(kWeightWorkspaceFloats / std::max<int64_t>(per_image, 1), 1, N);
  float* col = workspace(0, rows * chunk * P);
  float* dt = workspace(1, OC * chunk * P);
  for (int64_t n0 = 0; n0 < N; n0 += chunk) {
    const int64_t nb = std::min(chunk, N - n0);
    const int64_t ld = nb * P;
    pool.parallel_for(nb, 1, [&](int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1; ++i) {
        const int64_t n = n0 + i;
        im2col(g, x + n * g.C * g.H * g.W, col + i * P, ld);
        const float* dn = dout + n * OC * P;
        for (int64_t oc = 0; oc < OC; ++oc) {
          std::memcpy(dt + oc * ld + i * P, dn + oc * P, static_cast<size_t>(P) * sizeof(float));
        }
      }
    });
    for (int64_t grp = 0; grp < groups; ++grp) {
      sgemm(pool, false, true, OCg, Kg, ld, 1.0f, dt + grp * OCg * ld, ld, col + grp * Kg * ld, ld,
            1.0f, dweight + grp * OCg * Kg, Kg);
    }
  }
}

void conv2d_backward_bias(ThreadPool& pool, int64_t N, int64_t OC, int64_t P, const float* dout,
                          float* dbias) noexcept {
  if (N == 0 || P == 0) return;
  pool.parallel_for(OC, std::max<int64_t>(1, 4096 / std::max<int64_t>(N * P, 1)),
                    [&](int64_t c0, int64_t c1) {
    for (int64_t oc = c0; oc < c1; ++oc) {
      double s = 0;
      for (int64_t n = 0; n < N; ++n) {
        const float* row = dout + (n * OC + oc) * P;
        float part = 0;
        for (int64_t p = 0; p < P; ++p) part += row[p];
        s += part;
      }
      dbias[oc] += static_cast<float>(s);
    }
  });
}

}  // namespace neurite
