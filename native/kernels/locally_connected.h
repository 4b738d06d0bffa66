// Locally-connected 2-D layer on NCHW tensors: the windows of a convolution (stride, padding,
// dilation as in ConvGeometry), but every output position has its own weights.
//
// Shape letters: N batch; C, H, W input; OC output channels; KH, KW window; OH, OW output;
// P = OH*OW positions, R = C*KH*KW values per window.
//   x:      (N, C, H, W)
//   weight: (OH, OW, OC, C, KH, KW)   i.e. one (OC, R) matrix per position p
//   bias:   (OC, OH, OW) or nullptr
//   out:    (N, OC, OH, OW)
// out[n, oc, p] = sum_r weight[p, oc, r] * window_n,p[r] + bias[oc, p]
//
// Per position p the batch's windows are gathered into a (N, R) matrix, so forward and both
// gradients are small GEMMs. Backward kernels accumulate (+=).
#pragma once

#include <cstdint>

#include "../common/thread_pool.h"
#include "im2col.h"

namespace neurite {

void locally_connected2d_forward(ThreadPool& pool, const ConvGeometry& g, int64_t N,
                                 int64_t OC, const float* x, const float* weight,
                                 const float* bias, float* out) noexcept;

// dx += input gradient.
void locally_connected2d_backward_input(ThreadPool& pool, const ConvGeometry& g, int64_t N,
                                        int64_t OC, const float* dout, const float* weight,
                                        float* dx) noexcept;

// dweight += weight gradient; dbias (nullable) += sum over the batch of dout.
void locally_connected2d_backward_weight(ThreadPool& pool, const ConvGeometry& g, int64_t N,
                                         int64_t OC, const float* x, const float* dout,
                                         float* dweight, float* dbias) noexcept;

}  // namespace neurite
