// 2-D pooling on NCHW tensors. Every (n, c) plane is pooled on its own, so the kernels see
// NC = N*C planes of H x W and write NC planes of OH x OW.
//
// Windows follow ConvGeometry (im2col.h) with KH x KW extent, strides and per-side padding;
// OH and OW come from conv_output_size (floor mode).
//   max:      padding never wins (it counts as -inf); argmax holds, per output element, the
//             index ih*W + iw of the chosen input in its plane as a float (exact while
//             H*W <= 2^24), or -1 when the window lies entirely in the padding (then out is
//             -inf and no gradient flows). Backward skips entries outside [0, HW).
//   average:  sum over the window / divisor; divisor = KH*KW when count_include_pad (PyTorch's
//             default), else the number of window positions inside the image.
//   adaptive: PyTorch's AdaptiveAvgPool2d: output cell (oh, ow) averages input rows
//             floor(oh*H/OH) .. ceil((oh+1)*H/OH)-1, likewise for columns. OH = OW = 1 is
//             global average pooling.
// Backward kernels accumulate (+=) into dx.
#pragma once

#include <cstdint>

#include "../common/thread_pool.h"
#include "im2col.h"

namespace neurite {

// g.C is ignored: planes are counted by NC.
void max_pool2d_forward(ThreadPool& pool, const ConvGeometry& g, int64_t NC, const float* x,
                        float* out, float* argmax) noexcept;
// dx[plane, argmax] += dout over NC planes of HW inputs and P outputs; argmax entries outside
// [0, HW) (and NaN) are skipped. W (the plane's width) and K describe the windows when they
// tile the plane (K x K, stride K, no padding or dilation: max_pool2d_forward's fast path);
// pass K = 0 otherwise. They only choose the loop: the result is the same for any argmax.
// With accumulate false, dx's contents are not read: the result is as if it held zeros.
void max_pool2d_backward(ThreadPool& pool, int64_t NC, int64_t HW, int64_t P, int64_t W,
                         int64_t K, const float* dout, const float* argmax, float* dx,
                         bool accumulate) noexcept;

void avg_pool2d_forward(ThreadPool& pool, const ConvGeometry& g, int64_t NC,
                        bool count_include_pad, const float* x, float* out) noexcept;
void avg_pool2d_backward(ThreadPool& pool, const ConvGeometry& g, int64_t NC,
                         bool count_include_pad, const float* dout, float* dx) noexcept;

void adaptive_avg_pool2d_forward(ThreadPool& pool, int64_t NC, int64_t H, int64_t W, int64_t OH,
                                 int64_t OW, const float* x, float* out) noexcept;
void adaptive_avg_pool2d_backward(ThreadPool& pool, int64_t NC, int64_t H, int64_t W,
                                  int64_t OH, int64_t OW, const float* dout, float* dx) noexcept;

}  // namespace neurite
