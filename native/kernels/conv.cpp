// conv2d by im2col + GEMM (see conv.h).
//
// - Forward and input gradient run image by image: one im2col into reused workspace, then one
//   GEMM per group. A 1x1 stride-1 unpadded convolution reads x directly (x is already its col
//   matrix). When the per-image GEMMs are small and the batch is at least as large as the
//   pool, images are split over the threads instead (each thread with its own workspace and
//   a single-threaded GEMM), since small GEMMs do not split well.
// - Weight gradient: dweight_g += sum over images of dout_n,g * col_n,g^T, by the dot-product
//   kernel of gemm_dot.h, which reads dout and the im2col matrices in place (both run along
//   OH*OW) and accumulates over a whole chunk of images in registers. Chunks bound the
//   workspace (kWeightWorkspaceFloats).
//
// Results do not depend on the thread count: each image is computed the same way whichever
// thread runs it, and GEMM itself splits M/N only.
#include "conv.h"

#include <algorithm>
#include <cstring>

#include "gemm.h"
#include "gemm_dot.h"
#include "workspace.h"

namespace neurite {
namespace {

constexpr int64_t kSmallGemmFlops = int64_t{1} << 24;
constexpr int64_t kWeightWorkspaceFloats = int64_t{1} << 18;

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
  // dweight_g (OCg, Kg) += sum over images of dout_n,g (OCg, P) * col_n,g^T: rows of both
  // operands run along P, which sgemm_dot_accumulate reads in place.
  if (is_pointwise(g)) {
    // x_n is its own col matrix.
    for (int64_t grp = 0; grp < groups; ++grp) {
      sgemm_dot_accumulate(pool, OCg, Kg, P, N, dout + grp * OCg * P, P, OC * P,
                           x + grp * Kg * P, P, g.C * P, dweight + grp * OCg * Kg, Kg);
    }
    return;
  }
  // Images go through im2col a chunk at a time; the chunk depends on the shape only, so the
  // order of the sums (and the result) does not depend on the thread count.
  const int64_t chunk = std::clamp<int64_t>(kWeightWorkspaceFloats / std::max<int64_t>(rows * P, 1), 1, N);
  float* col = workspace(0, rows * chunk * P);
  for (int64_t n0 = 0; n0 < N; n0 += chunk) {
    const int64_t nb = std::min(chunk, N - n0);
    pool.parallel_for(nb, 1, [&](int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1; ++i) im2col(g, x + (n0 + i) * g.C * g.H * g.W, col + i * rows * P, P);
    });
    for (int64_t grp = 0; grp < groups; ++grp) {
      sgemm_dot_accumulate(pool, OCg, Kg, P, nb, dout + n0 * OC * P + grp * OCg * P, P, OC * P,
                           col + grp * Kg * P, P, rows * P, dweight + grp * OCg * Kg, Kg);
    }
  }
}

void conv2d_backward_bias(ThreadPool& pool, int64_t N, int64_t OC, int64_t P, const float* dout,
                          float* dbias) noexcept {
  if (N == 0 || P == 0) return;
  pool.parallel_for(OC, std::max<int64_t>(1, 4096 / std::max<int64_t>(N * P, 1)),
                    [&](int64_t c0, int64_t c1) {
    for (int64_t oc = c0; oc < c1; ++oc) {
      // 16 independent lane sums (a sequential sum is one add per 4 cycles, unvectorizable
      // without reordering), added up pairwise per row; rows go into a double.
      double s = 0;
      for (int64_t n = 0; n < N; ++n) {
        const float* row = dout + (n * OC + oc) * P;
        float lanes[16] = {};
        int64_t p = 0;
        for (; p + 16 <= P; p += 16)
          for (int l = 0; l < 16; ++l) lanes[l] += row[p + l];
        for (int l = 0; p < P; ++p, ++l) lanes[l] += row[p];
        for (int width = 8; width >= 1; width /= 2)
          for (int l = 0; l < width; ++l) lanes[l] += lanes[l + width];
        s += lanes[0];
      }
      dbias[oc] += static_cast<float>(s);
    }
  });
}

}  // namespace neurite
