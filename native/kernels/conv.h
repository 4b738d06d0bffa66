// 2-D convolution (cross-correlation, as in PyTorch) on NCHW tensors, by im2col + GEMM.
//
// Shape letters: N batch; C, H, W input channels and size; OC output channels; KH, KW kernel;
// OH, OW output size (ConvGeometry in im2col.h); G groups.
//   x:      (N, C, H, W)
//   weight: (OC, C/G, KH, KW)   (PyTorch's Conv2d.weight layout)
//   bias:   (OC) or nullptr
//   out:    (N, OC, OH, OW)
// Invariants (checked by callers): C % G == 0, OC % G == 0, OH >= 1, OW >= 1.
//
// Backward kernels accumulate (+=) into dx, dweight and dbias.
#pragma once

#include <cstdint>

#include "../common/thread_pool.h"
#include "im2col.h"

namespace neurite {

void conv2d_forward(ThreadPool& pool, const ConvGeometry& g, int64_t N, int64_t OC,
                    int64_t groups, const float* x, const float* weight, const float* bias,
                    float* out) noexcept;

// dx += conv2d input gradient: per chunk of images, dcol = weight^T * dout, then col2im.
// With accumulate false, dx's contents are not read: the result is as if it held zeros.
void conv2d_backward_input(ThreadPool& pool, const ConvGeometry& g, int64_t N, int64_t OC,
                           int64_t groups, const float* dout, const float* weight, float* dx,
                           bool accumulate) noexcept;

// dweight += sum over images of dout_n * col_n^T (dot-product tiles of gemm_dot.h, or sgemm).
void conv2d_backward_weight(ThreadPool& pool, const ConvGeometry& g, int64_t N, int64_t OC,
                            int64_t groups, const float* x, const float* dout,
                            float* dweight) noexcept;

// dout: (N, OC, P) with P = OH*OW; dbias[oc] += sum over n and p.
void conv2d_backward_bias(ThreadPool& pool, int64_t N, int64_t OC, int64_t P, const float* dout,
                          float* dbias) noexcept;

}  // namespace neurite
